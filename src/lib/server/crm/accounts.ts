import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { accountSearch, contactSearch, opportunitySearch } from './search-documents.ts';
import type { AccountSize } from '../../shared/enums.ts';
import { normaliseCompanyName, prefixQuery } from '../../shared/normalise.ts';
import type { AccountInput } from '../../shared/schemas/crm.ts';
import {
	canCreateCrmRecord,
	canDeleteCrmRecord,
	canEditCrmRecord,
	canViewCrmRecord,
	type CrmRecordRef
} from '../access/crm-policy.ts';
import { isHostActor, type Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { Db } from '../db/client.ts';
import { clampLimit, parseCursor } from '../db/keyset.ts';
import {
	accountPartners,
	accounts,
	contacts,
	opportunities,
	organisations,
	regions,
	users
} from '../db/schema.ts';
import {
	assertOwner,
	assertPartners,
	assertRegion,
	diff,
	jsonList,
	partnerOwnerId,
	type Choice
} from './common.ts';
import { DomainError } from '../errors.ts';
import { visibleAccounts } from '../access/crm-scope.ts';
import type { CommandContext } from '../command.ts';

// Accounts (end customers): reads narrowed by scope.ts, writes authorised by crm-policy.ts, one
// transaction each with its audit entry. A partner person only ever sees their own company among
// an account's serving partners.

export type Permissions = { edit: boolean; delete: boolean };

export type AccountRow = {
	id: string;
	name: string;
	domain: string | null;
	siren: string | null;
	industry: string | null;
	regionId: string | null;
	regionName: string | null;
	size: AccountSize | null;
	ownerId: string | null;
	ownerName: string | null;
	/** Serving partners the person may know about (a partner: only their own company). */
	partners: Choice[];
};

export type AccountDetail = AccountRow & {
	vatId: string | null;
	version: number;
	createdAt: Date;
	updatedAt: Date;
	permissions: Permissions;
};

export type AccountFilter = {
	q?: string | null;
	regionId?: string | null;
	size?: AccountSize | null;
	ownerId?: string | null;
	/** Host people only; a partner person's list is their company's whatever this says. */
	partnerId?: string | null;
	after?: string | null;
	limit?: number;
};

export type AccountPage = {
	items: AccountRow[];
	nextCursor: string | null;
	previous: { cursor: string | null } | null;
};

/** The serving partners shown to this person, as a JSON list of { id, name }. */
function partnersShown(actor: Actor): SQL {
	const own = isHostActor(actor) ? sql`` : sql`and ap.organisation_id = ${actor.organisationId}`;
	return sql`(select coalesce(json_agg(json_build_object('id', o.id, 'name', o.name) order by o.name), '[]'::json)
		from account_partners ap join organisations o on o.id = ap.organisation_id
		where ap.account_id = ${accounts.id} ${own})`;
}

function rowColumns(actor: Actor) {
	return {
		id: accounts.id,
		name: accounts.name,
		domain: accounts.domain,
		siren: accounts.siren,
		industry: accounts.industry,
		regionId: accounts.regionId,
		regionName: regions.name,
		size: accounts.size,
		ownerId: accounts.ownerId,
		ownerName: users.name,
		partners: partnersShown(actor)
	};
}

const sortKey = sql`(lower(${accounts.name}), ${accounts.id})`;
const cursorKey = (id: string) =>
	sql`(select lower(a.name), a.id from accounts a where a.id = ${id})`;

function conditions(actor: Actor, filter: AccountFilter): SQL {
	const query = filter.q ? prefixQuery(filter.q) : null;
	const partnerId = isHostActor(actor) ? filter.partnerId : null;
	return and(
		visibleAccounts(actor),
		query ? sql`${accounts.search} @@ to_tsquery('simple', ${query})` : undefined,
		filter.regionId ? eq(accounts.regionId, filter.regionId) : undefined,
		filter.size ? eq(accounts.size, filter.size) : undefined,
		filter.ownerId ? eq(accounts.ownerId, filter.ownerId) : undefined,
		partnerId
			? sql`exists (select 1 from account_partners ap where ap.account_id = ${accounts.id} and ap.organisation_id = ${partnerId})`
			: undefined
	)!;
}

function toRow<T extends { partners: unknown }>(row: T): T & { partners: Choice[] } {
	return { ...row, partners: jsonList<Choice>(row.partners) };
}

/** The accounts a person may see, in name order, filtered, 50 a page by default. */
export async function listAccounts(
	db: Db,
	actor: Actor,
	filter: AccountFilter = {}
): Promise<AccountPage> {
	const limit = clampLimit(filter.limit, 50);
	const after = parseCursor(filter.after, 'uuid');
	const where = conditions(actor, filter);
	const rows = await db
		.select(rowColumns(actor))
		.from(accounts)
		.leftJoin(regions, eq(regions.id, accounts.regionId))
		.leftJoin(users, eq(users.id, accounts.ownerId))
		.where(and(where, after ? sql`${sortKey} > ${cursorKey(after)}` : undefined))
		.orderBy(sql`lower(${accounts.name})`, asc(accounts.id))
		.limit(limit + 1);
	const items = rows.slice(0, limit).map(toRow);
	const nextCursor = rows.length > limit ? items[items.length - 1].id : null;
	if (!after) return { items, nextCursor, previous: null };
	const before = await db
		.select({ id: accounts.id })
		.from(accounts)
		.where(and(where, sql`${sortKey} <= ${cursorKey(after)}`))
		.orderBy(desc(sql`lower(${accounts.name})`), desc(accounts.id))
		.limit(limit + 1);
	return {
		items,
		nextCursor,
		previous: { cursor: before.length > limit ? before[limit].id : null }
	};
}

/** Every serving partner of an account (for the policy, never shown as such to a partner). */
async function servingPartnerIds(db: Db, accountId: string): Promise<string[]> {
	const rows = await db
		.select({ id: accountPartners.organisationId })
		.from(accountPartners)
		.where(eq(accountPartners.accountId, accountId));
	return rows.map((r) => r.id);
}

export async function accountRef(db: Db, accountId: string): Promise<CrmRecordRef | null> {
	const [row] = await db
		.select({ ownerId: accounts.ownerId })
		.from(accounts)
		.where(eq(accounts.id, accountId));
	if (!row) return null;
	return { ownerId: row.ownerId, partnerIds: await servingPartnerIds(db, accountId) };
}

/** One account the person may see, or null (unknown, deleted or another partner's). */
export async function getAccount(db: Db, actor: Actor, id: string): Promise<AccountDetail | null> {
	if (!parseCursor(id, 'uuid')) return null;
	const [row] = await db
		.select({
			...rowColumns(actor),
			vatId: accounts.vatId,
			version: accounts.version,
			createdAt: accounts.createdAt,
			updatedAt: accounts.updatedAt
		})
		.from(accounts)
		.leftJoin(regions, eq(regions.id, accounts.regionId))
		.leftJoin(users, eq(users.id, accounts.ownerId))
		.where(and(eq(accounts.id, id), visibleAccounts(actor)));
	if (!row) return null;
	const ref = { ownerId: row.ownerId, partnerIds: await servingPartnerIds(db, id) };
	if (!canViewCrmRecord(actor, ref)) return null;
	return {
		...toRow(row),
		permissions: { edit: canEditCrmRecord(actor, ref), delete: canDeleteCrmRecord(actor, ref) }
	};
}

export type CreateAccountInput = AccountInput & { externalId?: string | null };

/**
 * Creates an account. A partner person's account is served by their company (whatever
 * `partnerIds` says) and owned by their host rep; a host person chooses the serving partners and
 * the owner (themselves when none is chosen).
 */
export async function createAccount(
	db: Db,
	actor: Actor,
	input: CreateAccountInput,
	context: CommandContext = {}
): Promise<{ id: string; version: number }> {
	return db.transaction(async (tx) => {
		const host = isHostActor(actor);
		const partnerIds = host ? [...new Set(input.partnerIds)] : [actor.organisationId];
		const ownerId = host
			? (input.ownerId ?? actor.id)
			: await partnerOwnerId(tx, actor.organisationId);
		if (!canCreateCrmRecord(actor, { partnerIds, ownerId })) throw new DomainError('FORBIDDEN');
		if (host) {
			await assertPartners(tx, partnerIds);
			await assertOwner(tx, ownerId);
		}
		await assertRegion(tx, input.regionId);
		const [row] = await tx
			.insert(accounts)
			.values({
				name: input.name,
				normalisedName: normaliseCompanyName(input.name),
				domain: input.domain,
				siren: input.siren,
				vatId: input.vatId,
				industry: input.industry,
				regionId: input.regionId,
				size: input.size,
				ownerId,
				externalId: input.externalId ?? null,
				search: accountSearch(input)
			})
			.returning({ id: accounts.id, version: accounts.version });
		if (partnerIds.length) {
			await tx
				.insert(accountPartners)
				.values(partnerIds.map((organisationId) => ({ accountId: row.id, organisationId })));
		}
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: partnerIds[0] ?? null,
			action: 'account.created',
			objectType: 'account',
			objectId: row.id,
			data: { name: input.name, partnerIds },
			ip: context.ip ?? null
		});
		return row;
	});
}

