import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { canEditCrmRecord } from '../access/crm-policy.ts';
import type { Actor } from '../access/policy.ts';
import type { Db } from '../db/client.ts';
import { clampLimit, parseCursor } from '../db/keyset.ts';
import { accounts, opportunities, organisations, regions, users } from '../db/schema.ts';
import { OPEN_STAGES, STAGES, type Stage } from '../../shared/enums.ts';
import {
	DIRECT_PARTNER,
	type ClosePeriod,
	type PipelineCard,
	type PipelineColumn,
	type PipelineSort,
	type StageTotal
} from '../../shared/schemas/pipeline.ts';

export type { PipelineCard, PipelineColumn, StageTotal };
import { visibleOpportunities } from './scope.ts';

// Reads of the pipeline (board and table). Every query starts from visibleOpportunities(actor),
// so a partner person only ever gets their own company's deals, whatever the filters say.

export type PipelineFilter = {
	ownerId?: string | null;
	/** A partner company's id, or 'direct' for the host's own deals. */
	partnerId?: string | null;
	/** The account's region. */
	regionId?: string | null;
	stage?: Stage | null;
	period?: ClosePeriod | null;
	/** Custom period bounds (inclusive), 'YYYY-MM-DD'. */
	from?: string | null;
	to?: string | null;
	/** 'YYYY-MM-DD' the periods are computed from (default: today, UTC). */
	today?: string;
};

export type PipelineTablePage = {
	items: PipelineCard[];
	nextCursor: string | null;
	previous: { cursor: string | null } | null;
};

export type FilterOption = { id: string; name: string };

const partners = alias(organisations, 'pipeline_partner');
const owners = alias(users, 'pipeline_owner');

const cardColumns = {
	id: opportunities.id,
	name: opportunities.name,
	version: opportunities.version,
	stage: opportunities.stage,
	amountCents: opportunities.amountCents,
	probability: opportunities.probability,
	closeDate: opportunities.closeDate,
	accountId: opportunities.accountId,
	accountName: accounts.name,
	partnerId: opportunities.partnerId,
	partnerName: partners.name,
	ownerId: opportunities.ownerId,
	ownerName: owners.name
};

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));

/** The inclusive bounds of a close period around `today` ('YYYY-MM-DD'). */
export function closePeriodRange(
	period: ClosePeriod | null | undefined,
	today: string,
	custom: { from?: string | null; to?: string | null } = {}
): { from?: string; to?: string; overdue?: true } {
	const [y, m] = today.split('-').map(Number);
	const month = m - 1;
	const quarter = Math.floor(month / 3) * 3;
	switch (period) {
		case 'this_month':
			return { from: isoDay(utc(y, month, 1)), to: isoDay(utc(y, month + 1, 0)) };
		case 'this_quarter':
			return { from: isoDay(utc(y, quarter, 1)), to: isoDay(utc(y, quarter + 3, 0)) };
		case 'next_quarter':
			return { from: isoDay(utc(y, quarter + 3, 1)), to: isoDay(utc(y, quarter + 6, 0)) };
		case 'overdue':
			return { overdue: true };
		case 'custom':
			return { from: custom.from ?? undefined, to: custom.to ?? undefined };
		default:
			return {};
	}
}

function conditions(actor: Actor, filter: PipelineFilter): SQL {
	const today = filter.today ?? isoDay(new Date());
	const range = closePeriodRange(filter.period, today, filter);
	const partner =
		filter.partnerId === DIRECT_PARTNER
			? isNull(opportunities.partnerId)
			: filter.partnerId
				? eq(opportunities.partnerId, filter.partnerId)
				: undefined;
	return and(
		visibleOpportunities(actor),
		filter.ownerId ? eq(opportunities.ownerId, filter.ownerId) : undefined,
		partner,
		filter.regionId ? eq(accounts.regionId, filter.regionId) : undefined,
		filter.stage ? eq(opportunities.stage, filter.stage) : undefined,
		range.from ? gte(opportunities.closeDate, range.from) : undefined,
		range.to ? lte(opportunities.closeDate, range.to) : undefined,
		range.overdue
			? and(lt(opportunities.closeDate, today), inArray(opportunities.stage, [...OPEN_STAGES]))
			: undefined
	)!;
}

