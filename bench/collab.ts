// Collaboration at scale (`npm run bench:collab`, issue 4's benchmark). Three servers, each a
// child process pinned to CPU 0 (bench/collab-server.ts): a bare Hocuspocus, a bare y-websocket
// (@y/websocket-server) and the real Relais collaboration server (createCollabServer with session
// cookies, plan access, persistence and logging, on a throwaway PostgreSQL database). This process
// is the load generator, pinned to CPU 1 with the PostgreSQL backends: raw WebSocket clients
// (bench/collab-wire.ts), each from its own loopback address (127.1.x.y), open loop, latency from
// the intended send time of each keystroke to its arrival at every other client of the document.
// Scenarios (BENCH_ONLY=many,hot,memory,reconnect,persistence picks some):
//   many        — P plans × 2 editors typing 5 keystrokes/s with cursor (awareness) updates at 2 Hz
//   hot         — one plan, N clients, a tenth of them typing (same rates)
//   memory      — an idle connection on its own small plan: server RSS and heap per connection
//   reconnect   — R clients, the server restarts, time until every client is synced again
//   persistence — loading and storing a 1 MB plan: longest event-loop block (Relais only)
// Rounds alternate hocuspocus, y-websocket, relais (A B C A B C …) after a warm-up.
// BENCH_SCALE (default 1) scales the client counts, BENCH_MANY / BENCH_HOT (lists), BENCH_MEMORY,
// BENCH_RECONNECT set them outright; BENCH_ROUNDS / BENCH_SECONDS the rounds;
// BENCH_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres) the admin connection.
import { fork, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import * as Y from 'yjs';
import { hashToken, SESSION_COOKIE, SESSION_TTL } from '../src/lib/server/auth/sessions.ts';
import { createDb, migrate, tables, type Db } from '../src/lib/server/db/index.ts';
import { planDocumentName } from '../src/lib/shared/collab.ts';
import {
	addRow,
	meta,
	planSearchText,
	readRows,
	writeRichText,
	PLAN_SCHEMA_VERSION
} from '../src/lib/shared/plan-doc.ts';
import { applyStoredState, savedMessage } from '../server/collab/extensions/persistence.ts';
import { docFromState, versionText } from '../src/lib/server/plans/texts.ts';
import { stateParts } from '../server/collab/state-parts.ts';
import { VARIANTS, type Mark, type Variant } from './collab-server.ts';
import { checkEncoding, Client, makeTemplate, recorder, type Template } from './collab-wire.ts';
import * as lib from './lib.ts';

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ONLY = new Set(
	(process.env.BENCH_ONLY ?? 'many,hot,memory,reconnect,persistence').split(',')
);
const SEED = 0xc011ab;
const ORIGIN = 'http://bench.relais.test';
const KEYS_PER_S = 5;
const CURSOR_PER_S = 2;
const DRAIN_MS = 5000;
// After the last delivery, long enough for Hocuspocus's store debounce (2 s) to fire in the window.
const SETTLE_MS = 2500;
const scaled = (n: number) => Math.max(2, Math.round(n * SCALE));
/** A list from the environment (e.g. BENCH_MANY=100,500), else the default scaled. */
const steps = (name: string, defaults: number[]) =>
	process.env[name] ? process.env[name].split(',').map(Number) : defaults.map(scaled);
const MANY_STEPS = steps('BENCH_MANY', [100, 250, 500, 1000, 2000]);
const HOT_STEPS = steps('BENCH_HOT', [25, 50, 100, 200, 400]);
const MEMORY_CLIENTS = steps('BENCH_MEMORY', [1000])[0];
const RECONNECT_CLIENTS = steps('BENCH_RECONNECT', [5000])[0];
const BIG_PLAN_BYTES = 1024 * 1024;
const PLANS = Math.max(...MANY_STEPS, Math.ceil(RECONNECT_CLIENTS / 2), MEMORY_CLIENTS + 20);
const USERS = Math.max(
	2 * Math.max(...MANY_STEPS),
	RECONNECT_CLIENTS,
	Math.max(...HOT_STEPS),
	MEMORY_CLIENTS + 20
);

// ---- Data -----------------------------------------------------------------------------------

/** A small plan as a template makes it: meta, a summary paragraph, two goals, three actions. */
function smallPlan(): Y.Doc {
	const doc = new Y.Doc();
	doc.clientID = 1; // the same bytes in the database and in every client
	meta(doc).set('schemaVersion', PLAN_SCHEMA_VERSION);
	meta(doc).set('locale', 'en');
	writeRichText(doc, 'summary', [
		{ type: 'paragraph', text: 'Grow the partnership in the south-west region.' },
		{ type: 'bulletList', items: ['Joint webinar', 'Two reference customers'] }
	]);
	let n = 0;
	const id = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
	for (const title of ['Revenue 2027', 'Certified engineers']) {
		addRow(doc, 'goals', { id: id(), title, metric: '', target: '', current: '', due: '' });
	}
	for (const title of ['Kick-off meeting', 'Training plan', 'Quarterly review']) {
		addRow(doc, 'actions', { id: id(), title, ownerId: '', due: '', status: 'todo' });
	}
	return doc;
}

/** The small plan plus ~1 MB of summary paragraphs. */
function bigPlan(): Y.Doc {
	const doc = smallPlan();
	const rand = lib.seeded(SEED + 1);
	const words = ['partner', 'revenue', 'pipeline', 'renewal', 'training', 'region', 'customer'];
	const paragraph = () =>
		Array.from({ length: 60 }, () => words[Math.floor(rand() * words.length)]).join(' ');
	while (Y.encodeStateAsUpdate(doc).length < BIG_PLAN_BYTES) {
		writeRichText(
			doc,
			'summary',
			Array.from({ length: 100 }, () => ({ type: 'paragraph' as const, text: paragraph() }))
		);
	}
	return doc;
}

type World = { tokens: string[]; planIds: string[]; hotIds: string[]; bigId: string };

async function seed(db: Db, template: Template, big: Y.Doc): Promise<World> {
	const rand = lib.seeded(SEED);
	const host = { id: lib.seededUuid(rand), name: 'Bench host', kind: 'host' as const };
	await db.insert(tables.organisations).values(host);
	const tokens: string[] = [];
	const userIds: string[] = [];
	const expiresAt = new Date(Date.now() + SESSION_TTL);
	for (let i = 0; i < USERS; i += 500) {
		const users: (typeof tables.users.$inferInsert)[] = [];
		const sessions: (typeof tables.sessions.$inferInsert)[] = [];
		for (let j = i; j < Math.min(USERS, i + 500); j++) {
			const id = lib.seededUuid(rand);
			const token = lib.seededToken(rand);
			userIds.push(id);
			tokens.push(token);
			users.push({
				id,
				email: `editor${j}@bench.example`,
				name: `Editor ${j}`,
				locale: 'en',
				organisationId: host.id,
				role: 'admin'
			});
			sessions.push({ id: hashToken(token), userId: id, expiresAt });
		}
		await db.insert(tables.users).values(users);
		await db.insert(tables.sessions).values(sessions);
	}
	// Partner plans: one per partner company (a partner has at most one live plan).
	const total = PLANS + HOT_STEPS.length + 1;
	const planIds: string[] = [];
	for (let i = 0; i < total; i += 500) {
		const orgs: (typeof tables.organisations.$inferInsert)[] = [];
		const plans: (typeof tables.plans.$inferInsert)[] = [];
		const docs: (typeof tables.planDocuments.$inferInsert)[] = [];
		for (let j = i; j < Math.min(total, i + 500); j++) {
			const orgId = lib.seededUuid(rand);
			const planId = lib.seededUuid(rand);
			planIds.push(planId);
			orgs.push({ id: orgId, name: `Partner ${j}`, kind: 'partner', tier: 'gold' });
			plans.push({
				id: planId,
				kind: 'partner',
				partnerId: orgId,
				title: `Partner plan ${j}`,
				locale: 'en',
				ownerId: userIds[j % userIds.length],
				createdById: userIds[j % userIds.length]
			});
			const state = j === total - 1 ? Y.encodeStateAsUpdate(big) : template.update;
			const sv = j === total - 1 ? Y.encodeStateVector(big) : template.stateVector;
			docs.push({
				name: planDocumentName(planId, 'shared'),
				planId,
				document: 'shared',
				state: Buffer.from(state),
				stateVector: Buffer.from(sv),
				byteSize: state.length
			});
		}
		await db.insert(tables.organisations).values(orgs);
		await db.insert(tables.plans).values(plans);
		await db.insert(tables.planDocuments).values(docs);
	}
	return {
		tokens,
		planIds: planIds.slice(0, PLANS),
		hotIds: planIds.slice(PLANS, PLANS + HOT_STEPS.length),
		bigId: planIds[total - 1]
	};
}

// ---- Servers ----------------------------------------------------------------------------------

type Server = { variant: Variant; child: ChildProcess; port: number; exited: Promise<void> };

const SERVER_SCRIPT = new URL('./collab-server.ts', import.meta.url).pathname;

async function startServer(
	variant: Variant,
	databaseUrl: string,
	port = 0,
	eldResolutionMs?: number
): Promise<Server> {
	const child = fork(SERVER_SCRIPT, [], {
		// BENCH_SERVER_ARGS adds Node options to the servers (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
		execArgv: ['--expose-gc', ...(process.env.BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? [])],
		// Relais logs at `info` to stdout: kept (it is what production does), sent to /dev/null.
		stdio: ['ignore', 'ignore', 'inherit', 'ipc']
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const ready = await Promise.race([
		lib.ask<{ port: number }>(child, {
			kind: 'init',
			variant,
			databaseUrl,
			origin: ORIGIN,
			port,
			eldResolutionMs
		}),
		exited.then(() => {
			throw new Error(`the ${variant} server exited while starting (see its error above)`);
		})
	]);
	return { variant, child, port: ready.port, exited };
}

const mark = (s: Server) => lib.ask<Mark>(s.child, { kind: 'mark' });
const gcMark = (s: Server) => lib.ask<Mark>(s.child, { kind: 'gc' });

async function stopServer(s: Server): Promise<void> {
	s.child.send({ kind: 'stop' });
	await Promise.race([s.exited, sleep(15_000)]);
	if (s.child.exitCode === null) s.child.kill('SIGKILL');
}

// ---- Clients ----------------------------------------------------------------------------------

let world: World;
let template: Template;
let nextClientId = 10_000_000;
let nextAwarenessId = 1_000_000;
/** Each client its own source address, as people on their own machines: 127.1.0.1, 127.1.0.2 … */
let addressCounter = 0;
const nextAddress = () => {
	const i = ++addressCounter;
	return `127.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
};

function client(s: Server, planId: string, user: number): Client {
	const document = planDocumentName(planId, 'shared');
	const base = `ws://127.0.0.1:${s.port}`;
	const c = new Client({
		protocol: s.variant === 'ywebsocket' ? 'ywebsocket' : 'hocuspocus',
		url: s.variant.startsWith('relais')
			? `${base}/collab`
			: s.variant === 'ywebsocket'
				? `${base}/${document}`
				: base,
		document,
		template,
		headers: { cookie: `${SESSION_COOKIE}=${world.tokens[user]}`, origin: ORIGIN },
		localAddress: nextAddress(),
		name: `Editor ${user}`
	});
	c.awarenessId = nextAwarenessId++;
	return c;
}

/** Connects every client, `width` at a time; throws on the first refusal. */
async function connectAll(clients: Client[], width = 64): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < clients.length) {
			const c = clients[next++];
			for (let attempt = 0; ; attempt++) {
				try {
					await c.connect();
					break;
				} catch (error) {
					if (c.denied || attempt >= 5) throw error;
					await sleep(200 * (attempt + 1));
				}
			}
		}
	};
	await Promise.all(Array.from({ length: width }, worker));
}

