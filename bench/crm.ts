// The CRM at scale (`npm run bench:crm`): 1,000 partners, 200,000 accounts, 1,000,000
// opportunities in a throwaway PostgreSQL database (bench/crm-data.ts). Measures what Relais runs —
// the pipeline page's data (src/lib/server/crm/pipeline.ts, as its load function calls it, for a
// manager and for a partner person), search over accounts, contacts and deals (drizzle with the
// scopes of crm/scope.ts: no search module exists yet) and the conflict check
// (src/lib/server/deals/conflicts.ts) — against the same SQL written by hand and run raw through
// postgres.js, alternating A B A B. BENCH_ADMIN_URL overrides the admin connection, BENCH_SCALE
// (default 1) scales the data. Results: docs/performance.md.
import { and, asc, sql, type AnyColumn } from 'drizzle-orm';
import postgres from 'postgres';
import type { Actor } from '../src/lib/server/access/policy.ts';
import {
	pipelineBoard,
	pipelineFilterOptions,
	pipelineTable,
	pipelineTotals
} from '../src/lib/server/crm/pipeline.ts';
import {
	visibleAccounts,
	visibleContacts,
	visibleOpportunities
} from '../src/lib/server/crm/scope.ts';
import { accountKeys, findConflicts, type AccountKeys } from '../src/lib/server/deals/conflicts.ts';
import { createDb, migrate, tables, type Db } from '../src/lib/server/db/index.ts';
import { STAGES } from '../src/lib/shared/enums.ts';
import { prefixQuery } from '../src/lib/shared/normalise.ts';
import { accountId, generate, hostUserId, ids, partnerId, partnerUserId } from './crm-data.ts';
import * as lib from './lib.ts';

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 20);
const ROUND_BUDGET_MS = 2000;
const scale = {
	partners: Math.round(1000 * SCALE),
	accounts: Math.round(200_000 * SCALE),
	opportunities: Math.round(1_000_000 * SCALE),
	registrations: Math.round(50_000 * SCALE),
	reps: 100
};

const manager: Actor = {
	id: hostUserId(1),
	role: 'manager',
	organisationId: ids.host,
	organisationKind: 'host'
};
// Partner 42 and its admin (partner users are numbered from 0 for partner 1).
const partner: Actor = {
	id: partnerUserId(41),
	role: 'partner_admin',
	organisationId: partnerId(42),
	organisationKind: 'partner'
};
const SEARCHES = ['hôtel', 'brass lyon', 'clinique saint', 'boulangerie nantes 12', 'four mixte'];

type Operation = {
	name: string;
	target: number;
	relais: (k: number) => Promise<unknown>;
	raw: (k: number) => Promise<unknown>;
	/** Candidate rows compare two raw queries: the current one (A) and a proposed change (B). */
	labels?: [string, string];
};

const OPEN = ['prospecting', 'qualification', 'proposal', 'negotiation'];

// ---- The raw side: the same statements, by hand, through postgres.js (prepared). ----------------

function rawPipeline(sql: postgres.Sql, actor: Actor) {
	const partnerOnly = actor.organisationKind === 'partner';
	const scope = partnerOnly
		? sql`o.deleted_at is null and o.partner_id = ${actor.organisationId}`
		: sql`o.deleted_at is null`;
	const cards = sql`select o.id, o.name, o.version, o.stage, o.amount_cents, o.probability, o.close_date,
		o.account_id, a.name as account_name, o.partner_id, p.name as partner_name, o.owner_id, u.name as owner_name
		from opportunities o join accounts a on a.id = o.account_id
		left join organisations p on p.id = o.partner_id left join users u on u.id = o.owner_id`;
	const options = () =>
		Promise.all([
			sql`select distinct u.id, u.name from opportunities o join users u on u.id = o.owner_id where ${scope}`,
			sql`select distinct g.id, g.name from opportunities o join organisations g on g.id = o.partner_id where ${scope}`,
			sql`select id, name from regions`
		]);
	const totals =
		() => sql`select o.stage, count(*) as count, coalesce(sum(o.amount_cents), 0) as amount,
		coalesce(round(sum(o.amount_cents * o.probability) / 100.0), 0) as weighted
		from opportunities o join accounts a on a.id = o.account_id where ${scope} group by o.stage`;
	return {
		options,
		totals,
		async board() {
			await options();
			return Promise.all([
				totals(),
				...STAGES.map(
					(stage) => sql`${cards} where ${scope} and o.stage = ${stage}
						order by o.close_date asc nulls last, o.id asc limit 50`
				)
			]);
		},
		async table() {
			await options();
			return Promise.all([
				sql`${cards} where ${scope}
					order by coalesce(o.close_date, '9999-12-31'::date) asc, o.id asc limit 26`,
				totals()
			]);
		}
	};
}

