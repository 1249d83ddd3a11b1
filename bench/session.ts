// What Relais adds on every signed-in request: validateSessionToken (regex, SHA-256, a drizzle join
// of sessions, users and organisations, the checks) against the same look-up as one raw SQL
// statement through the bare driver. `npm run bench:session`; PostgreSQL too when DATABASE_URL is
// set (an admin URL: a throwaway database is created and dropped). See docs/performance.md.
import { PGlite, types } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import postgres from 'postgres';
import { hashToken, SESSION_TTL, validateSessionToken } from '../src/lib/server/auth/sessions.ts';
import { createDb, migrate, tables, type Db } from '../src/lib/server/db/index.ts';
import { HOST_ROLES, PARTNER_ROLES, TIERS } from '../src/lib/shared/enums.ts';
import * as lib from './lib.ts';

const SEED = 0x5e55;
const USERS = 1000;
const HOST_USERS = 100;
const PARTNERS = 20;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 4000);
const WARMUP = 2000;

// The join validateSessionToken asks drizzle for, written by hand.
const LOOKUP_SQL = `select s.id, s.user_id, s.expires_at, u.id as uid, u.email, u.name, u.locale,
	u.role, u.organisation_id, u.team_id, u.region_id, u.active, o.kind, o.name as org_name, o.status
	from sessions s join users u on u.id = s.user_id join organisations o on o.id = u.organisation_id
	where s.id = $1`;

type Row = { expires_at: Date; active: boolean; status: string };
type Variant = { name: string; lookup(token: string): Promise<boolean> };
type Result = { name: string; wall: lib.Spread; cpu: lib.Spread; pg: lib.Spread };

// The bare way to hash a token: Node's own SHA-256 (Relais uses @oslojs/crypto's, in JavaScript).
const sha256Hex = (token: string) => createHash('sha256').update(token).digest('hex');
const valid = (row: Row | undefined) =>
	!!row && row.expires_at.getTime() > Date.now() && row.active && row.status === 'active';

/** 1 host, 20 partners, 1,000 users each with a live session (renewal never due during the run). */
async function seed(db: Db): Promise<string[]> {
	const rand = lib.seeded(SEED);
	const host = { id: lib.seededUuid(rand), name: 'Bench host', kind: 'host' as const };
	const partners = Array.from({ length: PARTNERS }, (_, i) => ({
		id: lib.seededUuid(rand),
		name: `Bench partner ${i + 1}`,
		kind: 'partner' as const,
		tier: TIERS[i % TIERS.length]
	}));
	await db.insert(tables.organisations).values([host, ...partners]);
	const tokens: string[] = [];
	const users: (typeof tables.users.$inferInsert)[] = [];
	const sessions: (typeof tables.sessions.$inferInsert)[] = [];
	const expiresAt = new Date(Date.now() + SESSION_TTL);
	for (let i = 0; i < USERS; i++) {
		const inHost = i < HOST_USERS;
		const id = lib.seededUuid(rand);
		users.push({
			id,
			email: `user${i}@bench.example`,
			name: `Bench user ${i}`,
			locale: i % 2 ? 'en' : 'fr',
			organisationId: inHost ? host.id : partners[i % PARTNERS].id,
			role: inHost ? HOST_ROLES[i % HOST_ROLES.length] : PARTNER_ROLES[i % 5 ? 1 : 0]
		});
		const token = lib.seededToken(rand);
		tokens.push(token);
		sessions.push({ id: hashToken(token), userId: id, expiresAt });
	}
	for (let i = 0; i < USERS; i += 250) {
		await db.insert(tables.users).values(users.slice(i, i + 250));
		await db.insert(tables.sessions).values(sessions.slice(i, i + 250));
	}
	return tokens;
}

const relais = (db: Db): Variant => ({
	name: 'Relais validateSessionToken',
	lookup: async (token) => (await validateSessionToken(db, token)).user !== null
});

/**
 * Not Relais: the same drizzle select built once with `.prepare()` (a named statement on
 * postgres.js), to size what preparing the look-up would save. Reported, not applied.
 */