// ---- One measured round -------------------------------------------------------------------------

type Room = { typists: Client[]; members: Client[] };

type Cell = {
	cpuPerUpdate: number;
	cpuPerMessage: number;
	updatesPerS: number;
	p50: number;
	p99: number;
	p999: number;
	eld99: number;
	eldMax: number;
	delivered: number;
	lagP99: number;
	genCpu: number;
	closes: number;
	rss: number;
};

/**
 * Open loop: every typist types KEYS_PER_S keystrokes/s and moves its cursor CURSOR_PER_S times/s,
 * phases spread evenly; latency from each keystroke's intended time to its arrival at each other
 * member of the room.
 */
/** Server CPU µs per wall ms with the clients connected and silent (timers, pings, monitors). */
const idleRate = new Map<Variant, number>();

async function round(s: Server, rooms: Room[], seconds: number): Promise<Cell> {
	const keys = Math.round(KEYS_PER_S * seconds);
	const cursors = Math.round(CURSOR_PER_S * seconds);
	const typists = rooms.flatMap((r) => r.typists);
	let expected = 0;
	for (const r of rooms) expected += r.typists.length * keys * (r.members.length - 1);
	for (const t of typists) t.newSession(nextClientId++, keys);
	recorder.reset(expected, expected);
	const done = new Promise<void>((resolve) => (recorder.onDone = resolve));
	// The schedule: (time µs from start, typist, kind) sorted by time.
	const n = typists.length * (keys + cursors);
	const at = new Float64Array(n);
	const who = new Int32Array(n);
	let k = 0;
	typists.forEach((_, i) => {
		const phase = (i / typists.length) * (1e6 / KEYS_PER_S);
		for (let j = 0; j < keys; j++) {
			at[k] = phase + (j * 1e6) / KEYS_PER_S;
			who[k++] = i * 2;
		}
		const cphase = (i / typists.length) * (1e6 / CURSOR_PER_S);
		for (let j = 0; j < cursors; j++) {
			at[k] = cphase + (j * 1e6) / CURSOR_PER_S;
			who[k++] = i * 2 + 1;
		}
	});
	const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => at[a] - at[b]);
	const lags = new Float64Array(n);
	const closes0 = rooms.reduce((sum, r) => sum + r.members.reduce((a, c) => a + c.closes, 0), 0);
	await mark(s);
	const gen0 = process.cpuUsage();
	const start = lib.nowUs() + 5000;
	recorder.from = start - 1;
	for (let i = 0; i < n;) {
		const now = lib.nowUs();
		while (i < n && start + at[order[i]] <= now) {
			const e = order[i];
			const t = typists[who[e] >> 1];
			if (who[e] & 1) t.sendAwareness();
			else t.type(start + at[e]);
			lags[i] = now - (start + at[e]);
			i++;
		}
		if (i < n) await sleep(Math.max(0, (start + at[order[i]] - lib.nowUs()) / 1000));
	}
	await Promise.race([done, sleep(DRAIN_MS)]);
	const gen = process.cpuUsage(gen0);
	await sleep(SETTLE_MS);
	const m = await mark(s);
	const lat = recorder.lat.slice(0, recorder.n).sort();
	const ms = (p: number) => lib.percentile(lat, p) / 1000;
	const closes =
		rooms.reduce((sum, r) => sum + r.members.reduce((a, c) => a + c.closes, 0), 0) - closes0;
	const updates = typists.length * keys;
	// Marginal cost: the idle cost of the open connections over the same wall time taken off.
	const cpuUs = m.cpuUs - (idleRate.get(s.variant) ?? 0) * m.wallMs;
	return {
		cpuPerUpdate: cpuUs / updates,
		cpuPerMessage: cpuUs / (updates + typists.length * cursors),
		updatesPerS: updates / seconds,
		p50: ms(50),
		p99: ms(99),
		p999: ms(99.9),
		eld99: m.eldP99,
		eldMax: m.eldMax,
		delivered: recorder.n / Math.max(1, expected),
		lagP99: lib.percentile(lags.sort(), 99) / 1000,
		genCpu: (gen.user + gen.system) / 1000 / ((m.wallMs - SETTLE_MS) / 1000),
		closes,
		rss: m.rss
	};
}

