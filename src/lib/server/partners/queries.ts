import { and, asc, desc, eq, exists, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { OrganisationStatus, Role, Stage, Tier } from '../../shared/enums.ts';
import { OPEN_STAGES, TIERS } from '../../shared/enums.ts';
import { foldText } from '../../shared/normalise.ts';
import { PARTNER_SORTS } from '../../shared/schemas/partners.ts';
import { canViewPartner, canViewPartnerDirectory } from '../access/crm-policy.ts';
import type { Actor } from '../access/actor.ts';
import { canViewUser } from '../access/policy.ts';
import { visibleActivities } from '../activity/queries.ts';
import { visibleAccounts, visibleOpportunities } from '../access/crm-scope.ts';
import type { Db } from '../db/client.ts';
import { clampLimit, parseCursor } from '../db/keyset.ts';
import {
	accountPartners,
	accounts,
	activities,
	dealRegistrations,
	invitations,
	opportunities,
	organisations,
	regions,
	users
} from '../db/schema.ts';
import { computeHealth, EMPTY_HEALTH_INPUTS, type Health, type HealthInputs } from './health.ts';

// Reads of the partner directory and a partner's page: plain objects out. Every read takes the
// actor and refuses (null / empty) what the policy refuses, so a forgotten check in a route still
// cannot show one partner another partner's page.

export { PARTNER_SORTS };
export type PartnerSort = (typeof PARTNER_SORTS)[number];

export type PartnerFilter = {
	tier?: Tier | null;
	regionId?: string | null;
	ownerId?: string | null;
	status?: OrganisationStatus | null;
	/** Part of the name, any case, accents ignored. */
	q?: string | null;
	sort?: PartnerSort | null;
	/** The previous page's `nextCursor`: the id of the last partner shown. */
	after?: string | null;
	limit?: number;
};

export type PartnerRow = {
	id: string;
	name: string;
	tier: Tier | null;
	regionId: string | null;
	regionName: string | null;
	ownerId: string | null;
	ownerName: string | null;
	status: OrganisationStatus;
	agreementSignedAt: Date | null;
	createdAt: Date;
	/** Hook for field visits (issue 7): the date of the last logged visit. Null until visits exist. */
	lastVisitAt: Date | null;
	health: Health;
};

export type PartnerPage = {
	items: PartnerRow[];
	nextCursor: string | null;
	/** Null on the first page; its cursor null = the first page. */
	previous: { cursor: string | null } | null;
};

const owners = alias(users, 'partner_owner');

const partnerColumns = {
	id: organisations.id,
	name: organisations.name,
	tier: organisations.tier,
	regionId: organisations.regionId,
	regionName: regions.name,
	ownerId: organisations.ownerId,
	ownerName: owners.name,
	status: organisations.status,
	agreementSignedAt: organisations.agreementSignedAt,
	createdAt: organisations.createdAt
};

function partnerQuery(db: Db) {
	return db
		.select(partnerColumns)
		.from(organisations)
		.leftJoin(regions, eq(regions.id, organisations.regionId))
		.leftJoin(owners, eq(owners.id, organisations.ownerId));
}

// Accents of French and other Latin names, stripped in SQL (no unaccent extension needed).
const ACCENTED = 'àáâãäåçèéêëìíîïñòóôõöùúûüýÿ';
const PLAIN = 'aaaaaaceeeeiiiinooooouuuuyy';

function partnerConditions(filter: PartnerFilter): SQL {
	const q = filter.q ? foldText(filter.q.trim()) : '';
	return and(
		eq(organisations.kind, 'partner'),
		filter.tier ? eq(organisations.tier, filter.tier) : undefined,
		filter.regionId ? eq(organisations.regionId, filter.regionId) : undefined,
		filter.ownerId ? eq(organisations.ownerId, filter.ownerId) : undefined,
		filter.status ? eq(organisations.status, filter.status) : undefined,
		q
			? sql`position(${q} in translate(lower(${organisations.name}), ${ACCENTED}, ${PLAIN})) > 0`
			: undefined
	)!;
}

/** Platinum first, partners without a tier last. Built from constants only, so raw is safe. */
const tierCase = (column: string) =>
	sql.raw(
		`(case ${column} ${TIERS.map((tier, i) => `when '${tier}' then ${i}`).join(' ')} else ${TIERS.length} end)`
	);
const tierRank = tierCase('"organisations"."tier"');
const tierRankOf = tierCase('o.tier');

function sortKey(sort: 'name' | 'tier'): { key: SQL; cursor: (id: string) => SQL } {
	if (sort === 'tier') {
		return {
			key: sql`(${tierRank}, lower(${organisations.name}), ${organisations.id})`,
			cursor: (id) =>
				sql`(select ${tierRankOf}, lower(o.name), o.id from organisations o where o.id = ${id})`
		};
	}
	return {
		key: sql`(lower(${organisations.name}), ${organisations.id})`,
		cursor: (id) => sql`(select lower(o.name), o.id from organisations o where o.id = ${id})`
	};
}

/**
 * The health inputs of a set of partners in ONE query: each measure is aggregated with GROUP BY
 * in a derived table and joined on the partner, so a page of fifty partners costs one round trip.
 */
export async function loadHealthInputs(
	db: Db,
	partnerIds: readonly string[]
): Promise<Map<string, HealthInputs>> {
	const ids = [...new Set(partnerIds)];
	if (ids.length === 0) return new Map();
	const regs = db
		.select({
			partnerId: dealRegistrations.partnerId,
			n: sql<number>`count(*)::int`.as('n')
		})
		.from(dealRegistrations)
		.where(
			and(
				inArray(dealRegistrations.partnerId, ids),
				sql`${dealRegistrations.createdAt} > now() - interval '180 days'`
			)
		)
		.groupBy(dealRegistrations.partnerId)
		.as('health_regs');
	const closedRecently = sql`coalesce(${opportunities.closedAt}, ${opportunities.updatedAt}) > now() - interval '365 days'`;
	const open = inArray(opportunities.stage, [...OPEN_STAGES]);
	const deals = db
		.select({
			partnerId: opportunities.partnerId,
			won: sql<number>`count(*) filter (where ${opportunities.stage} = 'won' and ${closedRecently})::int`.as(
				'won'
			),
			lost: sql<number>`count(*) filter (where ${opportunities.stage} = 'lost' and ${closedRecently})::int`.as(
				'lost'
			),
			openCents:
				sql<number>`coalesce(sum(${opportunities.amountCents}) filter (where ${open}), 0)::float8`.as(
					'open_cents'
				)
		})
		.from(opportunities)
		.where(and(inArray(opportunities.partnerId, ids), isNull(opportunities.deletedAt)))
		.groupBy(opportunities.partnerId)
		.as('health_deals');
	const people = db
		.select({
			organisationId: users.organisationId,
			active: sql<number>`count(*) filter (where ${users.active})::int`.as('active'),
			seen: sql<number>`count(*) filter (where ${users.active} and ${users.lastSeenAt} > now() - interval '30 days')::int`.as(
				'seen'
			)
		})
		.from(users)
		.where(inArray(users.organisationId, ids))
		.groupBy(users.organisationId)
		.as('health_people');
	const acts = db
		.select({
			organisationId: users.organisationId,
			n: sql<number>`count(*)::int`.as('acts')
		})
		.from(activities)
		.innerJoin(users, eq(users.id, activities.actorId))
		.where(
			and(
				inArray(users.organisationId, ids),
				sql`${activities.createdAt} > now() - interval '30 days'`
			)
		)
		.groupBy(users.organisationId)
		.as('health_acts');

	const rows = await db
		.select({
			id: organisations.id,
			registrations: regs.n,
			won: deals.won,
			lost: deals.lost,
			openCents: deals.openCents,
			active: people.active,
			seen: people.seen,
			acts: acts.n
		})
		.from(organisations)
		.leftJoin(regs, eq(regs.partnerId, organisations.id))
		.leftJoin(deals, eq(deals.partnerId, organisations.id))
		.leftJoin(people, eq(people.organisationId, organisations.id))
		.leftJoin(acts, eq(acts.organisationId, organisations.id))
		.where(inArray(organisations.id, ids));
	return new Map(
		rows.map((row) => [
			row.id,
			{
				registrations: Number(row.registrations ?? 0),
				won: Number(row.won ?? 0),
				lost: Number(row.lost ?? 0),
				openPipelineCents: Number(row.openCents ?? 0),
				activeUsers: Number(row.active ?? 0),
				recentSignIns: Number(row.seen ?? 0),
				recentActivities: Number(row.acts ?? 0),
				// Visits join here when they exist (issue 7).
				recentVisits: null
			}
		])
	);
}

async function withHealth(
	db: Db,
	rows: Omit<PartnerRow, 'health' | 'lastVisitAt'>[]
): Promise<PartnerRow[]> {
	const inputs = await loadHealthInputs(
		db,
		rows.map((r) => r.id)
	);
	return rows.map((row) => ({
		...row,
		lastVisitAt: null,
		health: computeHealth(inputs.get(row.id) ?? EMPTY_HEALTH_INPUTS)
	}));
}

const byName = new Intl.Collator('fr', { sensitivity: 'base' });

/**
 * The partner directory, filtered, 25 a page by default. Health order shows the weakest first:
 * the partners who need attention should not hide at the end of the list. Name and tier orders page in SQL (keyset
 * on the sort key); the health order needs the score of every partner that matches, so it
 * aggregates them all in one grouped query and pages in memory (a few thousand partners at most).
 */
export async function listPartners(
	db: Db,
	actor: Actor,
	filter: PartnerFilter = {}
): Promise<PartnerPage> {
	if (!canViewPartnerDirectory(actor)) return { items: [], nextCursor: null, previous: null };
	const limit = clampLimit(filter.limit, 25);
	const after = parseCursor(filter.after, 'uuid');
	const where = partnerConditions(filter);
	const sort = filter.sort ?? 'name';

	if (sort === 'health') {
		const all = await withHealth(db, await partnerQuery(db).where(where));
		all.sort(
			(a, b) =>
				a.health.score - b.health.score || byName.compare(a.name, b.name) || (a.id < b.id ? -1 : 1)
		);
		const index = after ? all.findIndex((p) => p.id === after) : -1;
		const start = index + 1;
		const items = all.slice(start, start + limit);
		const nextCursor = start + limit < all.length ? items[items.length - 1].id : null;
		if (start === 0) return { items, nextCursor, previous: null };
		const previousStart = Math.max(0, start - limit);
		return {
			items,
			nextCursor,
			previous: { cursor: previousStart === 0 ? null : all[previousStart - 1].id }
		};
	}

	const { key, cursor } = sortKey(sort);
	const order =
		sort === 'tier'
			? [tierRank, sql`lower(${organisations.name})`]
			: [sql`lower(${organisations.name})`];
	const rows = await partnerQuery(db)
		.where(and(where, after ? sql`${key} > ${cursor(after)}` : undefined))
		.orderBy(...order, asc(organisations.id))
		.limit(limit + 1);
	const page = rows.slice(0, limit);
	const nextCursor = rows.length > limit ? page[page.length - 1].id : null;
	const items = await withHealth(db, page);
	if (!after) return { items, nextCursor, previous: null };
	// The page before this one: the `limit` partners just before the cursor, walking backwards.
	const before = await db
		.select({ id: organisations.id })
		.from(organisations)
		.where(and(where, sql`${key} <= ${cursor(after)}`))
		.orderBy(...order.map((o) => desc(o)), desc(organisations.id))
		.limit(limit + 1);
	return {
		items,
		nextCursor,
		previous: { cursor: before.length > limit ? before[limit].id : null }
	};
}

export type OwnerOption = { id: string; name: string; role: Role };

/** Host people who may own a partner relationship: active reps and managers, by name. */
export async function listOwnerCandidates(db: Db): Promise<OwnerOption[]> {
	const rows = await db
		.select({ id: users.id, name: users.name, role: users.role })
		.from(users)
		.innerJoin(organisations, eq(organisations.id, users.organisationId))
		.where(
			and(
				eq(organisations.kind, 'host'),
				eq(users.active, true),
				inArray(users.role, ['rep', 'manager'])
			)
		);
	return rows.sort((a, b) => byName.compare(a.name, b.name));
}

export type PartnerPerson = {
	id: string;
	name: string;
	email: string;
	role: Role;
	title: string | null;
	active: boolean;
	lastSeenAt: Date | null;
};

export type PartnerAccount = {
	id: string;
	name: string;
	domain: string | null;
	industry: string | null;
};

export type PartnerDeal = {
	id: string;
	name: string;
	accountName: string;
	ownerName: string | null;
	stage: Stage;
	amountCents: number;
	closeDate: string | null;
};

export type StageTotal = { stage: Stage; count: number; amountCents: number };

export type PartnerActivity = {
	id: string;
	verb: string;
	actorName: string | null;
	data: Record<string, unknown>;
	createdAt: Date;
};

export type Onboarding = {
	agreementSignedAt: Date | null;
	firstUserActive: boolean;
	firstDealRegistered: boolean;
	/** Invitations neither accepted nor revoked (the partner admin's, once onboarding started). */
	pendingInvitations: number;
	done: number;
	total: number;
};

export type PartnerDetail = {
	partner: Omit<PartnerRow, 'health'>;
	health: Health;
	people: PartnerPerson[];
	accounts: { items: PartnerAccount[]; total: number };
	deals: { items: PartnerDeal[]; total: number };
	/** Per stage, in stage order, only the stages with deals. */
	pipeline: StageTotal[];
	openPipelineCents: number;
	activity: PartnerActivity[];
	onboarding: Onboarding;
};

const SHOWN = 20;

/**
 * Everything a partner's page shows, or null when there is no such partner or the person may not
 * see it (another partner's people get null, exactly as for an id that does not exist).
 */
export async function getPartnerDetail(
	db: Db,
	actor: Actor,
	id: string
): Promise<PartnerDetail | null> {
	if (!parseCursor(id, 'uuid') || !canViewPartner(actor, { id })) return null;
	const [row] = await partnerQuery(db).where(
		and(eq(organisations.id, id), eq(organisations.kind, 'partner'))
	);
	if (!row) return null;

	const [people, accountRows, dealRows, stageRows, activityRows, onboarding, inputs] =
		await Promise.all([
			partnerPeople(db, actor, id),
			db
				.select({
					id: accounts.id,
					name: accounts.name,
					domain: accounts.domain,
					industry: accounts.industry,
					total: sql<number>`(count(*) over ())::int`
				})
				.from(accounts)
				.innerJoin(
					accountPartners,
					and(eq(accountPartners.accountId, accounts.id), eq(accountPartners.organisationId, id))
				)
				.where(visibleAccounts(actor))
				.orderBy(sql`lower(${accounts.name})`, asc(accounts.id))
				.limit(SHOWN),
			db
				.select({
					id: opportunities.id,
					name: opportunities.name,
					accountName: accounts.name,
					ownerName: users.name,
					stage: opportunities.stage,
					amountCents: opportunities.amountCents,
					closeDate: opportunities.closeDate,
					total: sql<number>`(count(*) over ())::int`
				})
				.from(opportunities)
				.innerJoin(accounts, eq(accounts.id, opportunities.accountId))
				.leftJoin(users, eq(users.id, opportunities.ownerId))
				.where(and(eq(opportunities.partnerId, id), visibleOpportunities(actor)))
				// Open deals first, soonest close first; then the closed ones.
				.orderBy(
					sql`(${opportunities.stage} in ('won', 'lost'))`,
					sql`${opportunities.closeDate} asc nulls last`,
					desc(opportunities.updatedAt)
				)
				.limit(SHOWN),
			db
				.select({
					stage: opportunities.stage,
					count: sql<number>`count(*)::int`,
					amountCents: sql<number>`coalesce(sum(${opportunities.amountCents}), 0)::float8`
				})
				.from(opportunities)
				.where(and(eq(opportunities.partnerId, id), visibleOpportunities(actor)))
				.groupBy(opportunities.stage),
			db
				.select({
					id: activities.id,
					verb: activities.verb,
					actorName: users.name,
					data: activities.data,
					createdAt: activities.createdAt
				})
				.from(activities)
				.leftJoin(users, eq(users.id, activities.actorId))
				.where(and(eq(activities.organisationId, id), visibleActivities(actor)))
				.orderBy(desc(activities.createdAt), desc(activities.id))
				.limit(10),
			onboardingOf(db, id, row.agreementSignedAt),
			loadHealthInputs(db, [id])
		]);

	const order = ['prospecting', 'qualification', 'proposal', 'negotiation', 'won', 'lost'];
	const pipeline = stageRows
		.map((r) => ({ stage: r.stage, count: Number(r.count), amountCents: Number(r.amountCents) }))
		.sort((a, b) => order.indexOf(a.stage) - order.indexOf(b.stage));
	const openStages: readonly string[] = OPEN_STAGES;
	return {
		partner: { ...row, lastVisitAt: null },
		health: computeHealth(inputs.get(id) ?? EMPTY_HEALTH_INPUTS),
		people,
		accounts: {
			items: accountRows.map(({ total: _total, ...a }) => a),
			total: accountRows[0]?.total ?? 0
		},
		deals: {
			items: dealRows.map(({ total: _total, ...d }) => ({
				...d,
				amountCents: Number(d.amountCents)
			})),
			total: dealRows[0]?.total ?? 0
		},
		pipeline,
		openPipelineCents: pipeline
			.filter((p) => openStages.includes(p.stage))
			.reduce((sum, p) => sum + p.amountCents, 0),
		activity: activityRows,
		onboarding
	};
}

/** The partner's people this person may see (canViewUser), by name. */
async function partnerPeople(
	db: Db,
	actor: Actor,
	organisationId: string
): Promise<PartnerPerson[]> {
	const rows = await db
		.select({
			id: users.id,
			name: users.name,
			email: users.email,
			role: users.role,
			title: users.title,
			active: users.active,
			lastSeenAt: users.lastSeenAt
		})
		.from(users)
		.where(eq(users.organisationId, organisationId));
	return rows
		.filter((person) =>
			canViewUser(actor, { ...person, organisationId, organisationKind: 'partner' })
		)
		.sort((a, b) => byName.compare(a.name, b.name));
}

async function onboardingOf(
	db: Db,
	organisationId: string,
	agreementSignedAt: Date | null
): Promise<Onboarding> {
	const [row] = await db
		.select({
			firstUserActive: exists(
				db
					.select({ one: sql`1` })
					.from(users)
					.where(
						and(
							eq(users.organisationId, organisationId),
							eq(users.active, true),
							isNotNull(users.lastSeenAt)
						)
					)
			),
			firstDealRegistered: exists(
				db
					.select({ one: sql`1` })
					.from(dealRegistrations)
					.where(eq(dealRegistrations.partnerId, organisationId))
			),
			pendingInvitations: sql<number>`(select count(*)::int from ${invitations} where ${invitations.organisationId} = ${organisationId} and ${invitations.acceptedAt} is null and ${invitations.revokedAt} is null and ${invitations.expiresAt} > now())`
		})
		.from(organisations)
		.where(eq(organisations.id, organisationId));
	const firstUserActive = Boolean(row?.firstUserActive);
	const firstDealRegistered = Boolean(row?.firstDealRegistered);
	const steps = [agreementSignedAt !== null, firstUserActive, firstDealRegistered];
	return {
		agreementSignedAt,
		firstUserActive,
		firstDealRegistered,
		pendingInvitations: Number(row?.pendingInvitations ?? 0),
		done: steps.filter(Boolean).length,
		total: steps.length
	};
}
