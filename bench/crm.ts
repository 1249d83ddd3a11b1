// The CRM at scale (`npm run bench:crm`): 1,000 partners, 200,000 accounts, 1,000,000
// opportunities in a throwaway PostgreSQL database (bench/crm-data.ts). Measures what Relais runs —
// the pipeline page's data (src/lib/server/crm/pipeline.ts, as its load function calls it, for a
// manager and for a partner person), the search page's data (src/lib/server/search: partners,
// accounts, contacts, deals) and the conflict check (src/lib/server/deals/conflicts.ts) — against
// the same SQL written by hand and run raw through postgres.js, alternating A B A B. BENCH_ADMIN_URL overrides the admin connection, BENCH_SCALE
// (default 1) scales the data. Results: docs/performance.md.
import postgres from 'postgres';
import type { Actor } from '../src/lib/server/access/actor.ts';
import {
	pipelineBoard,
	pipelineFilterOptions,
	pipelineTable,
	pipelineTotals
} from '../src/lib/server/crm/pipeline.ts';
import { searchAll, SEARCH_POOL } from '../src/lib/server/search/index.ts';
import { foldWords } from '../src/lib/server/search/providers.ts';
import { accountKeys, findConflicts, type AccountKeys } from '../src/lib/server/deals/conflicts.ts';
import { createDb, migrate, type Db } from '../src/lib/server/db/index.ts';
import { OPEN_STAGES, STAGES } from '../src/lib/shared/enums.ts';
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
	const cardColumns = sql`o.id, o.name, o.version, o.stage, o.amount_cents, o.probability, o.close_date,
		o.account_id, a.name as account_name, o.partner_id, p.name as partner_name, o.owner_id, u.name as owner_name`;
	const cardJoins = sql`from opportunities o join accounts a on a.id = o.account_id
		left join organisations p on p.id = o.partner_id left join users u on u.id = o.owner_id`;
	// The three option lists in one statement, each a JSON array (as Relais does).
	const list = (rows: postgres.PendingQuery<postgres.Row[]>) =>
		sql`coalesce((select json_agg(option) from (${rows}) as option), '[]'::json)`;
	const options = () =>
		partnerOnly
			? sql`select ${list(sql`select distinct u.id, u.name from opportunities o join users u on u.id = o.owner_id where ${scope}`)} as owners,
				${list(sql`select distinct g.id, g.name from opportunities o join organisations g on g.id = o.partner_id where ${scope}`)} as partners,
				${list(sql`select id, name from regions`)} as regions`
			: sql`select ${list(sql`select id, name from users where organisation_id = ${actor.organisationId}`)} as owners,
				${list(sql`select id, name from organisations where kind = 'partner'`)} as partners,
				${list(sql`select id, name from regions`)} as regions`;
	// The host's totals from the pre-aggregated table; one partner's from its deals.
	const totals = () =>
		partnerOnly
			? sql`select o.stage, coalesce(sum(1), 0) as count, coalesce(sum(o.amount_cents), 0) as amount,
				coalesce(round(sum(o.amount_cents * o.probability) / 100.0), 0) as weighted
				from opportunities o where ${scope} group by o.stage`
			: sql`select stage, coalesce(sum(deals), 0) as count, coalesce(sum(amount), 0) as amount,
				coalesce(round(sum(weighted) / 100.0), 0) as weighted
				from (select stage, deals, amount_cents as amount, weighted_cents_x100 as weighted
					from pipeline_stage_totals) parts group by stage`;
	const stages = sql.unsafe(
		`(values ${STAGES.map((stage, i) => `('${stage}', ${i})`).join(', ')}) as board_stage (stage, position)`
	);
	return {
		options,
		totals,
		async board() {
			await options();
			return Promise.all([
				totals(),
				sql`select coalesce(json_agg(json_build_object('id', card.id, 'name', card.name,
						'version', card.version, 'stage', card.stage, 'amountCents', card.amount_cents,
						'probability', card.probability, 'closeDate', card.close_date, 'accountId', card.account_id,
						'accountName', a.name, 'partnerId', card.partner_id, 'partnerName', p.name,
						'ownerId', card.owner_id, 'ownerName', u.name)
						order by board_stage.position, card.close_date asc nulls last, card.id), '[]'::json) as cards
					from ${stages} cross join lateral (
						select o.id, o.name, o.version, o.stage, o.amount_cents, o.probability, o.close_date,
							o.account_id, o.partner_id, o.owner_id
						from opportunities o where ${scope} and o.stage = board_stage.stage
						order by o.close_date asc nulls last, o.id asc limit 50) card
					join accounts a on a.id = card.account_id
					left join organisations p on p.id = card.partner_id left join users u on u.id = card.owner_id`
			]);
		},
		async table() {
			await options();
			return Promise.all([
				sql`select ${cardColumns} ${cardJoins} where ${scope}
					order by coalesce(o.close_date, '9999-12-31'::date) asc, o.id asc limit 26`,
				totals()
			]);
		}
	};
}