type Row = { step: number; variant: Variant; cells: Cell[] };
const pick = (r: Row, key: keyof Cell) => lib.spread(r.cells.map((c) => c[key]));

/** Warm-up, then ROUNDS rounds alternating the variants. */
async function alternate(
	servers: Server[],
	rooms: Map<Variant, Room[]>,
	step: number
): Promise<Row[]> {
	const idle: string[] = [];
	await sleep(3000);
	for (const s of servers) {
		// The quietest of three seconds: a neighbour's burst on this shared machine is not idle cost.
		let rate = Infinity;
		for (let i = 0; i < 3; i++) {
			await mark(s);
			await sleep(1000);
			const m = await mark(s);
			rate = Math.min(rate, m.cpuUs / m.wallMs);
		}
		idleRate.set(s.variant, rate);
		idle.push(`${s.variant} ${lib.fmt(rate)} ms/s`);
	}
	console.log(
		`${step}: idle server CPU with the clients connected (subtracted): ${idle.join(', ')}`
	);
	for (const s of servers) await round(s, rooms.get(s.variant)!, 1);
	const rows = servers.map((s) => ({ step, variant: s.variant, cells: [] as Cell[] }));
	for (let r = 0; r < ROUNDS; r++) {
		for (const [i, s] of servers.entries())
			rows[i].cells.push(await round(s, rooms.get(s.variant)!, SECONDS));
	}
	return rows;
}