function rawSearch(sql: postgres.Sql, actor: Actor, text: string) {
	const q = prefixQuery(text)!;
	const own = actor.organisationKind === 'partner' ? actor.organisationId : null;
	return Promise.all([
		sql`select a.id, a.name from accounts a where a.deleted_at is null
			${own ? sql`and exists (select 1 from account_partners ap where ap.account_id = a.id and ap.organisation_id = ${own})` : sql``}
			and a.search @@ to_tsquery('simple', ${q})
			order by ts_rank(a.search, to_tsquery('simple', ${q})) desc, a.id limit 10`,
		sql`select c.id, c.name, c.email from contacts c where c.deleted_at is null
			${own ? sql`and c.organisation_id = ${own}` : sql``}
			and c.search @@ to_tsquery('simple', ${q})
			order by ts_rank(c.search, to_tsquery('simple', ${q})) desc, c.id limit 10`,
		sql`select o.id, o.name from opportunities o where o.deleted_at is null
			${own ? sql`and o.partner_id = ${own}` : sql``}
			and o.search @@ to_tsquery('simple', ${q})
			order by ts_rank(o.search, to_tsquery('simple', ${q})) desc, o.id limit 10`
	]);
}

function rawConflicts(sql: postgres.Sql, partnerOf: string, keys: AccountKeys) {
	const match = (name: string, domain: string, siren: string) => {
		const parts = [
			keys.normalisedName ? sql`${sql(name)} = ${keys.normalisedName}` : null,
			keys.domain ? sql`${sql(domain)} = ${keys.domain}` : null,
			keys.siren ? sql`${sql(siren)} = ${keys.siren}` : null
		].filter((p) => p !== null);
		return parts.reduce((acc, p) => sql`${acc} or ${p}`);
	};
	return sql`select 'opportunity' as kind, o.id, a.normalised_name, a.domain, a.siren
		from opportunities o join accounts a on a.id = o.account_id
		where o.deleted_at is null and a.deleted_at is null and o.stage in ${sql(OPEN)}
			and (o.partner_id is null or o.partner_id <> ${partnerOf})
			and (${match('a.normalised_name', 'a.domain', 'a.siren')})
		union all
		select 'registration', r.id, r.normalised_name, r.account_domain, r.account_siren
		from deal_registrations r
		where r.partner_id <> ${partnerOf} and r.created_at > now() - 90 * interval '1 day'
			and (r.status = 'pending' or (r.status = 'approved'
				and (r.protected_until is null or r.protected_until > now())))
			and (${match('r.normalised_name', 'r.account_domain', 'r.account_siren')})`;
}

// ---- The Relais side. ----------------------------------------------------------------------------

/** The pipeline page's load function, as src/routes/(app)/pipeline/+page.server.ts calls it. */
function relaisPipeline(db: Db, actor: Actor) {
	return {
		async board() {
			await pipelineFilterOptions(db, actor);
			return pipelineBoard(db, actor, {});
		},
		async table() {
			await pipelineFilterOptions(db, actor);
			return Promise.all([pipelineTable(db, actor, {}, {}), pipelineTotals(db, actor, {})]);
		}
	};
}

