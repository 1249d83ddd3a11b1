import { partnerScopeOf } from '../access/policy.ts';
import { and, asc, eq, gt, gte, lte, sql } from 'drizzle-orm';
import { alias, type PgColumn } from 'drizzle-orm/pg-core';
import { canViewPartnerDirectory, canSeeRecordOwners } from '../access/crm-policy.ts';
import type { Actor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import {
	accountPartners,
	accounts,
	contacts,
	dealRegistrations,
	opportunities,
	organisations,
	regions,
	users
} from '../db/schema.ts';
import {
	visibleAccounts,
	visibleContacts,
	visibleOpportunities,
	visibleRegistrations
} from '../access/crm-scope.ts';
import { CSV_BOM, csvLine, type CsvValue } from '../csv/index.ts';
import {
	ACCOUNT_SIZES,
	ORGANISATION_STATUSES,
	REGISTRATION_STATUSES,
	STAGES,
	TIERS
} from '../../shared/enums.ts';
import { isId } from '../../shared/ids.ts';
import { workspaceToday } from '../workspace/settings.ts';
import { foldText, prefixQuery } from '../../shared/normalise.ts';

// CSV export of every CRM list, limited to what the person may see: the same visibility SQL as
// the lists (access/crm-scope.ts), the list's filters from the query string, streamed in keyset batches.

export const EXPORT_KINDS = [
	'partners',
	'accounts',
	'contacts',
	'opportunities',
	'registrations'
] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const EXPORT_BATCH = 1000;

export function isExportKind(kind: string): kind is ExportKind {
	return (EXPORT_KINDS as readonly string[]).includes(kind);
}

/** Who may export a kind: the partner directory is the host's; the CRM lists are everyone's own. */
export function canExport(actor: Actor, kind: ExportKind): boolean {
	return kind === 'partners' ? canViewPartnerDirectory(actor) : true;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const uuidParam = (p: URLSearchParams, name: string) => {
	const v = p.get(name);
	return isId(v) ? v : null;
};
const oneOf = <T extends string>(p: URLSearchParams, name: string, values: readonly T[]) => {
	const v = p.get(name);
	return v && (values as readonly string[]).includes(v) ? (v as T) : null;
};
const dayParam = (p: URLSearchParams, name: string) => {
	const v = p.get(name);
	return v && DAY.test(v) ? v : null;
};
const textSearch = (column: PgColumn, p: URLSearchParams) => {
	const q = prefixQuery(p.get('q') ?? '');
	return q ? sql`${column} @@ to_tsquery('simple', ${q})` : undefined;
};

type Source = {
	header: string[];
	/** One batch after the id `after` (null: from the start), in id order. */
	batch(
		db: Db,
		actor: Actor,
		filters: URLSearchParams,
		after: string | null
	): Promise<{ id: string; cells: CsvValue[] }[]>;
};

const money = (cents: number) => cents / 100;

const partnersSource: Source = {
	header: [
		'id',
		'external id',
		'name',
		'tier',
		'region',
		'status',
		'owner',
		'agreement signed',
		'created'
	],
	async batch(db, _actor, p, after) {
		const q = foldText(p.get('q') ?? '').trim();
		const tier = oneOf(p, 'tier', TIERS);
		const status = oneOf(p, 'status', ORGANISATION_STATUSES);
		const region = uuidParam(p, 'region');
		const owner = uuidParam(p, 'owner');
		const rows = await db
			.select({
				id: organisations.id,
				externalId: organisations.externalId,
				name: organisations.name,
				tier: organisations.tier,
				region: regions.name,
				status: organisations.status,
				owner: users.email,
				agreement: organisations.agreementSignedAt,
				createdAt: organisations.createdAt
			})
			.from(organisations)
			.leftJoin(regions, eq(regions.id, organisations.regionId))
			.leftJoin(users, eq(users.id, organisations.ownerId))
			.where(
				and(
					eq(organisations.kind, 'partner'),
					after ? gt(organisations.id, after) : undefined,
					q ? sql`lower(${organisations.name}) like ${`%${q.replace(/[%_\\]/g, '')}%`}` : undefined,
					tier ? eq(organisations.tier, tier) : undefined,
					status ? eq(organisations.status, status) : undefined,
					region ? eq(organisations.regionId, region) : undefined,
					owner ? eq(organisations.ownerId, owner) : undefined
				)
			)
			.orderBy(asc(organisations.id))
			.limit(EXPORT_BATCH);
		return rows.map((r) => ({
			id: r.id,
			cells: [
				r.id,
				r.externalId,
				r.name,
				r.tier,
				r.region,
				r.status,
				r.owner,
				r.agreement,
				r.createdAt
			]
		}));
	}
};

/** The partners serving an account, as far as this person may know: a partner only ever sees itself. */
const servingPartners = (actor: Actor) => sql<string | null>`(
	select string_agg(o.name, ', ' order by o.name) from ${accountPartners} ap
	join ${organisations} o on o.id = ap.organisation_id
	where ap.account_id = ${accounts.id}
	${partnerScopeOf(actor) === null ? sql`` : sql`and ap.organisation_id = ${partnerScopeOf(actor)}`}
)`;

const accountsSource: Source = {
	header: [
		'id',
		'external id',
		'name',
		'siren',
		'vat id',
		'domain',
		'industry',
		'size',
		'region',
		'partner',
		'created',
		'updated'
	],
	async batch(db, actor, p, after) {
		const region = uuidParam(p, 'region');
		const owner = uuidParam(p, 'owner');
		const partner = uuidParam(p, 'partner');
		const size = oneOf(p, 'size', ACCOUNT_SIZES);
		const rows = await db
			.select({
				id: accounts.id,
				externalId: accounts.externalId,
				name: accounts.name,
				siren: accounts.siren,
				vatId: accounts.vatId,
				domain: accounts.domain,
				industry: accounts.industry,
				size: accounts.size,
				region: regions.name,
				partners: servingPartners(actor),
				createdAt: accounts.createdAt,
				updatedAt: accounts.updatedAt
			})
			.from(accounts)
			.leftJoin(regions, eq(regions.id, accounts.regionId))
			.where(
				and(
					visibleAccounts(actor),
					after ? gt(accounts.id, after) : undefined,
					textSearch(accounts.search, p),
					region ? eq(accounts.regionId, region) : undefined,
					owner ? eq(accounts.ownerId, owner) : undefined,
					size ? eq(accounts.size, size) : undefined,
					partner
						? sql`exists (select 1 from ${accountPartners} where ${accountPartners.accountId} = ${accounts.id} and ${accountPartners.organisationId} = ${partner})`
						: undefined
				)
			)
			.orderBy(asc(accounts.id))
			.limit(EXPORT_BATCH);
		return rows.map((r) => ({
			id: r.id,
			cells: [
				r.id,
				r.externalId,
				r.name,
				r.siren,
				r.vatId,
				r.domain,
				r.industry,
				r.size,
				r.region,
				r.partners,
				r.createdAt,
				r.updatedAt
			]
		}));
	}
};

const partnerOrg = alias(organisations, 'partner_org');

const contactsSource: Source = {
	header: [
		'id',
		'external id',
		'name',
		'job title',
		'email',
		'phone',
		'account',
		'partner',
		'created'
	],
	async batch(db, actor, p, after) {
		const account = uuidParam(p, 'account');
		const partner = uuidParam(p, 'partner');
		const rows = await db
			.select({
				id: contacts.id,
				externalId: contacts.externalId,
				name: contacts.name,
				jobTitle: contacts.jobTitle,
				email: contacts.email,
				phone: contacts.phone,
				account: accounts.name,
				partner: partnerOrg.name,
				createdAt: contacts.createdAt
			})
			.from(contacts)
			.innerJoin(accounts, eq(accounts.id, contacts.accountId))
			.leftJoin(partnerOrg, eq(partnerOrg.id, contacts.organisationId))
			.where(
				and(
					visibleContacts(actor),
					after ? gt(contacts.id, after) : undefined,
					textSearch(contacts.search, p),
					account ? eq(contacts.accountId, account) : undefined,
					partner ? eq(contacts.organisationId, partner) : undefined
				)
			)
			.orderBy(asc(contacts.id))
			.limit(EXPORT_BATCH);
		return rows.map((r) => ({
			id: r.id,
			cells: [
				r.id,
				r.externalId,
				r.name,
				r.jobTitle,
				r.email,
				r.phone,
				r.account,
				r.partner,
				r.createdAt
			]
		}));
	}
};

const opportunitiesSource: Source = {
	header: [
		'id',
		'external id',
		'name',
		'account',
		'partner',
		'owner',
		'stage',
		'amount',
		'close date',
		'probability',
		'next step',
		'products',
		'lost reason',
		'created'
	],
	async batch(db, actor, p, after) {
		const stage = oneOf(p, 'stage', STAGES);
		const owner = uuidParam(p, 'owner');
		const region = uuidParam(p, 'region');
		const partnerParam = p.get('partner');
		const partner = partnerParam === 'direct' ? 'direct' : uuidParam(p, 'partner');
		const from = dayParam(p, 'from');
		const to = dayParam(p, 'to');
		const rows = await db
			.select({
				id: opportunities.id,
				externalId: opportunities.externalId,
				name: opportunities.name,
				account: accounts.name,
				partner: partnerOrg.name,
				owner: users.email,
				stage: opportunities.stage,
				amountCents: opportunities.amountCents,
				closeDate: opportunities.closeDate,
				probability: opportunities.probability,
				nextStep: opportunities.nextStep,
				products: opportunities.products,
				lostReason: opportunities.lostReason,
				createdAt: opportunities.createdAt
			})
			.from(opportunities)
			.innerJoin(accounts, eq(accounts.id, opportunities.accountId))
			.leftJoin(partnerOrg, eq(partnerOrg.id, opportunities.partnerId))
			.leftJoin(users, eq(users.id, opportunities.ownerId))
			.where(
				and(
					visibleOpportunities(actor),
					after ? gt(opportunities.id, after) : undefined,
					textSearch(opportunities.search, p),
					stage ? eq(opportunities.stage, stage) : undefined,
					owner ? eq(opportunities.ownerId, owner) : undefined,
					region ? eq(accounts.regionId, region) : undefined,
					partner === 'direct'
						? sql`${opportunities.partnerId} is null`
						: partner
							? eq(opportunities.partnerId, partner)
							: undefined,
					from ? gte(opportunities.closeDate, from) : undefined,
					to ? lte(opportunities.closeDate, to) : undefined
				)
			)
			.orderBy(asc(opportunities.id))
			.limit(EXPORT_BATCH);
		return rows.map((r) => ({
			id: r.id,
			cells: [
				r.id,
				r.externalId,
				r.name,
				r.account,
				r.partner,
				// Host people's e-mails are not partner data, but a partner needs none of them.
				canSeeRecordOwners(actor) ? r.owner : null,
				r.stage,
				money(r.amountCents),
				r.closeDate,
				r.probability,
				r.nextStep,
				r.products,
				r.lostReason,
				r.createdAt
			]
		}));
	}
};

const registrationsSource: Source = {
	header: [
		'id',
		'account',
		'domain',
		'siren',
		'partner',
		'status',
		'amount',
		'expected close date',
		'products',
		'submitted',
		'reviewed',
		'rejection reason'
	],
	async batch(db, actor, p, after) {
		const status = oneOf(p, 'status', REGISTRATION_STATUSES);
		const partner = uuidParam(p, 'partner');
		const q = foldText(p.get('q') ?? '')
			.trim()
			.replace(/[%_\\]/g, '');
		const rows = await db
			.select({
				id: dealRegistrations.id,
				account: dealRegistrations.accountName,
				domain: dealRegistrations.accountDomain,
				siren: dealRegistrations.accountSiren,
				partner: partnerOrg.name,
				status: dealRegistrations.status,
				amountCents: dealRegistrations.amountCents,
				expected: dealRegistrations.expectedCloseDate,
				products: dealRegistrations.products,
				createdAt: dealRegistrations.createdAt,
				reviewedAt: dealRegistrations.reviewedAt,
				rejectionReason: dealRegistrations.rejectionReason
			})
			.from(dealRegistrations)
			.innerJoin(partnerOrg, eq(partnerOrg.id, dealRegistrations.partnerId))
			.where(
				and(
					visibleRegistrations(actor),
					after ? gt(dealRegistrations.id, after) : undefined,
					status ? eq(dealRegistrations.status, status) : undefined,
					partner ? eq(dealRegistrations.partnerId, partner) : undefined,
					q ? sql`${dealRegistrations.normalisedName} like ${`%${q}%`}` : undefined
				)
			)
			.orderBy(asc(dealRegistrations.id))
			.limit(EXPORT_BATCH);
		return rows.map((r) => ({
			id: r.id,
			cells: [
				r.id,
				r.account,
				r.domain,
				r.siren,
				r.partner,
				r.status,
				money(r.amountCents),
				r.expected,
				r.products,
				r.createdAt,
				r.reviewedAt,
				r.rejectionReason
			]
		}));
	}
};

const SOURCES: Record<ExportKind, Source> = {
	partners: partnersSource,
	accounts: accountsSource,
	contacts: contactsSource,
	opportunities: opportunitiesSource,
	registrations: registrationsSource
};

/** `accounts-2026-11-27.csv`: the day is the workspace's (its time zone), not UTC's. */
export function exportFilename(kind: ExportKind, timeZone: string, now = new Date()): string {
	return `${kind}-${workspaceToday(timeZone, now)}.csv`;
}

/**
 * The CSV of a list as a stream: BOM and header first, then one batch of EXPORT_BATCH rows per
 * pull (keyset on id), so a large export never sits in memory and the browser reads as it comes.
 * The caller checks canExport first.
 */
export function exportCsv(
	db: Db,
	actor: Actor,
	kind: ExportKind,
	filters: URLSearchParams
): ReadableStream<Uint8Array> {
	const source = SOURCES[kind];
	const encoder = new TextEncoder();
	let after: string | null = null;
	let started = false;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			if (!started) {
				started = true;
				controller.enqueue(encoder.encode(CSV_BOM + csvLine(source.header)));
				return;
			}
			const rows = await source.batch(db, actor, filters, after);
			if (rows.length) {
				controller.enqueue(encoder.encode(rows.map((r) => csvLine(r.cells)).join('')));
				after = rows[rows.length - 1].id;
			}
			if (rows.length < EXPORT_BATCH) controller.close();
		}
	});
}

/** The whole export as text (tests, small lists). */
export async function exportCsvText(
	db: Db,
	actor: Actor,
	kind: ExportKind,
	filters = new URLSearchParams()
): Promise<string> {
	const bytes = await new Response(exportCsv(db, actor, kind, filters)).arrayBuffer();
	// Keep the BOM: it is part of the file people download.
	return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}