function withEdit(actor: Actor) {
	return (row: Omit<PipelineCard, 'canEdit'>): PipelineCard => ({
		...row,
		amountCents: Number(row.amountCents),
		canEdit: canEditCrmRecord(actor, {
			partnerIds: row.partnerId ? [row.partnerId] : [],
			ownerId: row.ownerId
		})
	});
}

function cardQuery(db: Db) {
	return db
		.select(cardColumns)
		.from(opportunities)
		.innerJoin(accounts, eq(accounts.id, opportunities.accountId))
		.leftJoin(partners, eq(partners.id, opportunities.partnerId))
		.leftJoin(owners, eq(owners.id, opportunities.ownerId));
}

/** Count, amount and weighted amount of each stage (every stage, zeros included), in SQL. */
export async function pipelineTotals(
	db: Db,
	actor: Actor,
	filter: PipelineFilter = {}
): Promise<StageTotal[]> {
	const rows = await db
		.select({
			stage: opportunities.stage,
			count: sql<number>`count(*)`.mapWith(Number),
			amountCents: sql<number>`coalesce(sum(${opportunities.amountCents}), 0)`.mapWith(Number),
			weightedCents:
				sql<number>`coalesce(round(sum(${opportunities.amountCents} * ${opportunities.probability}) / 100.0), 0)`.mapWith(
					Number
				)
		})
		.from(opportunities)
		.innerJoin(accounts, eq(accounts.id, opportunities.accountId))
		.where(conditions(actor, filter))
		.groupBy(opportunities.stage);
	const byStage = new Map(rows.map((r) => [r.stage, r]));
	return STAGES.map(
		(stage) => byStage.get(stage) ?? { stage, count: 0, amountCents: 0, weightedCents: 0 }
	);
}

/**
 * The board: one column per stage with its totals and its first `perColumn` cards (soonest close
 * date first; the header's count says how many there are in all).
 */
export async function pipelineBoard(
	db: Db,
	actor: Actor,
	filter: PipelineFilter = {},
	options: { perColumn?: number } = {}
): Promise<PipelineColumn[]> {
	const perColumn = clampLimit(options.perColumn, 50, 200);
	const where = conditions(actor, filter);
	const stages = filter.stage ? [filter.stage] : STAGES;
	const [totals, ...cards] = await Promise.all([
		pipelineTotals(db, actor, filter),
		...stages.map((stage) =>
			cardQuery(db)
				.where(and(where, eq(opportunities.stage, stage)))
				.orderBy(sql`${opportunities.closeDate} asc nulls last`, asc(opportunities.id))
				.limit(perColumn)
		)
	]);
	const edit = withEdit(actor);
	return totals.map((total) => {
		const index = stages.indexOf(total.stage);
		return { ...total, cards: index < 0 ? [] : cards[index].map(edit) };
	});
}

// Keyset order of the table: (key, id). A missing close date sorts after every real one.
const SORT_KEYS: Record<PipelineSort, { own: SQL; cursor: (id: string) => SQL }> = {
	close: {
		own: sql`coalesce(${opportunities.closeDate}, '9999-12-31'::date)`,
		cursor: (id) =>
			sql`(select coalesce(c.close_date, '9999-12-31'::date), c.id from opportunities c where c.id = ${id})`
	},
	amount: {
		own: sql`${opportunities.amountCents}`,
		cursor: (id) => sql`(select c.amount_cents, c.id from opportunities c where c.id = ${id})`
	},
	name: {
		own: sql`lower(${opportunities.name})`,
		cursor: (id) => sql`(select lower(c.name), c.id from opportunities c where c.id = ${id})`
	}
};