export type UpdateAccountInput = AccountInput & {
	id: string;
	/** The version the form was opened at; null only for imports that overwrite by design. */
	version: number | null;
	externalId?: string | null;
};

/** Locks a visible account for a change; NOT_FOUND when the person may not see it. */
async function lockAccount(tx: Db, actor: Actor, id: string) {
	if (!parseCursor(id, 'uuid')) throw new DomainError('NOT_FOUND');
	const [row] = await tx
		.select()
		.from(accounts)
		.where(and(eq(accounts.id, id), visibleAccounts(actor)))
		.for('update');
	if (!row) throw new DomainError('NOT_FOUND');
	const partnerIds = await servingPartnerIds(tx, id);
	const ref = { ownerId: row.ownerId, partnerIds };
	if (!canViewCrmRecord(actor, ref)) throw new DomainError('NOT_FOUND');
	return { row, ref };
}

/** Refuses a change made from an older version, with the record as saved now. */
export async function staleAccount(tx: Db, actor: Actor, id: string): Promise<never> {
	const current = await getAccount(tx, actor, id);
	throw new DomainError('STALE', { current: current ?? undefined });
}

export async function updateAccount(
	db: Db,
	actor: Actor,
	input: UpdateAccountInput,
	context: CommandContext = {}
): Promise<{ id: string; version: number; changed: boolean }> {
	return db.transaction(async (tx) => {
		const { row, ref } = await lockAccount(tx, actor, input.id);
		if (!canEditCrmRecord(actor, ref)) throw new DomainError('FORBIDDEN');
		if (input.version !== null && input.version !== row.version) {
			return staleAccount(tx, actor, input.id);
		}
		const host = isHostActor(actor);
		// Partner people keep the serving partners and the owner as they are.
		const partnerIds = host ? [...new Set(input.partnerIds)] : ref.partnerIds;
		const ownerId = host ? input.ownerId : row.ownerId;
		if (host) {
			await assertPartners(tx, partnerIds);
			await assertOwner(tx, ownerId);
		}
		await assertRegion(tx, input.regionId);
		const next = {
			name: input.name,
			domain: input.domain,
			siren: input.siren,
			vatId: input.vatId,
			industry: input.industry,
			regionId: input.regionId,
			size: input.size,
			ownerId,
			...(input.externalId !== undefined ? { externalId: input.externalId } : {})
		};
		const changes = diff(row, { ...next, partnerIds });
		delete (changes as Record<string, unknown>).partnerIds;
		const partnersChanged = [...ref.partnerIds].sort().join() !== [...partnerIds].sort().join();
		if (Object.keys(changes).length === 0 && !partnersChanged) {
			return { id: row.id, version: row.version, changed: false };
		}
		const [saved] = await tx
			.update(accounts)
			.set({
				...next,
				normalisedName: normaliseCompanyName(input.name),
				search: accountSearch(input),
				version: sql`${accounts.version} + 1`,
				updatedAt: sql`now()`
			})
			.where(and(eq(accounts.id, row.id), eq(accounts.version, row.version)))
			.returning({ id: accounts.id, version: accounts.version });
		if (!saved) return staleAccount(tx, actor, input.id);
		if (partnersChanged) {
			await tx.delete(accountPartners).where(eq(accountPartners.accountId, row.id));
			if (partnerIds.length) {
				await tx
					.insert(accountPartners)
					.values(partnerIds.map((organisationId) => ({ accountId: row.id, organisationId })));
			}
		}
		if (row.name !== input.name) await refreshAccountName(tx, row.id, input.name);
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: host ? (partnerIds[0] ?? null) : actor.organisationId,
			action: 'account.updated',
			objectType: 'account',
			objectId: row.id,
			data: {
				changes,
				...(partnersChanged ? { partners: { from: ref.partnerIds, to: partnerIds } } : {})
			},
			ip: context.ip ?? null
		});
		return { ...saved, changed: true };
	});
}

