// Live event delivery: Relais (publishLiveEvent in a transaction → startLiveBus → eventsFor and
// formatSse for each of M open streams) against bare LISTEN/NOTIFY through the same driver to one
// listener looping over M callbacks. Open loop at stepped rates, latency from the intended send
// time. `npm run bench:live`; PostgreSQL too when DATABASE_URL is set (an admin URL: a throwaway
// database is created and dropped), with the publisher in a child process on CPU 1.
import { PGlite } from '@electric-sql/pglite';
import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import type { Actor } from '../src/lib/server/access/actor.ts';
import { createDb, type Database } from '../src/lib/server/db/index.ts';
import {
	eventsFor,
	formatSse,
	publishLiveEvent,
	startLiveBus
} from '../src/lib/server/live/index.ts';
import type { LiveEvent } from '../src/lib/server/live/index.ts';
import { createLogger } from '../src/lib/server/log/index.ts';
import * as lib from './lib.ts';

const SEED = 0x11fe;
const STREAMS = 200;
const RATES = (process.env.BENCH_RATES ?? '100,500,1000,2000,4000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const DRAIN_MS = 10_000;
const TARGET_P99_MS = 100;
const BARE_CHANNEL = 'bench_bare';
const VARIANTS = ['bare', 'relais'] as const;
type Variant = (typeof VARIANTS)[number];

const TYPES = ['activity.created', 'notification.created', 'activity.created'];
const FIXED = { verb: 'updated', objectType: 'organisation', createdAt: '2025-01-01T00:00:00Z' };

/** 20 host people and 10 partner companies of 18: who the open streams belong to. */
function world() {
	const rand = lib.seeded(SEED);
	const host = lib.seededUuid(rand);
	const partners = Array.from({ length: 10 }, () => lib.seededUuid(rand));
	const actors: Actor[] = [];
	for (let i = 0; i < 20; i++) {
		const role = i < 2 ? 'admin' : i < 8 ? 'manager' : 'rep';
		actors.push({ id: lib.seededUuid(rand), role, organisationId: host, organisationKind: 'host' });
	}
	for (const org of partners) {
		for (let i = 0; i < 18; i++) {
			const role = i < 3 ? 'partner_admin' : 'partner_member';
			const id = lib.seededUuid(rand);
			actors.push({ id, role, organisationId: org, organisationKind: 'partner' });
		}
	}
	// Half activities (a partner's world or the host's), 40% personal notifications, 10% everyone.
	const templates = Array.from({ length: 1000 }, (): LiveEvent => {
		const r = rand();
		const actor = actors[Math.floor(rand() * actors.length)];
		const org = rand() < 0.8 ? partners[Math.floor(rand() * partners.length)] : null;
		const kind = r < 0.5 ? 0 : r < 0.9 ? 1 : 2;
		const audience = [{ organisation: org }, { users: [actor.id] }, { everyone: true as const }][
			kind
		];
		const data = { ...FIXED, id: lib.seededUuid(rand), actorId: actor.id, organisationId: org };
		return { type: TYPES[kind], audience, data: { ...data, objectId: lib.seededUuid(rand) } };
	});
	return { actors, templates };
}

const { actors, templates } = world();
const eventFor = (seq: number, t: number): LiveEvent => {
	const base = templates[seq % templates.length];
	return { ...base, data: { ...base.data, seq, t } };
};

type Publish = (event: LiveEvent) => Promise<unknown>;

const openLoop = (rate: number, count: number, publish: Publish) =>
	lib.openLoop(rate, count, (i, t) => publish(eventFor(i, t)));

/** The publishers of both paths on one database (the child's, or the in-process PGlite). */
function publishers(database: Database, bare: Publish): Record<Variant, Publish> {
	return { bare, relais: (e) => database.db.transaction((tx) => publishLiveEvent(tx, e)) };
}

// The load generator for PostgreSQL: a child process on CPU 1, driven over IPC.
async function generatorProcess() {
	lib.pin(1);
	process.on('disconnect', () => process.exit(0));
	let database: Database | undefined;
	let sql: postgres.Sql | undefined;
	let publish: Record<Variant, Publish> | undefined;
	process.on('message', (msg: { kind: string; url: string; variant: Variant; rate: number }) => {
		void (async () => {
			if (msg.kind === 'init') {
				database = await createDb({ databaseUrl: msg.url });
				sql = postgres(msg.url, { max: 10, onnotice: () => {} });
				const bare = sql;
				publish = publishers(database, (e) => bare.notify(BARE_CHANNEL, JSON.stringify(e)));
				process.send!({ kind: 'ready' });
			} else if (msg.kind === 'run') {
				const count = msg.rate * SECONDS;
				const cpu0 = process.cpuUsage();
				const errors = await openLoop(msg.rate, count, publish![msg.variant]);
				const cpu = process.cpuUsage(cpu0);
				process.send!({ errors, cpu: (cpu.user + cpu.system) / count });
			} else {
				await sql?.end();
				await database?.close();
				process.exit(0);
			}
		})();
	});
}

/** What the server under test records: latency of each delivery, and events fully fanned out. */
const capacity = Math.max(...RATES) * SECONDS * STREAMS;
const rec = { lat: new Float64Array(capacity), n: 0, seen: 0, expected: 0, from: 0, done() {} };
// An event of an earlier run (one that timed out draining) is not counted in this one.
const record = ({ data: { t } }: LiveEvent) => {
	if ((t as number) >= rec.from && rec.n < capacity) rec.lat[rec.n++] = lib.nowUs() - (t as number);
};
const seen = ({ data: { t } }: LiveEvent) => {
	if ((t as number) >= rec.from && ++rec.seen === rec.expected) rec.done();
};

/** Both subscribers: Relais's bus with one filtered listener per open stream, and the bare loop. */
async function subscribe(
	database: Database,
	listenBare: (cb: (p: string) => void) => Promise<unknown>
) {
	const bus = await startLiveBus(database, createLogger({ level: 'info', pretty: false }));
	const encoder = new TextEncoder();
	for (const actor of actors) {
		// What createEventStream's listener does for each open stream, short of enqueueing.
		bus.subscribe((event) => {
			const message = eventsFor(actor, event);
			if (!message) return;
			encoder.encode(formatSse(message));
			record(event);
		});
	}
	bus.subscribe(seen); // last: runs once every stream has had the event
	const callbacks = actors.map(() => record);
	await listenBare((payload) => {
		const event = JSON.parse(payload) as LiveEvent;
		for (const cb of callbacks) cb(event);
		seen(event);
	});
	return bus;
}

type Generated = { errors: number; cpu: number };
type Key = 'cpu' | 'pub' | 'pg' | 'p50' | 'p99' | 'p999' | 'eld99' | 'eldMax' | 'delivered';
type Cell = Record<Key | 'perEvent' | 'errors', number>;

async function measure(
	rate: number,
	generate: (rate: number) => Promise<Generated>,
	watcher?: lib.BackendWatcher
): Promise<Cell> {
	const count = rate * SECONDS;
	Object.assign(rec, { n: 0, seen: 0, expected: count, from: lib.nowUs() });
	const done = new Promise<void>((resolve) => (rec.done = resolve));
	const eld = monitorEventLoopDelay({ resolution: 10 });
	const before = await watcher?.sample();
	eld.enable();
	const cpu0 = process.cpuUsage();
	const { errors, cpu: pub } = await generate(rate);
	await Promise.race([done, sleep(DRAIN_MS)]);
	const cpu = process.cpuUsage(cpu0);
	eld.disable();
	const after = await watcher?.sample();
	const lat = rec.lat.slice(0, rec.n).sort();
	const ms = (p: number) => lib.percentile(lat, p) / 1000;
	return {
		cpu: (cpu.user + cpu.system) / count,
		pub,
		pg: before && after ? watcher!.cpuUs(before, after) / count : NaN,
		p50: ms(50),
		p99: ms(99),
		p999: ms(99.9),
		eld99: eld.percentile(99) / 1e6,
		eldMax: eld.max / 1e6,
		delivered: rec.seen / count,
		perEvent: rec.n / Math.max(1, rec.seen),
		errors
	};
}

type Summary = { rate: number; variant: Variant; runs: Cell[]; s: (k: Key) => lib.Spread };

/** Warm-up, then at each rate A B A B … ROUNDS times; a variant past its knee stops stepping up. */
async function stepRates(
	generate: (v: Variant, rate: number) => Promise<Generated>,
	watcher?: lib.BackendWatcher
) {
	for (const v of VARIANTS) await measure(500, (r) => generate(v, r), watcher);
	console.log(`harness CPU with no events: ${lib.fmt(await lib.idleCpu(), 2)} ms/s`);
	const out: Summary[] = [];
	const past = new Set<Variant>();
	for (const rate of RATES) {
		const live = VARIANTS.filter((v) => !past.has(v));
		const runs = new Map<Variant, Cell[]>(live.map((v) => [v, []]));
		for (let r = 0; r < ROUNDS; r++) {
			for (const v of live) runs.get(v)!.push(await measure(rate, (x) => generate(v, x), watcher));
		}
		for (const [variant, cells] of runs) {
			const s = (k: Key) => lib.spread(cells.map((c) => c[k]));
			out.push({ rate, variant, runs: cells, s });
			if (s('p99').median > 1000 || cells.some((c) => c.delivered < 1)) past.add(variant);
		}
	}
	return out;
}

const HEADERS =
	'ev/s|path|CPU µs/event|vs bare|publisher CPU µs/ev|PG CPU µs/ev|p50 ms|p99 ms|p99.9 ms|ELD p99/max ms|deliv./ev|delivered';

function report(title: string, rows: Summary[]) {
	console.log(
		`\n${title}: ${STREAMS} streams, ${ROUNDS} rounds × ${SECONDS} s per rate; median [min–max]`
	);
	const bareAt = (rate: number) => rows.find((r) => r.rate === rate && r.variant === 'bare');
	lib.printTable(
		HEADERS.split('|'),
		rows.map((r) => {
			const base = bareAt(r.rate);
			const cpu = r.s('cpu');
			const vs = !base || r === base ? '–' : lib.ratio(cpu, base.s('cpu'));
			const worst = (k: Key) => Math.min(...r.runs.map((c) => c[k]));
			return [
				String(r.rate),
				r.variant,
				lib.fmtSpread(cpu),
				vs,
				Number.isNaN(r.s('pub').median) ? 'in process' : lib.fmtSpread(r.s('pub')),
				Number.isNaN(r.s('pg').median) ? 'in process' : lib.fmtSpread(r.s('pg')),
				lib.fmt(r.s('p50').median, 2),
				lib.fmtSpread(r.s('p99'), 2),
				lib.fmt(r.s('p999').median, 2),
				`${lib.fmt(r.s('eld99').median)} / ${lib.fmt(Math.max(...r.runs.map((c) => c.eldMax)))}`,
				lib.fmt(r.runs[0].perEvent),
				`${lib.fmt(worst('delivered') * 100)}%${r.runs.some((c) => c.errors) ? ' (errors)' : ''}`
			];
		})
	);
	for (const v of VARIANTS)
		console.log(`${v}: p99 ≤ ${TARGET_P99_MS} ms up to ${knee(rows, v)} events/s`);
	console.log(`${lib.memory()}; ${lib.load()}`);
}

/** The highest step where the median p99 met the target and every event arrived. */
function knee(rows: Summary[], v: Variant): number {
	const ok = (r: Summary) =>
		r.s('p99').median <= TARGET_P99_MS && r.runs.every((c) => c.delivered === 1);
	return Math.max(0, ...rows.filter((r) => r.variant === v && ok(r)).map((r) => r.rate));
}

async function benchPglite() {
	const pglite = new PGlite();
	const database = await createDb({ pglite });
	const bus = await subscribe(database, (cb) => pglite.listen(BARE_CHANNEL, cb));
	const bare = (e: LiveEvent) =>
		pglite.query('select pg_notify($1, $2)', [BARE_CHANNEL, JSON.stringify(e)]);
	const publish = publishers(database, bare);
	const rows = await stepRates(async (v, rate) => ({
		errors: await openLoop(rate, rate * SECONDS, publish[v]),
		cpu: NaN
	}));
	await bus.stop();
	await database.close();
	report('PGlite (publisher, database and streams in one process on CPU 0)', rows);
	return rows;
}

async function benchPostgres(adminUrl: string) {
	const scratch = await lib.throwawayDatabase(adminUrl, 'relais_bench_live');
	const database = await createDb({ databaseUrl: scratch.url, poolSize: 2 });
	const sql = postgres(scratch.url, { max: 1, onnotice: () => {} });
	const watcher = lib.backendWatcher(adminUrl, scratch.name, 1);
	const child = fork(import.meta.filename, ['generator'], { stdio: 'inherit' });
	try {
		const bus = await subscribe(database, (cb) => sql.listen(BARE_CHANNEL, cb));
		await lib.ask(child, { kind: 'init', url: scratch.url });
		const rows = await stepRates(
			async (variant, rate) => lib.ask<Generated>(child, { kind: 'run', variant, rate }),
			watcher
		);
		await bus.stop();
		report(`PostgreSQL (streams on CPU 0; publisher process and server backends on CPU 1)`, rows);
		return rows;
	} finally {
		child.send({ kind: 'stop' });
		await sql.end();
		await database.close();
		await watcher.close();
		await scratch.drop();
	}
}

async function main() {
	console.log(lib.describeMachine());
	console.log(`server under test: ${lib.pin(0)}; seed ${SEED}; rates ${RATES.join(', ')} events/s`);
	const lite = await benchPglite();
	const url = process.env.DATABASE_URL;
	const pg = url ? await benchPostgres(url) : null;
	const at = 1000;
	const line = (name: string, rows: Summary[]) => {
		const [a, b] = VARIANTS.map((v) => rows.find((r) => r.rate === at && r.variant === v));
		if (!a || !b) return `${name}: no figures at ${at} events/s`;
		const p99 = `p99 ${lib.fmt(b.s('p99').median, 2)} vs ${lib.fmt(a.s('p99').median, 2)} ms`;
		return `${name} CPU/event ${lib.ratio(b.s('cpu'), a.s('cpu'))}, ${p99}, knee ${knee(rows, 'relais')} vs ${knee(rows, 'bare')} ev/s`;
	};
	const parts = [
		pg ? line('PostgreSQL', pg) : 'PostgreSQL not run (no DATABASE_URL)',
		line('PGlite', lite)
	];
	console.log(
		`\nheadline: Relais vs bare NOTIFY at ${at} events/s, ${STREAMS} streams — ${parts.join('; ')}`
	);
}

if (process.argv[2] === 'generator') {
	await generatorProcess();
} else {
	await main().catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
}