/** The table: keyset pages sorted by close date, amount or name (then id), 25 a page by default. */
export async function pipelineTable(
	db: Db,
	actor: Actor,
	filter: PipelineFilter = {},
	options: {
		sort?: PipelineSort;
		dir?: 'asc' | 'desc';
		after?: string | null;
		limit?: number;
	} = {}
): Promise<PipelineTablePage> {
	const limit = clampLimit(options.limit, 25, 100);
	const key = SORT_KEYS[options.sort ?? 'close'];
	const ascending = (options.dir ?? 'asc') === 'asc';
	const after = parseCursor(options.after, 'uuid');
	const where = conditions(actor, filter);
	const tuple = sql`(${key.own}, ${opportunities.id})`;
	const beyond = (id: string) =>
		ascending ? sql`${tuple} > ${key.cursor(id)}` : sql`${tuple} < ${key.cursor(id)}`;
	const upTo = (id: string) =>
		ascending ? sql`${tuple} <= ${key.cursor(id)}` : sql`${tuple} >= ${key.cursor(id)}`;
	const forward = ascending ? asc : desc;
	const backward = ascending ? desc : asc;

	const rows = await cardQuery(db)
		.where(and(where, after ? beyond(after) : undefined))
		.orderBy(forward(key.own), forward(opportunities.id))
		.limit(limit + 1);
	const items = rows.slice(0, limit).map(withEdit(actor));
	const nextCursor = rows.length > limit ? items[items.length - 1].id : null;
	if (!after) return { items, nextCursor, previous: null };
	// The page before: walk back from the cursor; the row just before that page is its cursor.
	const before = await db
		.select({ id: opportunities.id })
		.from(opportunities)
		.innerJoin(accounts, eq(accounts.id, opportunities.accountId))
		.where(and(where, upTo(after)))
		.orderBy(backward(key.own), backward(opportunities.id))
		.limit(limit + 1);
	return {
		items,
		nextCursor,
		previous: { cursor: before.length > limit ? before[limit].id : null }
	};
}

const byName = new Intl.Collator('fr', { sensitivity: 'base' });
const sorted = (list: FilterOption[]) => list.sort((a, b) => byName.compare(a.name, b.name));

/**
 * The filter form's choices. Owners and partners come from the deals the person may see, so a
 * partner person's partner list is their own company and nothing else.
 */
export async function pipelineFilterOptions(
	db: Db,
	actor: Actor
): Promise<{ owners: FilterOption[]; partners: FilterOption[]; regions: FilterOption[] }> {
	// Host people may filter by any host person and any partner: list those directly rather than
	// scanning every visible deal (bench/crm.ts: 650 ms → 1 ms at a million deals). A partner's own
	// deals are few, and must only ever name its own company.
	const host = actor.organisationKind === 'host';
	const visible = visibleOpportunities(actor);
	const [ownerRows, partnerRows, regionRows] = await Promise.all([
		host
			? db
					.select({ id: users.id, name: users.name })
					.from(users)
					.where(eq(users.organisationId, actor.organisationId))
			: db
					.selectDistinct({ id: users.id, name: users.name })
					.from(opportunities)
					.innerJoin(users, eq(users.id, opportunities.ownerId))
					.where(visible),
		host
			? db
					.select({ id: organisations.id, name: organisations.name })
					.from(organisations)
					.where(eq(organisations.kind, 'partner'))
			: db
					.selectDistinct({ id: organisations.id, name: organisations.name })
					.from(opportunities)
					.innerJoin(organisations, eq(organisations.id, opportunities.partnerId))
					.where(visible),
		db.select({ id: regions.id, name: regions.name }).from(regions)
	]);
	return { owners: sorted(ownerRows), partners: sorted(partnerRows), regions: sorted(regionRows) };
}