function printRows(unit: string, rows: Row[]) {
	lib.printTable(
		[
			unit,
			'server',
			'upd/s in',
			'CPU µs/update',
			'vs hocuspocus',
			'CPU µs/msg',
			'p50 ms',
			'p99 ms',
			'p99.9 ms',
			'ELD p99/max ms',
			'delivered',
			'closes',
			'gen CPU ms/s',
			'gen lag p99 ms'
		],
		rows.map((r) => {
			const base = rows.find((b) => b.step === r.step && b.variant === 'hocuspocus')!;
			const cpu = pick(r, 'cpuPerUpdate');
			return [
				String(r.step),
				r.variant,
				lib.fmt(pick(r, 'updatesPerS').median, 0),
				lib.fmtSpread(cpu),
				r === base ? '–' : lib.ratio(cpu, pick(base, 'cpuPerUpdate')),
				lib.fmt(pick(r, 'cpuPerMessage').median),
				lib.fmt(pick(r, 'p50').median, 2),
				lib.fmtSpread(pick(r, 'p99'), 1),
				lib.fmt(pick(r, 'p999').median, 1),
				`${lib.fmt(pick(r, 'eld99').median)} / ${lib.fmt(Math.max(...r.cells.map((c) => c.eldMax)))}`,
				`${lib.fmt(Math.min(...r.cells.map((c) => c.delivered)) * 100)}%`,
				String(r.cells.reduce((a, c) => a + c.closes, 0)),
				lib.fmt(pick(r, 'genCpu').median, 0),
				lib.fmt(pick(r, 'lagP99').median, 1)
			];
		})
	);
}

