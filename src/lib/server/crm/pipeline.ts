import {
	and,
	asc,
	desc,
	eq,
	gte,
	inArray,
	isNull,
	lte,
	or,
	sql,
	type SQL,
	type SQLWrapper
} from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { canEditCrmRecord } from '../access/crm-policy.ts';
import { type Actor, isHostActor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import { clampLimit, parseCursor } from '../db/keyset.ts';
import { runPrepared, Shape } from '../db/prepared.ts';
import {
	accounts,
	opportunities,
	organisations,
	pipelineStageTotals,
	regions,
	users
} from '../db/schema.ts';
import { workspaceDay } from '../workspace/settings.ts';
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
import { visibleOpportunities } from '../access/crm-scope.ts';

// Reads of the pipeline (board and table). Every query starts from visibleOpportunities(actor),
// so a partner person only ever gets their own company's deals, whatever the filters say.
//
// Speed at a million deals (bench/crm.ts, docs/performance.md):
// - stage totals for the host come from pipeline_stage_totals (kept exact by triggers, see
//   schema.ts): whole close months from there, the deals of partial edge months summed directly;
// - the board's six columns are one statement (a LATERAL per stage, each an index walk);
// - every statement is prepared once per filter shape (db/prepared.ts): values are placeholders.

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
	/** 'YYYY-MM-DD' the periods are computed from (default: today in the workspace time zone). */
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
const parts = (day: string) => day.split('-').map(Number) as [number, number, number];

/** The inclusive bounds of a close period around `today` ('YYYY-MM-DD'). */
export function closePeriodRange(
	period: ClosePeriod | null | undefined,
	today: string,
	custom: { from?: string | null; to?: string | null } = {}
): { from?: string; to?: string; overdue?: true } {
	const [y, m] = parts(today);
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

/** The filter with its `today`: the caller's, else today in the workspace time zone. */
async function withToday(db: Db, filter: PipelineFilter): Promise<PipelineFilter> {
	if (filter.today) return filter;
	return { ...filter, today: await workspaceDay(db) };
}

/** Inclusive close-date bounds of the filter; overdue = before today and still open. */
function closeBounds(filter: PipelineFilter): { from?: string; to?: string; openOnly: boolean } {
	const today = filter.today ?? isoDay(new Date());
	const range = closePeriodRange(filter.period, today, filter);
	if (!range.overdue) return { from: range.from, to: range.to, openOnly: false };
	const [y, m, d] = parts(today);
	return { to: isoDay(utc(y, m - 1, d - 1)), openOnly: true };
}

type DayRange = { from?: string; to?: string };

/**
 * Splits inclusive close-date bounds into whole months (compared with pipeline_stage_totals'
 * close_month, a month's first day) and the days of partial months at either end, which are summed
 * from the deals themselves. No bounds: every month, undated deals included. `months` null: no
 * whole month inside (e.g. the 3rd to the 20th).
 */
export function splitByMonth(
	from?: string,
	to?: string
): { months: DayRange | null; edges: Required<DayRange>[] } {
	if (from && to && from > to) return { months: null, edges: [] };
	let firstMonth: string | undefined;
	let lastMonth: string | undefined;
	let before: Required<DayRange> | null = null;
	let after: Required<DayRange> | null = null;
	if (from) {
		const [y, m, d] = parts(from);
		firstMonth = d === 1 ? from : isoDay(utc(y, m, 1));
		if (d !== 1) before = { from, to: isoDay(utc(y, m, 0)) };
	}
	if (to) {
		const [y, m, d] = parts(to);
		const monthStart = isoDay(utc(y, m - 1, 1));
		const monthEnd = isoDay(utc(y, m, 0));
		lastMonth = d === Number(monthEnd.slice(8)) ? monthStart : isoDay(utc(y, m - 2, 1));
		if (to !== monthEnd) after = { from: monthStart, to };
	}
	if (firstMonth && lastMonth && firstMonth > lastMonth) {
		// Within one month, or two partial neighbouring months: days only.
		return { months: null, edges: [{ from: from!, to: to! }] };
	}
	return {
		months: { from: firstMonth, to: lastMonth },
		edges: [before, after].filter((e): e is Required<DayRange> => e !== null)
	};
}

/** Filters that apply to the deals themselves, but the close period (handled per use). */
function dealConditions(shape: Shape, actor: Actor, filter: PipelineFilter) {
	let partner: SQL | undefined;
	if (filter.partnerId === DIRECT_PARTNER) {
		shape.mark('direct');
		partner = isNull(opportunities.partnerId);
	} else if (filter.partnerId) {
		partner = eq(opportunities.partnerId, shape.bind('partner', filter.partnerId));
	}
	return [
		visible(shape, actor),
		filter.ownerId ? eq(opportunities.ownerId, shape.bind('owner', filter.ownerId)) : undefined,
		partner,
		filter.regionId ? eq(accounts.regionId, shape.bind('region', filter.regionId)) : undefined,
		filter.stage ? eq(opportunities.stage, shape.bind('stage', filter.stage)) : undefined
	];
}

/**
 * visibleOpportunities(actor), the one definition of what a person may see, with the company's
 * id as a placeholder so that one prepared statement serves every partner (drizzle's comparisons
 * take placeholders). The host's scope carries no value; its shape is marked as the host's.
 */
function visible(shape: Shape, actor: Actor): SQL {
	if (isHostActor(actor)) {
		shape.mark('host');
		return visibleOpportunities(actor);
	}
	const organisationId = shape.bind('organisation', actor.organisationId) as unknown as string;
	return visibleOpportunities({ ...actor, organisationId });
}

/** Every filter, the close period included: the deals the board and the table list. */
function conditions(shape: Shape, actor: Actor, filter: PipelineFilter): SQL {
	const close = closeBounds(filter);
	if (close.openOnly) shape.mark('open');
	return and(
		...dealConditions(shape, actor, filter),
		close.from ? gte(opportunities.closeDate, shape.bind('from', close.from)) : undefined,
		close.to ? lte(opportunities.closeDate, shape.bind('to', close.to)) : undefined,
		close.openOnly ? inArray(opportunities.stage, [...OPEN_STAGES]) : undefined
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

/** A JSON array built in SQL (null when no rows: then empty), parsed if the driver did not. */
const json = <T>(aggregate: SQL) =>
	sql<T[]>`coalesce(${aggregate}, '[]'::json)`.mapWith(
		(value: unknown): T[] => (typeof value === 'string' ? JSON.parse(value) : value) as T[]
	);

function cardQuery(db: Db) {
	return db
		.select(cardColumns)
		.from(opportunities)
		.innerJoin(accounts, eq(accounts.id, opportunities.accountId))
		.leftJoin(partners, eq(partners.id, opportunities.partnerId))
		.leftJoin(owners, eq(owners.id, opportunities.ownerId));
}

const t = pipelineStageTotals;

/**
 * Count, amount and weighted amount of each stage (every stage, zeros included), exact. The host
 * (all partners, or the direct team) reads pipeline_stage_totals: a few thousand rows instead of a
 * million deals; the deals of partial months at the ends of a close period are summed directly.
 * One partner's deals (a partner person, or the partner filter) are few: summed directly.
 */
export async function pipelineTotals(
	db: Db,
	actor: Actor,
	filter: PipelineFilter = {}
): Promise<StageTotal[]> {
	filter = await withToday(db, filter);
	const onePartner =
		!isHostActor(actor) || (Boolean(filter.partnerId) && filter.partnerId !== DIRECT_PARTNER);
	const rows = onePartner
		? await directTotals(db, actor, filter)
		: await aggregatedTotals(db, actor, filter);
	const byStage = new Map(rows.map((r) => [r.stage, r]));
	return STAGES.map(
		(stage) => byStage.get(stage) ?? { stage, count: 0, amountCents: 0, weightedCents: 0 }
	);
}

// Sums as numbers (PostgreSQL returns bigint and numeric sums as strings); the weighted amount is
// rounded once, from the exact Σ amount × probability.
const sums = (deals: SQL, amount: SQL, weighted: SQL) => ({
	count: sql<number>`coalesce(sum(${deals}), 0)`.mapWith(Number),
	amountCents: sql<number>`coalesce(sum(${amount}), 0)`.mapWith(Number),
	weightedCents: sql<number>`coalesce(round(sum(${weighted}) / 100.0), 0)`.mapWith(Number)
});

function directTotals(db: Db, actor: Actor, filter: PipelineFilter) {
	const shape = new Shape('pipeline_totals');
	const where = conditions(shape, actor, filter);
	const joinAccounts = Boolean(filter.regionId);
	return runPrepared(db, shape, (name) => {
		const select = db
			.select({
				stage: opportunities.stage,
				...sums(
					sql`1`,
					sql`${opportunities.amountCents}`,
					sql`${opportunities.amountCents} * ${opportunities.probability}`
				)
			})
			.from(opportunities);
		return (
			joinAccounts ? select.innerJoin(accounts, eq(accounts.id, opportunities.accountId)) : select
		)
			.where(where)
			.groupBy(opportunities.stage)
			.prepare(name);
	});
}

function aggregatedTotals(db: Db, actor: Actor, filter: PipelineFilter) {
	const shape = new Shape('pipeline_totals_aggregated');
	const close = closeBounds(filter);
	const { months, edges } = splitByMonth(close.from, close.to);
	const direct = filter.partnerId === DIRECT_PARTNER;
	if (direct) shape.mark('direct team');
	const openOnly = close.openOnly ? inArray(t.stage, [...OPEN_STAGES]) : undefined;
	if (close.openOnly) shape.mark('open');

	// Whole months (or everything) from the totals table.
	let aggregated: SQL | undefined;
	if (months) {
		shape.mark('months');
		aggregated = and(
			direct ? eq(t.direct, true) : undefined,
			filter.ownerId ? eq(t.ownerId, shape.bind('owner', filter.ownerId)) : undefined,
			filter.regionId ? eq(t.regionId, shape.bind('region', filter.regionId)) : undefined,
			filter.stage ? eq(t.stage, shape.bind('stage', filter.stage)) : undefined,
			months.from ? gte(t.closeMonth, shape.bind('monthFrom', months.from)) : undefined,
			months.to ? lte(t.closeMonth, shape.bind('monthTo', months.to)) : undefined,
			openOnly
		);
	}
	// Days of partial months, from the deals.
	let days: SQL | undefined;
	if (edges.length) {
		shape.mark('days');
		const within = edges.map((edge, i) =>
			and(
				gte(opportunities.closeDate, shape.bind(`dayFrom${i}`, edge.from)),
				lte(opportunities.closeDate, shape.bind(`dayTo${i}`, edge.to))
			)
		);
		// Every stage, spelt out: the (stage, close date) index then serves the day ranges.
		days = and(
			...dealConditions(shape, actor, filter),
			or(...within),
			inArray(opportunities.stage, close.openOnly ? [...OPEN_STAGES] : [...STAGES])
		);
	}
	if (!months && !days) return Promise.resolve([]);

	return runPrepared(db, shape, (name) => {
		const fromTotals = db
			.select({
				stage: t.stage,
				deals: sql<number>`${t.deals}`.as('deals'),
				amount: sql<number>`${t.amountCents}`.as('amount'),
				weighted: sql<number>`${t.weightedCentsX100}`.as('weighted')
			})
			.from(t)
			.where(aggregated);
		const select = db
			.select({
				stage: opportunities.stage,
				deals: sql<number>`count(*)`.as('deals'),
				amount: sql<number>`sum(${opportunities.amountCents})`.as('amount'),
				weighted: sql<number>`sum(${opportunities.amountCents} * ${opportunities.probability})`.as(
					'weighted'
				)
			})
			.from(opportunities);
		const fromDeals = (
			filter.regionId
				? select.innerJoin(accounts, eq(accounts.id, opportunities.accountId))
				: select
		)
			.where(days)
			.groupBy(opportunities.stage);
		const both = (
			months && days ? fromTotals.unionAll(fromDeals) : months ? fromTotals : fromDeals
		).as('parts');
		return db
			.select({
				stage: both.stage,
				...sums(sql`${both.deals}`, sql`${both.amount}`, sql`${both.weighted}`)
			})
			.from(both)
			.groupBy(both.stage)
			.prepare(name);
	});
}

// The board's stages in column order, as a VALUES list (constants, never input).
const BOARD_STAGES = sql.raw(
	`(values ${STAGES.map((stage, i) => `('${stage}', ${i})`).join(', ')}) as board_stage (stage, position)`
);

/**
 * The board: one column per stage with its totals and its first `perColumn` cards (soonest close
 * date first; the header's count says how many there are in all). The cards of every column come
 * from one statement: for each stage, a LATERAL walk of the (stage, close date) order.
 */
export async function pipelineBoard(
	db: Db,
	actor: Actor,
	filter: PipelineFilter = {},
	options: { perColumn?: number } = {}
): Promise<PipelineColumn[]> {
	filter = await withToday(db, filter);
	const perColumn = clampLimit(options.perColumn, 50, 200);
	const shape = new Shape('pipeline_board_cards');
	const where = conditions(shape, actor, filter);
	const limit = shape.bind('perColumn', perColumn);
	const joinAccounts = Boolean(filter.regionId);
	const cardsQuery = runPrepared(db, shape, (name) => {
		// The first cards of each stage from the deals alone (index order), then their names.
		const select = db
			.select({
				id: opportunities.id,
				name: opportunities.name,
				version: opportunities.version,
				stage: opportunities.stage,
				amountCents: opportunities.amountCents,
				probability: opportunities.probability,
				closeDate: opportunities.closeDate,
				accountId: opportunities.accountId,
				partnerId: opportunities.partnerId,
				ownerId: opportunities.ownerId
			})
			.from(opportunities);
		const card = (
			joinAccounts ? select.innerJoin(accounts, eq(accounts.id, opportunities.accountId)) : select
		)
			.where(and(where, sql`${opportunities.stage} = board_stage.stage`))
			.orderBy(sql`${opportunities.closeDate} asc nulls last`, asc(opportunities.id))
			.limit(limit)
			.as('card');
		// One JSON array rather than 300 rows of 13 columns: the driver parses it natively, where
		// mapping rows cell by cell cost more Node CPU than the database spent (bench/crm.ts).
		const fields = sql.join(
			[
				sql`'id', ${card.id}, 'name', ${card.name}, 'version', ${card.version}`,
				sql`'stage', ${card.stage}, 'amountCents', ${card.amountCents}`,
				sql`'probability', ${card.probability}, 'closeDate', ${card.closeDate}`,
				sql`'accountId', ${card.accountId}, 'accountName', ${accounts.name}`,
				sql`'partnerId', ${card.partnerId}, 'partnerName', ${partners.name}`,
				sql`'ownerId', ${card.ownerId}, 'ownerName', ${owners.name}`
			],
			sql`, `
		);
		return db
			.select({
				cards: json<Omit<PipelineCard, 'canEdit'>>(
					sql`json_agg(json_build_object(${fields}) order by board_stage.position, ${card.closeDate} asc nulls last, ${card.id})`
				)
			})
			.from(BOARD_STAGES)
			.crossJoinLateral(card)
			.innerJoin(accounts, eq(accounts.id, card.accountId))
			.leftJoin(partners, eq(partners.id, card.partnerId))
			.leftJoin(owners, eq(owners.id, card.ownerId))
			.prepare(name);
	});
	const [totals, [{ cards }]] = await Promise.all([pipelineTotals(db, actor, filter), cardsQuery]);
	const edit = withEdit(actor);
	const byStage = new Map<Stage, PipelineCard[]>(STAGES.map((stage) => [stage, []]));
	for (const row of cards) byStage.get(row.stage)?.push(edit(row));
	return totals.map((total) => ({ ...total, cards: byStage.get(total.stage) ?? [] }));
}

// Keyset order of the table: (key, id). A missing close date sorts after every real one.
const SORT_KEYS: Record<PipelineSort, { own: SQL; cursor: (id: SQLWrapper) => SQL }> = {
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
	filter = await withToday(db, filter);
	const limit = clampLimit(options.limit, 25, 100);
	const sort = options.sort ?? 'close';
	const key = SORT_KEYS[sort];
	const ascending = (options.dir ?? 'asc') === 'asc';
	const after = parseCursor(options.after, 'uuid');
	const forward = ascending ? asc : desc;
	const backward = ascending ? desc : asc;
	const tuple = sql`(${key.own}, ${opportunities.id})`;

	const shape = new Shape('pipeline_table');
	shape.mark(`${sort} ${ascending ? 'asc' : 'desc'}`);
	const where = conditions(shape, actor, filter);
	const cursor = after ? key.cursor(shape.bind('after', after)) : undefined;
	const pageSize = shape.bind('limit', limit + 1);
	const rows = await runPrepared(db, shape, (name) =>
		cardQuery(db)
			.where(
				and(
					where,
					cursor ? (ascending ? sql`${tuple} > ${cursor}` : sql`${tuple} < ${cursor}`) : undefined
				)
			)
			.orderBy(forward(key.own), forward(opportunities.id))
			.limit(pageSize)
			.prepare(name)
	);
	const items = rows.slice(0, limit).map(withEdit(actor));
	const nextCursor = rows.length > limit ? items[items.length - 1].id : null;
	if (!after) return { items, nextCursor, previous: null };

	// The page before: walk back from the cursor; the row just before that page is its cursor.
	const back = new Shape('pipeline_table_back');
	back.mark(`${sort} ${ascending ? 'asc' : 'desc'}`);
	const backWhere = conditions(back, actor, filter);
	const from = key.cursor(back.bind('after', after));
	const backSize = back.bind('limit', limit + 1);
	const before = await runPrepared(db, back, (name) =>
		db
			.select({ id: opportunities.id })
			.from(opportunities)
			.innerJoin(accounts, eq(accounts.id, opportunities.accountId))
			.where(and(backWhere, ascending ? sql`${tuple} <= ${from}` : sql`${tuple} >= ${from}`))
			.orderBy(backward(key.own), backward(opportunities.id))
			.limit(backSize)
			.prepare(name)
	);
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
	// deals are few, and must only ever name its own company. One statement, three JSON lists.
	const host = isHostActor(actor);
	const shape = new Shape('pipeline_filter_options');
	shape.mark(host ? 'host' : 'partner');
	const ownersOf = host
		? eq(users.organisationId, shape.bind('organisation', actor.organisationId))
		: visible(shape, actor);
	const partnersOf = host ? eq(organisations.kind, 'partner') : visible(shape, actor);
	const list = (rows: SQLWrapper) =>
		json<FilterOption>(sql`(select json_agg(option) from (${rows}) as option)`);
	const [options] = await runPrepared(db, shape, (name) =>
		db
			.select({
				owners: list(
					host
						? db.select({ id: users.id, name: users.name }).from(users).where(ownersOf)
						: db
								.selectDistinct({ id: users.id, name: users.name })
								.from(opportunities)
								.innerJoin(users, eq(users.id, opportunities.ownerId))
								.where(ownersOf)
				),
				partners: list(
					host
						? db
								.select({ id: organisations.id, name: organisations.name })
								.from(organisations)
								.where(partnersOf)
						: db
								.selectDistinct({ id: organisations.id, name: organisations.name })
								.from(opportunities)
								.innerJoin(organisations, eq(organisations.id, opportunities.partnerId))
								.where(partnersOf)
				),
				regions: list(db.select({ id: regions.id, name: regions.name }).from(regions))
			})
			.from(sql`(values (1)) as one (n)`)
			.prepare(name)
	);
	return {
		owners: sorted(options.owners),
		partners: sorted(options.partners),
		regions: sorted(options.regions)
	};
}