/** Contacts and opportunities are found by their account's name too: keep it current. */
async function refreshAccountName(tx: Db, accountId: string, accountName: string) {
	const people = await tx
		.select({
			id: contacts.id,
			name: contacts.name,
			email: contacts.email,
			jobTitle: contacts.jobTitle,
			phone: contacts.phone
		})
		.from(contacts)
		.where(eq(contacts.accountId, accountId));
	for (const c of people) {
		await tx
			.update(contacts)
			.set({ search: contactSearch(c, accountName) })
			.where(eq(contacts.id, c.id));
	}
	const deals = await tx
		.select({
			id: opportunities.id,
			name: opportunities.name,
			products: opportunities.products,
			nextStep: opportunities.nextStep
		})
		.from(opportunities)
		.where(eq(opportunities.accountId, accountId));
	for (const o of deals) {
		await tx
			.update(opportunities)
			.set({ search: opportunitySearch(o, accountName) })
			.where(eq(opportunities.id, o.id));
	}
}

/**
 * Soft-deletes an account and, with the same timestamp, its contacts and opportunities (so
 * restoring the account brings back exactly what went with it).
 */
export async function deleteAccount(
	db: Db,
	actor: Actor,
	input: { id: string },
	context: CommandContext = {}
): Promise<void> {
	await db.transaction(async (tx) => {
		const { row, ref } = await lockAccount(tx, actor, input.id);
		if (!canDeleteCrmRecord(actor, ref)) throw new DomainError('FORBIDDEN');
		const now = new Date();
		const gone = { deletedAt: now, deletedById: actor.id };
		await tx
			.update(accounts)
			.set({ ...gone, version: sql`${accounts.version} + 1`, updatedAt: now })
			.where(eq(accounts.id, row.id));
		const people = await tx
			.update(contacts)
			.set(gone)
			.where(and(eq(contacts.accountId, row.id), isNull(contacts.deletedAt)))
			.returning({ id: contacts.id });
		const deals = await tx
			.update(opportunities)
			.set(gone)
			.where(and(eq(opportunities.accountId, row.id), isNull(opportunities.deletedAt)))
			.returning({ id: opportunities.id });
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: ref.partnerIds[0] ?? null,
			action: 'account.deleted',
			objectType: 'account',
			objectId: row.id,
			data: {
				name: row.name,
				contactIds: people.map((p) => p.id),
				opportunityIds: deals.map((d) => d.id)
			},
			ip: context.ip ?? null
		});
	});
}

/** Names of partner companies by id (for host pages). */
export async function organisationNames(db: Db, ids: string[]): Promise<Map<string, string>> {
	if (ids.length === 0) return new Map();
	const rows = await db
		.select({ id: organisations.id, name: organisations.name })
		.from(organisations)
		.where(inArray(organisations.id, ids));
	return new Map(rows.map((r) => [r.id, r.name]));
}