// ---- Scenarios ----------------------------------------------------------------------------------

async function withServers<T>(url: string, run: (servers: Server[]) => Promise<T>): Promise<T> {
	const servers: Server[] = [];
	try {
		for (const v of VARIANTS) servers.push(await startServer(v, url));
		return await run(servers);
	} finally {
		await Promise.all(servers.map(stopServer));
	}
}

async function many(url: string): Promise<Row[]> {
	console.log(
		`\n## Many plans: 2 editors per plan, ${KEYS_PER_S} keystrokes/s + cursor ${CURSOR_PER_S} Hz each; ${ROUNDS} rounds × ${SECONDS} s; median [min–max]`
	);
	const all: Row[] = [];
	await withServers(url, async (servers) => {
		for (const plans of MANY_STEPS) {
			const rooms = new Map<Variant, Room[]>();
			for (const s of servers) {
				const list: Room[] = [];
				for (let p = 0; p < plans; p++) {
					const members = [
						client(s, world.planIds[p], 2 * p),
						client(s, world.planIds[p], 2 * p + 1)
					];
					list.push({ typists: members, members });
				}
				const t0 = performance.now();
				await connectAll(list.flatMap((r) => r.members));
				console.log(
					`${s.variant}: ${plans * 2} clients connected and synced in ${lib.fmt((performance.now() - t0) / 1000, 1)} s`
				);
				rooms.set(s.variant, list);
			}
			all.push(...(await alternate(servers, rooms, plans)));
			for (const list of rooms.values()) for (const r of list) for (const c of r.members) c.close();
			await sleep(1000);
		}
	});
	printRows('plans', all);
	return all;
}

async function hot(url: string): Promise<Row[]> {
	console.log(
		`\n## One hot plan: N clients, a tenth typing ${KEYS_PER_S} keystrokes/s + cursor ${CURSOR_PER_S} Hz; ${ROUNDS} rounds × ${SECONDS} s`
	);
	const all: Row[] = [];
	await withServers(url, async (servers) => {
		for (const [i, size] of HOT_STEPS.entries()) {
			const rooms = new Map<Variant, Room[]>();
			for (const s of servers) {
				const members = Array.from({ length: size }, (_, u) => client(s, world.hotIds[i], u));
				await connectAll(members);
				rooms.set(s.variant, [{ members, typists: members.slice(0, Math.ceil(size / 10)) }]);
			}
			all.push(...(await alternate(servers, rooms, size)));
			for (const list of rooms.values()) for (const r of list) for (const c of r.members) c.close();
			await sleep(1000);
		}
	});
	printRows('clients', all);
	return all;
}

type MemoryRow = { variant: Variant; rss: number[]; heap: number[]; external: number[] };

async function memory(url: string): Promise<MemoryRow[]> {
	const n = MEMORY_CLIENTS;
	console.log(
		`\n## Memory: ${n} idle clients, each on its own small plan (fresh server each round)`
	);
	const rows = VARIANTS.map(
		(variant) => ({ variant, rss: [], heap: [], external: [] }) as MemoryRow
	);
	for (let r = 0; r < Math.min(ROUNDS, 3); r++) {
		for (const row of rows) {
			const s = await startServer(row.variant, url);
			try {
				// Warm-up (database pool, prepared statements, JIT) on other plans, then the baseline.
				const warm = Array.from({ length: 20 }, (_, i) => client(s, world.planIds[n + i], n + i));
				await connectAll(warm);
				for (const c of warm) c.close();
				await sleep(1000);
				const base = await gcMark(s);
				const clients = Array.from({ length: n }, (_, i) => client(s, world.planIds[i], i));
				await connectAll(clients);
				await sleep(500);
				const after = await gcMark(s);
				row.rss.push((after.rss - base.rss) / n / 1024);
				row.heap.push((after.heapUsed - base.heapUsed) / n / 1024);
				row.external.push((after.external - base.external) / n / 1024);
				for (const c of clients) c.close();
			} finally {
				await stopServer(s);
			}
		}
	}
	lib.printTable(
		['server', 'RSS KiB/conn+plan', 'heap KiB/conn+plan', 'buffers KiB/conn+plan'],
		rows.map((r) => [
			r.variant,
			lib.fmtSpread(lib.spread(r.rss)),
			lib.fmtSpread(lib.spread(r.heap)),
			lib.fmtSpread(lib.spread(r.external))
		])
	);
	return rows;
}