function drizzlePrepared(db: Db): Variant {
	const { sessions: s, users: u, organisations: o } = tables;
	const query = db
		.select({
			session: { id: s.id, userId: s.userId, expiresAt: s.expiresAt },
			user: {
				id: u.id,
				email: u.email,
				name: u.name,
				locale: u.locale,
				role: u.role,
				organisationId: u.organisationId,
				teamId: u.teamId,
				regionId: u.regionId,
				active: u.active
			},
			organisation: { kind: o.kind, name: o.name, status: o.status }
		})
		.from(s)
		.innerJoin(u, eq(s.userId, u.id))
		.innerJoin(o, eq(u.organisationId, o.id))
		.where(eq(s.id, sql.placeholder('id')))
		.prepare('bench_session_lookup');
	return {
		name: 'drizzle .prepare() (candidate fix)',
		lookup: async (token) => {
			const [row] = await query.execute({ id: hashToken(token) });
			return valid(
				row && {
					expires_at: row.session.expiresAt,
					active: row.user.active,
					status: row.organisation.status
				}
			);
		}
	};
}

async function runRound(
	variant: Variant,
	tokens: string[],
	order: number[],
	watcher?: lib.BackendWatcher
) {
	const before = await watcher?.sample();
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	for (const i of order) {
		if (!(await variant.lookup(tokens[i]))) throw new Error(`${variant.name} lost a session`);
	}
	const wallUs = ((performance.now() - t0) * 1000) / order.length;
	const cpu = process.cpuUsage(cpu0);
	const after = await watcher?.sample();
	const pgUs = before && after ? watcher!.cpuUs(before, after) / order.length : NaN;
	return { wallUs, cpuUs: (cpu.user + cpu.system) / order.length, pgUs };
}

/** Warm-up, then A B (C) A B (C) … for ROUNDS rounds of LOOKUPS look-ups each. */
async function compare(variants: Variant[], tokens: string[], watcher?: lib.BackendWatcher) {
	const rand = lib.seeded(SEED + 1);
	const order = Array.from({ length: LOOKUPS }, () => Math.floor(rand() * tokens.length));
	for (const v of variants) await runRound(v, tokens, order.slice(0, WARMUP));
	const runs = variants.map(() => ({
		wall: [] as number[],
		cpu: [] as number[],
		pg: [] as number[]
	}));
	for (let r = 0; r < ROUNDS; r++) {
		for (const [k, v] of variants.entries()) {
			const { wallUs, cpuUs, pgUs } = await runRound(v, tokens, order, watcher);
			runs[k].wall.push(wallUs);
			runs[k].cpu.push(cpuUs);
			runs[k].pg.push(pgUs);
		}
	}
	return variants.map((v, k): Result => ({
		name: v.name,
		wall: lib.spread(runs[k].wall),
		cpu: lib.spread(runs[k].cpu),
		pg: lib.spread(runs[k].pg)
	}));
}

function report(driver: string, results: Result[]) {
	const base = results[0];
	console.log(`\n${driver}: µs per look-up, median [min–max] of ${ROUNDS} rounds × ${LOOKUPS}`);
	lib.printTable(
		['variant', 'wall µs', 'Node CPU µs', 'PostgreSQL CPU µs', 'wall vs raw', 'CPU vs raw'],
		results.map((r) => [
			r.name,
			lib.fmtSpread(r.wall),
			lib.fmtSpread(r.cpu),
			Number.isNaN(r.pg.median) ? 'in process' : lib.fmtSpread(r.pg),
			r === base ? '–' : lib.ratio(r.wall, base.wall),
			r === base ? '–' : lib.ratio(r.cpu, base.cpu)
		])
	);
	console.log(`${lib.memory()}; ${lib.load()}`);
}

async function benchPglite(): Promise<Result[]> {
	const pglite = new PGlite();
	const database = await createDb({ pglite });
	try {
		await migrate(database);
		const tokens = await seed(database.db);
		const raw: Variant = {
			name: 'raw SQL (pglite.query)',
			lookup: async (token) =>
				valid((await pglite.query<Row>(LOOKUP_SQL, [sha256Hex(token)])).rows[0])
		};
		// drizzle's PGlite driver passes `parsers` with every query, and PGlite then copies its
		// whole parser table for that query: this row sizes that copy on its own.
		const parsers = { parsers: { [types.TIMESTAMPTZ]: (v: string) => new Date(v) } };
		const withParsers: Variant = {
			name: 'raw SQL + a parsers option',
			lookup: async (token) =>
				valid((await pglite.query<Row>(LOOKUP_SQL, [sha256Hex(token)], parsers)).rows[0])
		};
		const variants = [raw, withParsers, relais(database.db), drizzlePrepared(database.db)];
		const results = await compare(variants, tokens);
		report('PGlite (in process, CPU 0)', results);
		return results;
	} finally {
		await database.close();
	}
}

