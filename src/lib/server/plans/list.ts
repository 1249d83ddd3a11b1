import { isHostActor } from '../access/actor.ts';
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { clampLimit, parseCursor } from '../db/keyset.ts';
import type { Db } from '../db/client.ts';
import { accounts, organisations, plans, users } from '../db/schema.ts';
import type { PlanKind, PlanShareMode, PlanStatus } from '../../shared/enums.ts';
import { prefixQuery } from '../../shared/normalise.ts';
import { PLAN_STALE_DAYS } from '../../shared/plans.ts';
import { plansEditableBy, visiblePlans, type PlanViewer } from '../access/plan-scope.ts';
import { editorsOf } from './presence.ts';

// The plans a person may see (visiblePlans: the SQL twin of the policy), in title order, 50 a
// page, with the "stale" flag (not reviewed for 30 days) and who is editing each one right now.

export type PlanFilter = {
	q?: string;
	kind?: PlanKind;
	status?: PlanStatus;
	stale?: boolean;
	ownerId?: string;
	after?: string;
	limit?: number;
};

export type PlanListRow = {
	id: string;
	kind: PlanKind;
	title: string;
	status: PlanStatus;
	subjectId: string | null;
	subjectName: string | null;
	ownerId: string;
	ownerName: string;
	sharedWithName: string | null;
	shareMode: PlanShareMode | null;
	lastReviewedAt: string | null;
	updatedAt: string;
	stale: boolean;
	editable: boolean;
	/** Who has the plan open in the editor now (names only). */
	editingNow: { id: string; name: string }[];
};

export type PlanPage = {
	items: PlanListRow[];
	nextCursor: string | null;
	previous: { cursor: string | null } | null;
};

/** Not reviewed (or, never reviewed, created) for 30 days. */
/** SQL: the plan was not reviewed (nor, never reviewed, created) in the last PLAN_STALE_DAYS. */
export function stalePlanSql(now: Date = new Date()) {
	const cutoff = new Date(now.getTime() - PLAN_STALE_DAYS * 24 * 60 * 60 * 1000);
	return sql`coalesce(${plans.lastReviewedAt}, ${plans.createdAt}) < ${cutoff.toISOString()}::timestamptz`;
}

const sortKey = sql`(lower(${plans.title}), ${plans.id})`;
const cursorKey = (id: string) =>
	sql`(select lower(p.title), p.id from plans p where p.id = ${id})`;

function conditions(viewer: PlanViewer, filter: PlanFilter): SQL {
	const query = filter.q ? prefixQuery(filter.q) : null;
	const like = filter.q ? `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
	return and(
		visiblePlans(viewer),
		query || like
			? sql`(${query ? sql`${plans.search} @@ to_tsquery('simple', ${query})` : sql`false`} or ${plans.title} ilike ${like})`
			: undefined,
		filter.kind ? eq(plans.kind, filter.kind) : undefined,
		filter.status ? eq(plans.status, filter.status) : undefined,
		filter.stale ? stalePlanSql() : undefined,
		filter.ownerId ? eq(plans.ownerId, filter.ownerId) : undefined
	)!;
}

const owner = alias(users, 'plan_owner');
const partnerSubject = alias(organisations, 'plan_partner');
const sharedWith = alias(organisations, 'plan_shared_with');

export async function listPlans(
	db: Db,
	viewer: PlanViewer,
	filter: PlanFilter = {}
): Promise<PlanPage> {
	const limit = clampLimit(filter.limit, 50);
	const after = parseCursor(filter.after, 'uuid');
	const where = conditions(viewer, filter);
	const rows = await db
		.select({
			id: plans.id,
			kind: plans.kind,
			title: plans.title,
			status: plans.status,
			accountId: plans.accountId,
			accountName: accounts.name,
			partnerId: plans.partnerId,
			partnerName: partnerSubject.name,
			ownerId: plans.ownerId,
			ownerName: owner.name,
			sharedWithName: sharedWith.name,
			shareMode: plans.shareMode,
			lastReviewedAt: plans.lastReviewedAt,
			updatedAt: plans.updatedAt,
			stale: sql<boolean>`(${stalePlanSql()})`,
			editable: sql<boolean>`(${plansEditableBy(viewer)})`
		})
		.from(plans)
		.innerJoin(owner, eq(owner.id, plans.ownerId))
		.leftJoin(accounts, eq(accounts.id, plans.accountId))
		.leftJoin(partnerSubject, eq(partnerSubject.id, plans.partnerId))
		.leftJoin(sharedWith, eq(sharedWith.id, plans.sharedWithId))
		.where(and(where, after ? sql`${sortKey} > ${cursorKey(after)}` : undefined))
		.orderBy(sql`lower(${plans.title})`, asc(plans.id))
		.limit(limit + 1);
	const page = rows.slice(0, limit);
	// Who is editing each plan now: the collaboration processes' presence, kept per process.
	const editing = editorsOf(page.map((r) => r.id));
	const items: PlanListRow[] = page.map((row) => ({
		id: row.id,
		kind: row.kind,
		title: row.title,
		status: row.status,
		subjectId: row.kind === 'account' ? row.accountId : row.partnerId,
		subjectName: row.kind === 'account' ? row.accountName : row.partnerName,
		ownerId: row.ownerId,
		ownerName: row.ownerName,
		sharedWithName: row.sharedWithName,
		shareMode: row.shareMode,
		lastReviewedAt: row.lastReviewedAt ? row.lastReviewedAt.toISOString() : null,
		updatedAt: row.updatedAt.toISOString(),
		stale: Boolean(row.stale),
		editable: Boolean(row.editable),
		editingNow: editing.get(row.id) ?? []
	}));
	const nextCursor = rows.length > limit ? items[items.length - 1].id : null;
	if (!after) return { items, nextCursor, previous: null };
	const before = await db
		.select({ id: plans.id })
		.from(plans)
		.where(and(where, sql`${sortKey} <= ${cursorKey(after)}`))
		.orderBy(desc(sql`lower(${plans.title})`), desc(plans.id))
		.limit(limit + 1);
	return {
		items,
		nextCursor,
		previous: { cursor: before.length > limit ? before[limit].id : null }
	};
}

/** Host owners to filter the list by (host people only see this filter). */
export async function planOwnerChoices(
	db: Db,
	viewer: PlanViewer
): Promise<{ id: string; name: string }[]> {
	if (!isHostActor(viewer)) return [];
	return db
		.selectDistinct({ id: users.id, name: users.name })
		.from(plans)
		.innerJoin(users, eq(users.id, plans.ownerId))
		.where(visiblePlans(viewer))
		.orderBy(users.name);
}