type ReconnectRow = {
	variant: Variant;
	fromStop: number[];
	fromReady: number[];
	failed: number[];
	storm: number[];
};

/** HocuspocusProvider's reconnect policy: at once, then 1 s × 2ⁿ with jitter, at most 30 s. */
function reconnect(c: Client, onSynced: () => void, deadline: number): void {
	let attempt = 0;
	const tryOnce = async () => {
		while (performance.now() < deadline) {
			try {
				await c.connect();
				onSynced();
				return;
			} catch {
				attempt++;
				const max = Math.min(30_000, 1000 * 2 ** attempt);
				await sleep(1000 + Math.random() * (max - 1000));
			}
		}
	};
	void tryOnce();
}

async function restart(url: string): Promise<ReconnectRow[]> {
	const n = RECONNECT_CLIENTS;
	console.log(`\n## Reconnects: ${n} clients on ${Math.ceil(n / 2)} plans, server restarted`);
	const rows = VARIANTS.map(
		(variant) => ({ variant, fromStop: [], fromReady: [], failed: [], storm: [] }) as ReconnectRow
	);
	for (let r = 0; r < Math.min(ROUNDS, 2); r++) {
		for (const row of rows) {
			let s = await startServer(row.variant, url);
			const clients = Array.from({ length: n }, (_, i) => client(s, world.planIds[i >> 1], i));
			await connectAll(clients);
			let synced = 0;
			let all: () => void = () => {};
			const everyone = new Promise<void>((resolve) => (all = resolve));
			const stop0 = performance.now();
			const deadline = stop0 + 60_000;
			// Each client starts reconnecting as soon as its socket closes, as a provider does.
			for (const c of clients) {
				c.ws?.once('close', () => {
					c.ws = null;
					reconnect(c, () => ++synced === n && all(), deadline);
				});
			}
			await stopServer(s);
			s = await startServer(row.variant, url, s.port);
			const ready = performance.now();
			await Promise.race([everyone, sleep(Math.max(0, deadline - performance.now()))]);
			const end = performance.now();
			row.fromStop.push((end - stop0) / 1000);
			row.fromReady.push((end - ready) / 1000);
			row.failed.push(n - synced);
			// The storm alone: everyone gone (documents stored and unloaded), then all of them back
			// at once, 1,000 handshakes in flight: the server's side of a restart, without backoff.
			for (const c of clients) c.close();
			await sleep(3000);
			const storm0 = performance.now();
			await connectAll(clients, 1000).catch((error: unknown) => console.error(error));
			row.storm.push((performance.now() - storm0) / 1000);
			for (const c of clients) c.close();
			await stopServer(s);
		}
	}
	lib.printTable(
		[
			'server',
			'all synced after stop, s',
			'after new server ready, s',
			'not synced at 60 s',
			'storm: all at once, s'
		],
		rows.map((r) => [
			r.variant,
			lib.fmtSpread(lib.spread(r.fromStop)),
			lib.fmtSpread(lib.spread(r.fromReady)),
			String(Math.max(...r.failed)),
			lib.fmtSpread(lib.spread(r.storm))
		])
	);
	return rows;
}

type PersistenceResult = {
	bytes: number;
	loaded: number;
	loadBlock: number[];
	storeBlock: number[];
	loadGc: number[];
	storeGc: number[];
	/** CPU ms of each synchronous stretch Relais runs, by name. */
	parts: Map<string, number[]>;
};

/** CPU time (not wall: this machine is shared) of one synchronous call, in ms. */
function cpuMs<T>(f: () => T): [T, number] {
	const c0 = process.cpuUsage();
	const out = f();
	const c = process.cpuUsage(c0);
	return [out, (c.user + c.system) / 1000];
}

/**
 * The synchronous stretches of a load and a store, as server/collab/extensions/persistence.ts and
 * Hocuspocus run them between two awaits (each one blocks the event loop for its whole length).
 */