const ACCENTED = 'àáâãäåçèéêëìíîïñòóôõöùúûüýÿœæ';
const PLAIN = 'aaaaaaceeeeiiiinooooouuuuyyoa';

/** The search page's four statements by hand: at most SEARCH_POOL matches counted and ranked. */
function rawSearch(sql: postgres.Sql, actor: Actor, text: string) {
	const q = prefixQuery(text)!;
	const own = actor.organisationKind === 'partner' ? actor.organisationId : null;
	const tsq = sql`to_tsquery('simple', ${q})`;
	const pool = SEARCH_POOL + 1;
	const ranked = (matches: postgres.PendingQuery<postgres.Row[]>, columns: string, join = '') =>
		sql`select ${sql.unsafe(columns)}, (count(*) over ())::int as total
			from (${matches} limit ${pool}) m ${sql.unsafe(join)}
			order by ts_rank(m.search, ${tsq}) desc, m.name, m.id limit 10`;
	const words = foldWords(text);
	return Promise.all([
		own
			? Promise.resolve(null)
			: sql`select id, name, (count(*) over ())::int as total from organisations
				where kind = 'partner' ${words.map((w) => sql`and translate(lower(name), ${ACCENTED}, ${PLAIN}) like ${`%${w}%`}`)}
				order by name limit 10`,
		ranked(
			own
				? sql`select * from (select a.id, a.name, a.domain, a.search from accounts a where a.deleted_at is null
						and exists (select 1 from account_partners ap where ap.account_id = a.id and ap.organisation_id = ${own})
						offset 0) mine where search @@ ${tsq}`
				: sql`select a.id, a.name, a.domain, a.search from accounts a where a.deleted_at is null and a.search @@ ${tsq}`,
			'm.id, m.name, m.domain'
		),
		ranked(
			own
				? sql`select * from (select c.id, c.name, c.account_id, c.search from contacts c
						where c.deleted_at is null and c.organisation_id = ${own} offset 0) mine where search @@ ${tsq}`
				: sql`select c.id, c.name, c.account_id, c.search from contacts c where c.deleted_at is null and c.search @@ ${tsq}`,
			'm.id, m.name, a.name as account',
			'join accounts a on a.id = m.account_id'
		),
		ranked(
			own
				? sql`select * from (select o.id, o.name, o.account_id, o.search from opportunities o
						where o.deleted_at is null and o.partner_id = ${own} offset 0) mine where search @@ ${tsq}`
				: sql`select o.id, o.name, o.account_id, o.search from opportunities o where o.deleted_at is null and o.search @@ ${tsq}`,
			'm.id, m.name, a.name as account',
			'join accounts a on a.id = m.account_id'
		)
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

/** Search as the search page runs it (src/routes/(app)/search/+page.server.ts). */
function relaisSearch(db: Db, actor: Actor, text: string) {
	return searchAll(db, actor, text, { limitPerKind: 10 });
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

		// What the stage totals table buys and costs. A: summing the deals themselves (the query
		// Relais ran before pipeline_stage_totals); B: Relais now, for close-period filters that
		// read whole months from the table and the days of partial months from the deals.
		const today = new Date().toISOString().slice(0, 10);
		const [ty, tm] = today.split('-').map(Number);
		const day = (y: number, m: number, d: number) =>
			new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
		const custom = { from: day(ty, tm, 15), to: day(ty, tm + 3, 14) };
		const summed = (where: postgres.PendingQuery<postgres.Row[]>) =>
			bare`select o.stage, count(*) as count, coalesce(sum(o.amount_cents), 0) as amount,
				coalesce(round(sum(o.amount_cents * o.probability) / 100.0), 0) as weighted
				from opportunities o where o.deleted_at is null ${where} group by o.stage`;
		const filters = [
			{ label: 'no filter', filter: {}, where: bare`` },
			{
				label: 'overdue',
				filter: { period: 'overdue' as const, today },
				where: bare`and o.close_date < ${today}::date and o.stage in ${bare(OPEN_STAGES)}`
			},
			{
				label: `custom ${custom.from} → ${custom.to}`,
				filter: { period: 'custom' as const, ...custom, today },
				where: bare`and o.close_date between ${custom.from}::date and ${custom.to}::date`
			}
		];
		for (const { label, filter, where } of filters) {
			operations.push({
				name: `stage totals, manager, ${label}`,
				labels: ['sum of the deals', 'Relais (totals table)'],
				target: 50,
				raw: () => summed(where),
				relais: () => pipelineTotals(db, manager, filter)
			});
		}
		// The price: a deal's stage change with and without the trigger (A: triggers off for the
		// transaction; B: as in production). Different deals on each side; rebuilt afterwards.
		const calls = { on: 0, off: 0 };
		const stageChange = (triggers: boolean) => {
			// 50 deals per side, each call moving the next one to the other stage than last time.
			const n = triggers ? calls.on++ : calls.off++;
			const id = `00000000-0000-4000-d000-${String((triggers ? 500_000 : 0) + (n % 50)).padStart(12, '0')}`;
			const [stage, probability] = Math.floor(n / 50) % 2 ? ['proposal', 50] : ['negotiation', 75];
			return bare.begin(async (tx) => {
				// Both sides set the role (one statement each), only A turns the triggers off.
				await tx`select set_config('session_replication_role', ${triggers ? 'origin' : 'replica'}, true)`;
				await tx`update opportunities set stage = ${stage}, probability = ${probability} where id = ${id}`;
			});
		};
		operations.push({
			name: 'write: a deal changes stage',
			labels: ['without the trigger', 'with the trigger'],
			target: 50,
			raw: () => stageChange(false),
			relais: () => stageChange(true)
		});

		const results: Measured[] = [];
		for (const op of operations) {
			results.push(await measure(op, watcher));
			console.log(`  measured ${op.name}`);
		}
		// The side without the trigger left the totals stale: rebuild, then check that the totals
		// Relais shows equal a plain SUM over the deals, for each filter above and for a partner.
		await bare`select pipeline_stage_totals_rebuild()`;
		for (const { label, filter, where } of filters) {
			const expected = new Map(
				(await summed(where)).map((r) => [
					r.stage,
					[Number(r.count), Number(r.amount), Number(r.weighted)]
				])
			);
			for (const total of await pipelineTotals(db, manager, filter)) {
				const [count, amount, weighted] = expected.get(total.stage) ?? [0, 0, 0];
				if (
					count !== total.count ||
					amount !== total.amountCents ||
					weighted !== total.weightedCents
				) {
					throw new Error(`stage totals differ from the deals (${label}, ${total.stage})`);
				}
			}
		}
		console.log('stage totals checked: equal to a SUM over the deals for every filter measured');
		console.log(
			`\nms per operation: p50/p99 over ${ROUNDS} rounds × up to ${PER_ROUND} calls (at least 3; a round stops after ${ROUND_BUDGET_MS / 1000} s), A B alternating after a warm-up; PostgreSQL backends on ${watcher.where()}`
		);
		report(results);
		console.log(`${lib.memory()}; ${lib.load()}`);

		await explain(
			bare,
			'EXPLAIN ANALYZE stage totals, manager (totals table)',
			`select stage, sum(deals), sum(amount_cents), round(sum(weighted_cents_x100) / 100.0)
			from pipeline_stage_totals group by stage`
		);
		await explain(
			bare,
			"EXPLAIN ANALYZE search 'four mixte' over deals, manager (pool of the first 1,001 matches)",
			`select id, name from (select o.id, o.name, o.search from opportunities o where o.deleted_at is null
				and o.search @@ to_tsquery('simple', 'four:* & mixte:*') limit 1001) m
			order by ts_rank(m.search, to_tsquery('simple', 'four:* & mixte:*')) desc, m.name, m.id limit 10`
		);
		console.log(
			`pipeline_stage_totals rows: ${(await bare`select count(*)::int as n from pipeline_stage_totals`)[0].n}`
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