/** Search as the search page would run it: the three kinds, the visibility scopes, ranked. */
function relaisSearch(db: Db, actor: Actor, text: string) {
	const q = prefixQuery(text)!;
	const tsq = sql`to_tsquery('simple', ${q})`;
	const ranked = (search: AnyColumn) => sql`ts_rank(${search}, ${tsq}) desc`;
	const { accounts: a, contacts: c, opportunities: o } = tables;
	return Promise.all([
		db
			.select({ id: a.id, name: a.name })
			.from(a)
			.where(and(visibleAccounts(actor), sql`${a.search} @@ ${tsq}`))
			.orderBy(ranked(a.search), asc(a.id))
			.limit(10),
		db
			.select({ id: c.id, name: c.name, email: c.email })
			.from(c)
			.where(and(visibleContacts(actor), sql`${c.search} @@ ${tsq}`))
			.orderBy(ranked(c.search), asc(c.id))
			.limit(10),
		db
			.select({ id: o.id, name: o.name })
			.from(o)
			.where(and(visibleOpportunities(actor), sql`${o.search} @@ ${tsq}`))
			.orderBy(ranked(o.search), asc(o.id))
			.limit(10)
	]);
}

// ---- Measuring. ----------------------------------------------------------------------------------

type Side = { ms: number[]; roundMedians: number[]; nodeCpu: number[]; pgCpu: number[] };
const side = (): Side => ({ ms: [], roundMedians: [], nodeCpu: [], pgCpu: [] });

async function runRound(
	run: (k: number) => Promise<unknown>,
	s: Side,
	watcher: lib.BackendWatcher,
	offset: number
) {
	const before = await watcher.sample();
	const cpu0 = process.cpuUsage();
	const times: number[] = [];
	// PER_ROUND calls, or fewer (at least 3) when they pass the round's time budget.
	const start = performance.now();
	for (let k = 0; k < PER_ROUND && (k < 3 || performance.now() - start < ROUND_BUDGET_MS); k++) {
		const t0 = performance.now();
		await run(offset + k);
		times.push(performance.now() - t0);
	}
	const cpu = process.cpuUsage(cpu0);
	const after = await watcher.sample();
	s.ms.push(...times);
	s.roundMedians.push(lib.spread(times).median);
	s.nodeCpu.push((cpu.user + cpu.system) / 1000 / times.length);
	s.pgCpu.push(watcher.cpuUs(before, after) / 1000 / times.length);
}

async function measure(op: Operation, watcher: lib.BackendWatcher) {
	// Warm-up: caches, plans, connections.
	for (let k = 0; k < 3; k++) {
		await op.raw(k);
		await op.relais(k);
	}
	const raw = side();
	const relais = side();
	for (let r = 0; r < ROUNDS; r++) {
		await runRound(op.raw, raw, watcher, r * PER_ROUND);
		await runRound(op.relais, relais, watcher, r * PER_ROUND);
	}
	return { op, raw, relais };
}

type Measured = Awaited<ReturnType<typeof measure>>;

const pct = (values: number[], p: number) => lib.percentile(Float64Array.from(values).sort(), p);

function report(results: Measured[]) {
	lib.printTable(
		[
			'operation',
			'side',
			'p50 ms',
			'p99 ms',
			'round medians ms',
			'Node CPU ms/op',
			'PostgreSQL CPU ms/op',
			'B / A (Relais / raw)',
			'target p99'
		],
		results.flatMap(({ op, raw, relais }) => {
			const ratio = lib.ratio(lib.spread(relais.roundMedians), lib.spread(raw.roundMedians));
			const p99 = pct(relais.ms, 99);
			const verdict = `${op.target} ms: ${p99 <= op.target ? 'met' : 'MISSED'}`;
			const row = (name: string, s: Side, extra: string[]) => [
				op.name,
				name,
				lib.fmt(pct(s.ms, 50)),
				lib.fmt(pct(s.ms, 99)),
				lib.fmtSpread(lib.spread(s.roundMedians)),
				lib.fmt(lib.spread(s.nodeCpu).median, 2),
				lib.fmt(lib.spread(s.pgCpu).median, 1),
				...extra
			];
			const [a, b] = op.labels ?? ['raw', 'Relais'];
			const verdictB = op.labels
				? `${op.target} ms: ${p99 <= op.target ? 'met' : 'missed'}`
				: verdict;
			return [row(a, raw, ['–', '–']), row(b, relais, [ratio, verdictB])];
		})
	);
}