function synchronousParts(state: Uint8Array, parts: Map<string, number[]>) {
	const add = (name: string, ms: number) => parts.set(name, [...(parts.get(name) ?? []), ms]);
	const doc = new Y.Doc();
	// Hocuspocus listens to every document's updates: Yjs encodes each transaction for it.
	doc.on('update', () => {});
	// onLoadDocument, after the row arrives: the worker cuts the state into parts (state-parts.ts)
	// that this thread applies a turn apart (without the update event, applyStoredState); then the
	// snapshot and `saved` message.
	const pieces = stateParts(docFromState(state));
	add(
		`load: the longest of ${pieces.length} parts (applyStoredState, a turn apart)`,
		Math.max(...pieces.map((piece) => cpuMs(() => applyStoredState(doc, piece, null))[1]))
	);
	add(
		'load: snapshot + saved message (onLoadDocument, next turn)',
		cpuMs(() => savedMessage(Y.snapshot(doc), new Date()))[1]
	);
	// Hocuspocus's answer to the client's sync step 1 (it holds the template).
	add(
		'load: sync step 2 for a client (encodeStateAsUpdate; in the worker at this size)',
		cpuMs(() => Y.encodeStateAsUpdate(doc, template.stateVector))[1]
	);
	// onStoreDocument before its first await: the snapshot (the state is encoded by the worker).
	const text = (doc.getXmlFragment('summary').get(0) as Y.XmlElement).get(0) as Y.XmlText;
	text.insert(text.length, 'x');
	add('store: snapshot (onStoreDocument)', cpuMs(() => Y.snapshot(doc))[1]);
	add(
		'store: encode state (in the worker at this size)',
		cpuMs(() => Y.encodeStateAsUpdate(doc))[1]
	);
	// afterPlanStored (src/lib/server/plans/store.ts): the actions, then the search text.
	add('store: readRows(actions) (mirrorPlanActions)', cpuMs(() => readRows(doc, 'actions'))[1]);
	add(
		'store: planSearchText (refreshPlanSearch; in the worker at this size)',
		cpuMs(() => planSearchText(doc))[1]
	);
	// An automatic version (src/lib/server/plans/versions.ts createVersion): the text of the previous
	// version's state, then (next turn) of the stored one, each decoded into a document of its own.
	add(
		'store: text of one version (createVersion, twice; in the worker at this size)',
		cpuMs(() => versionText(docFromState(state)))[1]
	);
	doc.destroy();
}

async function persistence(url: string, big: Y.Doc): Promise<PersistenceResult> {
	const state = Y.encodeStateAsUpdate(big);
	console.log(
		`\n## Persistence: a ${lib.fmt(state.length / 1024, 0)} KiB plan (${big.getXmlFragment('summary').length} paragraphs), loaded and stored by Relais`
	);
	const result: PersistenceResult = {
		bytes: state.length,
		loaded: 0,
		loadBlock: [],
		storeBlock: [],
		loadGc: [],
		storeGc: [],
		parts: new Map()
	};
	for (let r = 0; r < ROUNDS + 1; r++) {
		const parts = new Map<string, number[]>();
		synchronousParts(state, r === 0 ? parts : result.parts); // the first is a warm-up
	}
	// A 1 ms monitor: a block of B ms reads as B to B + 1 ms (at 10 ms it read up to 10 ms long).
	const s = await startServer('relais', url, 0, 1);
	try {
		// A warm-up round first (not counted: the first decode of a large plan compiles its paths).
		for (let r = -1; r < ROUNDS; r++) {
			// Relais: open it (onLoadDocument reads the row and applies it), then one keystroke and
			// close: the last connection leaving stores it (onStoreDocument) and unloads it.
			await mark(s);
			const c = client(s, world.bigId, 0);
			await connectAll([c]);
			result.loaded = c.syncedBytes;
			const load = await mark(s);
			c.newSession(nextClientId++, 1);
			c.type(lib.nowUs());
			await sleep(300);
			c.close();
			await sleep(3000);
			const store = await mark(s);
			const round = r < 0 ? 'warm-up' : `round ${r + 1}`;
			console.log(
				`${round}: loading blocked ${lib.fmt(load.eldMax)} ms (longest GC pause ${lib.fmt(load.gcMaxMs)} ms, ${load.gcMaxKind || '–'}), storing ${lib.fmt(store.eldMax)} ms (GC ${lib.fmt(store.gcMaxMs)} ms, ${store.gcMaxKind || '–'})`
			);
			if (r < 0) continue;
			result.loadBlock.push(load.eldMax);
			result.storeBlock.push(store.eldMax);
			result.loadGc.push(load.gcMaxMs);
			result.storeGc.push(store.gcMaxMs);
		}
	} finally {
		await stopServer(s);
	}
	lib.printTable(
		['what', 'ms, median [min–max]'],
		[
			[
				`Relais server, longest event-loop block while loading (1 ms monitor; client synced ${lib.fmt(result.loaded / 1024, 0)} KiB; wall clock)`,
				lib.fmtSpread(lib.spread(result.loadBlock))
			],
			[
				'Relais server, longest event-loop block while storing (1 ms monitor; last client leaves; wall clock)',
				lib.fmtSpread(lib.spread(result.storeBlock))
			],
			['Relais server, longest GC pause while loading', lib.fmtSpread(lib.spread(result.loadGc))],
			['Relais server, longest GC pause while storing', lib.fmtSpread(lib.spread(result.storeGc))],
			...[...result.parts].map(([name, ms]) => [`CPU of ${name}`, lib.fmtSpread(lib.spread(ms))])
		]
	);
	return result;
}