async function benchPostgres(adminUrl: string): Promise<Result[]> {
	const scratch = await lib.throwawayDatabase(adminUrl, 'relais_bench_session');
	const database = await createDb({ databaseUrl: scratch.url });
	const bare = postgres(scratch.url, { max: 10, onnotice: () => {} });
	const watcher = lib.backendWatcher(adminUrl, scratch.name, 1);
	try {
		await migrate(database);
		const tokens = await seed(database.db);
		const prepared: Variant = {
			name: 'raw SQL (postgres.js sql``)',
			lookup: async (token) => {
				const id = sha256Hex(token);
				const [row] = await bare<Row[]>`select s.id, s.user_id, s.expires_at, u.id as uid,
					u.email, u.name, u.locale, u.role, u.organisation_id, u.team_id, u.region_id,
					u.active, o.kind, o.name as org_name, o.status
					from sessions s join users u on u.id = s.user_id
					join organisations o on o.id = u.organisation_id where s.id = ${id}`;
				return valid(row);
			}
		};
		// drizzle sends its queries through sql.unsafe without `prepare`: an unnamed statement,
		// parsed and planned again each time. This row separates that from drizzle's own cost.
		const unprepared: Variant = {
			name: 'raw SQL, unprepared (sql.unsafe)',
			lookup: async (token) => valid((await bare.unsafe<Row[]>(LOOKUP_SQL, [sha256Hex(token)]))[0])
		};
		const variants = [prepared, unprepared, relais(database.db), drizzlePrepared(database.db)];
		const results = await compare(variants, tokens, watcher);
		report(`PostgreSQL (server backends on ${watcher.where()})`, results);
		return results;
	} finally {
		await bare.end();
		await database.close();
		await watcher.close();
		await scratch.drop();
	}
}

/** The hash alone, CPU only: @oslojs/crypto's SHA-256 against node:crypto's, alternating. */
function hashRounds() {
	const rand = lib.seeded(SEED + 2);
	const tokens = Array.from({ length: 1000 }, () => lib.seededToken(rand));
	const time = (f: (t: string) => string) => {
		const t0 = process.cpuUsage();
		for (let k = 0; k < 20; k++) for (const t of tokens) f(t);
		const d = process.cpuUsage(t0);
		return (d.user + d.system) / (20 * tokens.length);
	};
	time(hashToken);
	time(sha256Hex);
	const oslo: number[] = [];
	const node: number[] = [];
	for (let r = 0; r < ROUNDS; r++) {
		node.push(time(sha256Hex));
		oslo.push(time(hashToken));
	}
	const [a, b] = [lib.spread(node), lib.spread(oslo)];
	console.log('\nSHA-256 of one token, CPU µs per call, median [min–max]');
	lib.printTable(
		['implementation', 'CPU µs', 'vs node:crypto'],
		[
			['node:crypto createHash', lib.fmtSpread(a, 2), '–'],
			['@oslojs/crypto (hashToken)', lib.fmtSpread(b, 2), lib.ratio(b, a)]
		]
	);
}

async function main() {
	console.log(lib.describeMachine());
	console.log(`process under test: ${lib.pin(0)}; seed ${SEED}, ${USERS} users with sessions`);
	const lite = await benchPglite();
	const url = process.env.DATABASE_URL;
	const pg = url ? await benchPostgres(url) : null;
	hashRounds();
	const headline = (name: string, r: Result[]) => {
		const ours = r.find((x) => x.name.startsWith('Relais'))!;
		const server = Number.isNaN(ours.pg.median)
			? ''
			: `, server CPU ${lib.ratio(ours.pg, r[0].pg)}`;
		return `${name} Node CPU ${lib.ratio(ours.cpu, r[0].cpu)}${server}, wall ${lib.ratio(ours.wall, r[0].wall)}`;
	};
	console.log(
		`\nheadline: validateSessionToken vs raw SQL — ${[
			pg ? headline('PostgreSQL', pg) : 'PostgreSQL not run (no DATABASE_URL)',
			headline('PGlite', lite)
		].join('; ')}`
	);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