async function explain(raw: postgres.Sql, label: string, text: string) {
	const plan = await raw.unsafe<{ 'QUERY PLAN': string }[]>(
		`explain (analyze, buffers off) ${text}`
	);
	console.log(`\n${label}:`);
	for (const line of plan) console.log(`    ${line['QUERY PLAN']}`);
}

async function main() {
	console.log(lib.describeMachine());
	console.log(`process under test: ${lib.pin(0)}; scale ${SCALE}: ${JSON.stringify(scale)}`);
	const scratch = await lib.throwawayDatabase(ADMIN_URL, 'relais_bench_crm');
	const database = await createDb({ databaseUrl: scratch.url });
	const bare = postgres(scratch.url, { max: 10, onnotice: () => {} });
	const watcher = lib.backendWatcher(ADMIN_URL, scratch.name, 1);
	try {
		await migrate(database);
		console.log('generating (in PostgreSQL):');
		await generate(bare, scale, console.log);
		await watcher.sample();
		const db = database.db;

		const samples = await bare<{ name: string; domain: string | null; siren: string | null }[]>`
			select name, domain, siren from accounts
			where id in ${bare(Array.from({ length: 40 }, (_, k) => accountId((k * 4999) % scale.accounts)))}`;
		// Every other check is typed with a legal form and no domain: the name alone must match.
		const keys = samples.map((s, k) =>
			accountKeys(
				k % 2 ? { name: `${s.name} SAS` } : { name: s.name, domain: s.domain, siren: s.siren }
			)
		);
		const checker = partnerId(7);

		const operations: Operation[] = [];
		for (const [who, actor] of [
			['manager', manager],
			['partner', partner]
		] as const) {
			const r = rawPipeline(bare, actor);
			const p = relaisPipeline(db, actor);
			operations.push(
				{
					name: `pipeline board, ${who}`,
					target: 50,
					raw: () => r.board(),
					relais: () => p.board()
				},
				{
					name: `pipeline table, ${who}`,
					target: 50,
					raw: () => r.table(),
					relais: () => p.table()
				},
				{
					name: `search, ${who}`,
					target: 100,
					raw: (k) => rawSearch(bare, actor, SEARCHES[k % SEARCHES.length]),
					relais: (k) => relaisSearch(db, actor, SEARCHES[k % SEARCHES.length])
				}
			);
		}
		operations.push({
			name: 'conflict check',
			target: 50,
			raw: (k) => rawConflicts(bare, checker, keys[k % keys.length]),
			relais: (k) => findConflicts(db, { partnerId: checker, keys: keys[k % keys.length] })
		});
		// The parts of the manager's page, to say where its time goes.
		const r = rawPipeline(bare, manager);
		operations.push(
			{
				name: 'part: filter options, manager',
				target: 50,
				raw: () => r.options(),
				relais: () => pipelineFilterOptions(db, manager)
			},
			{
				name: 'part: stage totals, manager',
				target: 50,
				raw: () => r.totals(),
				relais: () => pipelineTotals(db, manager)
			}
		);

		// Candidate changes (not in Relais): the current raw query against a proposed one.
		const hostOptions = () =>
			Promise.all([
				bare`select id, name from users where organisation_id = ${ids.host} and active`,
				bare`select id, name from organisations where kind = 'partner'`,
				bare`select id, name from regions`
			]);
		const totalsWithoutJoin = () => bare`select o.stage, count(*) as count,
			coalesce(sum(o.amount_cents), 0) as amount,
			coalesce(round(sum(o.amount_cents * o.probability) / 100.0), 0) as weighted
			from opportunities o where o.deleted_at is null group by o.stage`;
		const partnerDeals = (text: string) => {
			const q = prefixQuery(text)!;
			return bare`with mine as materialized (select id, name, search from opportunities
					where partner_id = ${partner.organisationId} and deleted_at is null)
				select id, name from mine where search @@ to_tsquery('simple', ${q})
				order by ts_rank(search, to_tsquery('simple', ${q})) desc, id limit 10`;
		};
		const currentPartnerDeals = (text: string) => {
			const q = prefixQuery(text)!;
			return bare`select o.id, o.name from opportunities o where o.deleted_at is null
				and o.partner_id = ${partner.organisationId} and o.search @@ to_tsquery('simple', ${q})
				order by ts_rank(o.search, to_tsquery('simple', ${q})) desc, o.id limit 10`;
		};
		const dealsRanked = (text: string, pool: number | null) => {
			const q = prefixQuery(text)!;
			return pool === null
				? bare`select o.id, o.name from opportunities o where o.deleted_at is null
					and o.search @@ to_tsquery('simple', ${q})
					order by ts_rank(o.search, to_tsquery('simple', ${q})) desc, o.id limit 10`
				: bare`select id, name from (select o.id, o.name, o.search from opportunities o
					where o.deleted_at is null and o.search @@ to_tsquery('simple', ${q}) limit ${pool}) s
					order by ts_rank(search, to_tsquery('simple', ${q})) desc, id limit 10`;
		};
		operations.push(
			{
				name: 'candidate: host filter options',
				labels: ['distinct over deals', 'users + partners'],
				target: 50,
				raw: () => r.options(),
				relais: () => hostOptions()
			},
			{
				name: 'candidate: manager totals',
				labels: ['with accounts join', 'without the join'],
				target: 50,
				raw: () => r.totals(),
				relais: () => totalsWithoutJoin()
			},
			{
				name: 'candidate: partner deal search',
				labels: ['bitmap AND (now)', 'partner rows first'],
				target: 100,
				raw: (k) => currentPartnerDeals(SEARCHES[k % SEARCHES.length]),
				relais: (k) => partnerDeals(SEARCHES[k % SEARCHES.length])
			},
			{
				name: 'candidate: manager deal search',
				labels: ['rank every match', 'rank first 1,000'],
				target: 100,
				raw: (k) => dealsRanked(SEARCHES[k % SEARCHES.length], null),
				relais: (k) => dealsRanked(SEARCHES[k % SEARCHES.length], 1000)
			}
		);

		const results: Measured[] = [];
		for (const op of operations) {
			results.push(await measure(op, watcher));
			console.log(`  measured ${op.name}`);
		}
		console.log(
			`\nms per operation: p50/p99 over ${ROUNDS} rounds × up to ${PER_ROUND} calls (at least 3; a round stops after ${ROUND_BUDGET_MS / 1000} s), A B alternating after a warm-up; PostgreSQL backends on ${watcher.where()}`
		);
		report(results);
		console.log(`${lib.memory()}; ${lib.load()}`);

		await explain(
			bare,
			'EXPLAIN ANALYZE stage totals, manager',
			`select o.stage, count(*), coalesce(sum(o.amount_cents), 0), coalesce(round(sum(o.amount_cents * o.probability) / 100.0), 0)
			from opportunities o join accounts a on a.id = o.account_id where o.deleted_at is null group by o.stage`
		);
		await explain(
			bare,
			'EXPLAIN ANALYZE owner filter options, manager',
			`select distinct u.id, u.name from opportunities o join users u on u.id = o.owner_id where o.deleted_at is null`
		);
		await explain(
			bare,
			"EXPLAIN ANALYZE search 'hôtel' over opportunities, manager",
			`select o.id, o.name from opportunities o where o.deleted_at is null and o.search @@ to_tsquery('simple', 'hotel:*')
			order by ts_rank(o.search, to_tsquery('simple', 'hotel:*')) desc, o.id limit 10`
		);

		const worst = results
			.filter((x) => !x.op.labels)
			.reduce((a, b) =>
				pct(b.relais.ms, 99) / b.op.target > pct(a.relais.ms, 99) / a.op.target ? b : a
			);
		const board = results.find((x) => x.op.name === 'pipeline board, manager')!;
		console.log(
			`\nheadline: pipeline board (manager) p99 ${lib.fmt(pct(board.relais.ms, 99))} ms, ` +
				`Relais / raw ${lib.ratio(lib.spread(board.relais.roundMedians), lib.spread(board.raw.roundMedians))}; ` +
				`furthest from target: ${worst.op.name} p99 ${lib.fmt(pct(worst.relais.ms, 99))} ms vs ${worst.op.target} ms`
		);
	} finally {
		await bare.end();
		await database.close();
		await watcher.close();
		await scratch.drop();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