// ---- Main ------------------------------------------------------------------------------------

function versions(): string {
	const v = (name: string) =>
		(JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string })
			.version;
	return ['@hocuspocus/server', '@y/websocket-server', 'yjs', 'y-protocols', 'ws', 'postgres']
		.map((n) => `${n} ${v(n)}`)
		.join(', ');
}

async function main() {
	console.log(lib.describeMachine());
	console.log(versions());
	console.log(
		`load generator: ${lib.pin(1)}; servers: CPU 0 (one child process each); ${lib.load()}; scale ${SCALE}, ${ROUNDS} rounds × ${SECONDS} s`
	);
	const small = smallPlan();
	template = makeTemplate(small);
	checkEncoding(template);
	const big = bigPlan();
	const scratch = await lib.throwawayDatabase(ADMIN_URL, 'relais_bench_collab');
	// Interrupted: still drop the throwaway database (the server children exit with us).
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => void scratch.drop().finally(() => process.exit(130)));
	}
	const watcher = lib.backendWatcher(ADMIN_URL, scratch.name, 1);
	const eld = monitorEventLoopDelay({ resolution: 10 });
	try {
		const database = await createDb({ databaseUrl: scratch.url });
		await migrate(database);
		const t0 = performance.now();
		world = await seed(database.db, template, big);
		await database.close();
		console.log(
			`seeded ${USERS} users with sessions, ${world.planIds.length + world.hotIds.length + 1} plans in ${lib.fmt((performance.now() - t0) / 1000, 1)} s`
		);
		// Pin PostgreSQL backends as they appear.
		const pinner = setInterval(() => void watcher.sample(), 1000);
		eld.enable();
		const headline: string[] = [];
		if (ONLY.has('many')) {
			const rows = await many(scratch.url);
			const target = MANY_STEPS.find((p) => p * 2 * KEYS_PER_S >= 5000 * SCALE) ?? MANY_STEPS[0];
			const at = (v: Variant) => rows.find((r) => r.step === target && r.variant === v)!;
			headline.push(
				`many plans at ${target}: Relais CPU/update ${lib.ratio(pick(at('relais'), 'cpuPerUpdate'), pick(at('hocuspocus'), 'cpuPerUpdate'))} bare Hocuspocus (target ≤ ×1.3), p99 ${lib.fmt(pick(at('relais'), 'p99').median, 1)} ms (target < 10)`
			);
		}
		if (ONLY.has('hot')) {
			const rows = await hot(scratch.url);
			const p99 = (size: number) => {
				const r = rows.find((x) => x.step === size && x.variant === 'relais');
				return r
					? `${lib.fmt(pick(r, 'p99').median, 0)} ms, ${r.cells.reduce((a, c) => a + c.closes, 0)} closes`
					: '–';
			};
			headline.push(
				`hot plan p99 ${HOT_STEPS.map((n) => `at ${n}: ${p99(n)}`).join(', ')} (target < 250 ms at 200, < 1 s at 400)`
			);
		}
		if (ONLY.has('memory')) {
			const rows = await memory(scratch.url);
			const relais = rows.find((r) => r.variant === 'relais')!;
			headline.push(
				`memory ${lib.fmt(lib.spread(relais.rss).median)} KiB RSS per idle connection + plan (target < 40)`
			);
		}
		if (ONLY.has('reconnect')) {
			const rows = await restart(scratch.url);
			const relais = rows.find((r) => r.variant === 'relais')!;
			headline.push(
				`${RECONNECT_CLIENTS} reconnects all synced ${lib.fmt(lib.spread(relais.fromStop).median)} s after the stop with the provider's backoff, ${lib.fmt(lib.spread(relais.storm).median)} s all at once (target < 30 s)`
			);
		}
		if (ONLY.has('persistence')) {
			const p = await persistence(scratch.url, big);
			headline.push(
				`1 MB plan: longest event-loop block ${lib.fmt(lib.spread(p.loadBlock).median)} ms median (${lib.fmt(Math.max(...p.loadBlock))} worst round) loading, ${lib.fmt(lib.spread(p.storeBlock).median)} ms (${lib.fmt(Math.max(...p.storeBlock))}) storing (target < 20)`
			);
		}
		clearInterval(pinner);
		eld.disable();
		console.log(
			`\nload generator: ELD p99 ${lib.fmt(eld.percentile(99) / 1e6)} ms, max ${lib.fmt(eld.max / 1e6)} ms; ${lib.memory()}; PostgreSQL backends ${watcher.where()}; ${lib.load()}`
		);
		console.log(`\nheadline: ${headline.join('; ')}`);
	} finally {
		await watcher.close();
		await scratch.drop();
	}
}

await main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
