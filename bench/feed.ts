// The partner feed at scale (`npm run bench:feed`): 1,000 channels, 1,000,000 posts (+ comments and
// reactions), 5,000 people in a throwaway PostgreSQL database (bench/feed-data.ts).
// 1. Timeline pages: Relais (src/lib/server/feed timeline(), as the page load calls it: the posts
//    query + its batched channel, comment, people, reaction and attachment queries) against the same
//    page's SQL written by hand and run raw through postgres.js, alternating A B, for a host rep and
//    a partner person, first page and next page (cursor). Node and PostgreSQL CPU per page.
// 2. Fan-out: a real server process (server/index.ts with the feed's live routes:
//    tests/support/feed-live-handler.ts) on CPU 0, 500 SSE listeners on GET /api/events in this
//    process on CPU 1; posts through POST /api/feed/posts at a fixed rate (announcements: every
//    listener receives them), latency from the intended send time until every listener has the
//    event; baseline: a bare pg_notify of an equal event through the same server.
// BENCH_ADMIN_URL (or DATABASE_URL) is the admin connection, BENCH_SCALE scales the posts.
import http from 'node:http';
import { resolve as resolvePath } from 'node:path';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import type { Actor } from '../src/lib/server/access/actor.ts';
import { hashToken } from '../src/lib/server/auth/sessions.ts';
import { createDb, migrate, type Db } from '../src/lib/server/db/index.ts';
import { timeline } from '../src/lib/server/feed/index.ts';
import { builtAppServes, spawnRelais } from '../tests/support/process.ts';
import {
	generate,
	hostUserId,
	HOST_USERS,
	partnerId,
	partnerUserId,
	PARTNERS
} from './feed-data.ts';
import * as lib from './lib.ts';

const ADMIN_URL =
	process.env.BENCH_ADMIN_URL ??
	process.env.DATABASE_URL ??
	'postgres://postgres@127.0.0.1:5432/postgres';
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 40);
const LISTENERS = Number(process.env.BENCH_LISTENERS ?? 500);
const FANOUT_RATE = Number(process.env.BENCH_FANOUT_RATE ?? 5);
const FANOUT_PER_ROUND = Number(process.env.BENCH_FANOUT_PER_ROUND ?? 20);
const TARGET_PAGE_P99_MS = 30;
const TARGET_PAGE_RATIO = 1.5;
const TARGET_FANOUT_P99_MS = 200;
const scale = { posts: Math.round(1_000_000 * SCALE), comments: Math.round(200_000 * SCALE) };

// A host rep (no left channels among the first ones) and a partner person of partner 42.
const rep: Actor = {
	id: hostUserId(100),
	role: 'rep',
	organisationId: '00000000-0000-4000-8000-000000000000',
	organisationKind: 'host'
};
const partnerPerson: Actor = {
	id: partnerUserId(42 + PARTNERS),
	role: 'partner_member',
	organisationId: partnerId(42),
	organisationKind: 'partner'
};

// ---- The raw side: the same page by hand, through postgres.js (prepared) ------------------------

type RawRow = { id: string; channel_id: string; author_id: string | null; created_at: Date };

function rawTimeline(sql: postgres.Sql) {
	const host = sql`(select id from organisations where kind = 'host')`;
	const readable = (a: Actor) =>
		a.organisationKind === 'host'
			? sql`true`
			: sql`((fc.kind = 'partner' and fc.partner_id = ${a.organisationId}) or fc.kind = 'announcements'
				or (fc.kind = 'community' and exists (select 1 from feed_channel_organisations co
					where co.channel_id = fc.id and co.organisation_id = ${a.organisationId})))`;
	const visible = (a: Actor, p: string) => {
		const col = (name: string) => sql.unsafe(`${p}.${name}`);
		const inReadable = sql`${col('channel_id')} in (select fc.id from feed_channels fc where ${readable(a)})`;
		if (a.organisationKind === 'host') return inReadable;
		return sql`(${inReadable} and (${col('author_organisation_id')} is null
			or ${col('author_organisation_id')} = ${host} or ${col('author_organisation_id')} = ${a.organisationId}
			or exists (select 1 from feed_channels fc join feed_channel_organisations co on co.channel_id = fc.id
				where fc.id = ${col('channel_id')} and fc.kind = 'community' and co.organisation_id = ${col('author_organisation_id')})))`;
	};
	const columns = sql`p.id, p.channel_id, p.parent_id, p.kind, p.author_id, p.author_organisation_id,
		p.body, p.data, p.pinned_at, p.edited_at, p.deleted_at, p.hidden_at, p.created_at`;
	const listable = (a: Actor) => sql`p.parent_id is null and ${visible(a, 'p')}
		and (p.hidden_at is null or p.author_id = ${a.id})
		and (p.deleted_at is null or exists (select 1 from feed_posts c where c.parent_id = p.id
			and c.deleted_at is null and c.hidden_at is null and ${visible(a, 'c')}))`;
	const keyset = (cursor: string | null) =>
		cursor
			? sql`and (p.created_at, p.id) < (select created_at, id from feed_posts where id = ${cursor})`
			: sql``;

	return async (a: Actor, cursor: string | null) => {
		const channels = await sql<
			{ id: string }[]
		>`select fc.id from feed_channels fc where ${readable(a)}
			and not exists (select 1 from feed_memberships m where m.channel_id = fc.id
				and m.user_id = ${a.id} and m.state = 'left')`;
		const ids = channels.map((c) => c.id);
		const one = (channel: string) => sql`(select ${columns} from feed_posts p
			where p.channel_id = ${channel} and ${listable(a)} ${keyset(cursor)}
			order by p.created_at desc, p.id desc limit 21)`;
		const posts =
			ids.length <= 32
				? await sql<RawRow[]>`select * from (${ids
						.map(one)
						.reduce(
							(x, y) => sql`${x} union all ${y}`
						)}) u order by created_at desc, id desc limit 21`
				: await sql<RawRow[]>`select ${columns} from feed_posts p
					where p.channel_id = any(${ids}::uuid[]) and ${listable(a)} ${keyset(cursor)}
					order by p.created_at desc, p.id desc limit 21`;
		const page = posts.slice(0, 20);
		const postIds = page.map((p) => p.id);
		const [, comments] = await Promise.all([
			sql`select c.id, c.kind, c.name, c.partner_id, c.archived_at,
				coalesce((select array_agg(organisation_id::text) from feed_channel_organisations co
					where co.channel_id = c.id), '{}') as organisation_ids
				from feed_channels c where c.id = any(${[...new Set(page.map((p) => p.channel_id))]}::uuid[])`,
			sql<RawRow[]>`select * from (select ${columns},
					row_number() over (partition by p.parent_id order by p.created_at desc, p.id desc) as rank,
					(count(*) over (partition by p.parent_id))::int as total
				from feed_posts p where p.parent_id = any(${postIds}::uuid[]) and p.deleted_at is null
					and ${visible(a, 'p')} and (p.hidden_at is null or p.author_id = ${a.id})) v
				where rank <= 3`
		]);
		const all = [...page, ...comments];
		const reactor =
			a.organisationKind === 'host'
				? sql`true`
				: sql`(r.organisation_id = ${host} or r.organisation_id = ${a.organisationId}
					or exists (select 1 from feed_channels fc join feed_channel_organisations co on co.channel_id = fc.id
						where fc.id = p.channel_id and fc.kind = 'community' and co.organisation_id = r.organisation_id))`;
		const allIds = all.map((p) => p.id);
		await Promise.all([
			sql`select u.id, u.name, u.role, u.active, u.region_id, u.organisation_id, o.kind, o.name as organisation_name
				from users u join organisations o on o.id = u.organisation_id
				where u.id = any(${[...new Set(all.map((p) => p.author_id).filter((x) => x !== null))]}::uuid[])`,
			sql`select r.post_id, r.emoji, count(*)::int as count, bool_or(r.user_id = ${a.id}) as mine
				from feed_reactions r join feed_posts p on p.id = r.post_id
				where r.post_id = any(${allIds}::uuid[]) and ${reactor} group by r.post_id, r.emoji`,
			sql`select * from feed_attachments where post_id = any(${allIds}::uuid[]) order by created_at, id`
		]);
		return { ids: postIds, next: posts.length > 20 ? page[19].id : null };
	};
}

// ---- Part 1: timeline pages ---------------------------------------------------------------------

type PageOp = {
	name: string;
	relais: () => Promise<unknown>;
	raw: () => Promise<unknown>;
};

type Stats = { p50: number; p99: number; nodeUs: number; pgUs: number };

async function timed(fn: () => Promise<unknown>, n: number, watcher: lib.BackendWatcher) {
	const lat = new Float64Array(n);
	const before = await watcher.sample();
	const cpu0 = process.cpuUsage();
	for (let i = 0; i < n; i++) {
		const t0 = performance.now();
		await fn();
		lat[i] = performance.now() - t0;
	}
	const cpu = process.cpuUsage(cpu0);
	const after = await watcher.sample();
	lat.sort();
	return {
		p50: lib.percentile(lat, 50),
		p99: lib.percentile(lat, 99),
		nodeUs: (cpu.user + cpu.system) / n,
		pgUs: watcher.cpuUs(before, after) / n
	};
}

async function benchPages(db: Db, sql: postgres.Sql, watcher: lib.BackendWatcher) {
	const raw = rawTimeline(sql);
	const ops: PageOp[] = [];
	for (const [who, actor] of [
		['host rep', rep],
		['partner person', partnerPerson]
	] as const) {
		const first = await timeline(db, actor, {});
		const cursor = first.nextCursor;
		const rawFirst = await raw(actor, null);
		// The two sides must show the same page.
		const same = JSON.stringify(first.items.map((i) => i.id)) === JSON.stringify(rawFirst.ids);
		if (!same) console.warn(`warning: ${who}: Relais and raw first pages differ`);
		ops.push({
			name: `${who}, first page`,
			relais: () => timeline(db, actor, {}),
			raw: () => raw(actor, null)
		});
		ops.push({
			name: `${who}, next page`,
			relais: () => timeline(db, actor, { cursor }),
			raw: () => raw(actor, cursor)
		});
	}
	// Warm-up: plans prepared, caches hot.
	for (const op of ops) for (let i = 0; i < 10; i++) await Promise.all([op.relais(), op.raw()]);
	const rows: string[][] = [];
	const verdicts: string[] = [];
	for (const op of ops) {
		const runs = { raw: [] as Stats[], relais: [] as Stats[] };
		for (let r = 0; r < ROUNDS; r++) {
			runs.raw.push(await timed(op.raw, PER_ROUND, watcher));
			runs.relais.push(await timed(op.relais, PER_ROUND, watcher));
		}
		const s = (side: Stats[], k: keyof Stats) => lib.spread(side.map((x) => x[k]));
		for (const side of ['raw', 'relais'] as const) {
			const base = side === 'relais' ? runs.raw : null;
			rows.push([
				op.name,
				side,
				lib.fmtSpread(s(runs[side], 'p50'), 2),
				lib.fmtSpread(s(runs[side], 'p99'), 2),
				base ? lib.ratio(s(runs[side], 'p99'), s(base, 'p99')) : '–',
				lib.fmtSpread(s(runs[side], 'nodeUs'), 0),
				lib.fmtSpread(s(runs[side], 'pgUs'), 0)
			]);
		}
		const p99 = s(runs.relais, 'p99').median;
		const ratio = p99 / s(runs.raw, 'p99').median;
		verdicts.push(
			`${op.name}: p99 ${lib.fmt(p99, 1)} ms ${p99 < TARGET_PAGE_P99_MS ? '<' : '≥'} ${TARGET_PAGE_P99_MS} ms, ×${lib.fmt(ratio, 2)} raw ${ratio <= TARGET_PAGE_RATIO ? '≤' : '>'} ${TARGET_PAGE_RATIO}`
		);
	}
	console.log(
		`\nTimeline pages (20 posts): ${ROUNDS} rounds × ${PER_ROUND} pages, raw then Relais each round; median [min–max] of the rounds; this process on CPU 0, PostgreSQL backends on ${watcher.where()}`
	);
	lib.printTable(
		['page', 'side', 'p50 ms', 'p99 ms', 'p99 vs raw', 'Node CPU µs/page', 'PG CPU µs/page'],
		rows
	);
	for (const v of verdicts) console.log(v);
	return verdicts;
}

// ---- Part 2: fan-out to LISTENERS streams -------------------------------------------------------

type Arrival = { count: number; last: number };

function openListener(url: string, cookie: string, arrivals: Map<string, Arrival>) {
	return new Promise<http.ClientRequest>((resolve, reject) => {
		const req = http.get(`${url}/api/events`, { headers: { cookie }, agent: false }, (res) => {
			if (res.statusCode !== 200) return reject(new Error(`stream: ${res.statusCode}`));
			res.setEncoding('utf8');
			let pending = '';
			res.on('data', (chunk: string) => {
				pending += chunk;
				let end: number;
				while ((end = pending.indexOf('\n\n')) >= 0) {
					const frame = pending.slice(0, end);
					pending = pending.slice(end + 2);
					if (frame.includes(': connected')) resolve(req);
					const match = /"postId":"([0-9a-f-]{36})"/.exec(frame);
					if (!match) continue;
					const now = lib.nowUs();
					const entry = arrivals.get(match[1]);
					if (entry) {
						entry.count++;
						entry.last = now;
					} else arrivals.set(match[1], { count: 1, last: now });
				}
			});
		});
		req.on('error', reject);
	});
}

function procTicks(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return Number(fields[11]) + Number(fields[12]);
}
const TICK_US = 1e4;

async function benchFanout(url: string, serverPid: number, sql: postgres.Sql) {
	// Sessions for the listeners (host and partner people: all read announcements) and the poster.
	const rand = lib.seeded(0xfeed);
	const listenerUsers = Array.from({ length: LISTENERS }, (_, i) =>
		i % 2 === 0 ? hostUserId(1 + ((i / 2) % HOST_USERS)) : partnerUserId(1 + (i >> 1))
	);
	const tokens = listenerUsers.map(() => lib.seededToken(rand));
	const posterToken = lib.seededToken(rand);
	const sessions = [
		...listenerUsers.map((userId, i) => ({ id: hashToken(tokens[i]), user_id: userId })),
		{ id: hashToken(posterToken), user_id: hostUserId(1) }
	];
	await sql`insert into sessions ${sql(
		sessions.map((s) => ({ ...s, expires_at: new Date(Date.now() + 86_400_000) }))
	)}`;
	const [{ id: announcements }] = await sql<
		{ id: string }[]
	>`select id from feed_channels where kind = 'announcements'`;

	const arrivals = new Map<string, Arrival>();
	const listeners: http.ClientRequest[] = [];
	for (let i = 0; i < LISTENERS; i += 50) {
		listeners.push(
			...(await Promise.all(
				tokens.slice(i, i + 50).map((t) => openListener(url, `relais_session=${t}`, arrivals))
			))
		);
	}
	const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
	const postOnce = (n: number) =>
		new Promise<string>((resolve, reject) => {
			const body = JSON.stringify({
				channelId: announcements,
				body: `Annonce ${n} du banc d’essai`
			});
			const req = http.request(
				`${url}/api/feed/posts`,
				{
					method: 'POST',
					agent,
					headers: {
						cookie: `relais_session=${posterToken}`,
						origin: url,
						'content-type': 'application/json'
					}
				},
				(res) => {
					let text = '';
					res.setEncoding('utf8');
					res.on('data', (c: string) => (text += c));
					res.on('end', () =>
						res.statusCode === 201
							? resolve((JSON.parse(text) as { id: string }).id)
							: reject(new Error(`post: ${res.statusCode} ${text}`))
					);
				}
			);
			req.on('error', reject);
			req.end(body);
		});
	const bare = async () => {
		const postId = lib.seededUuid(rand);
		const event = {
			type: 'feed.post.created',
			audience: { everyone: true },
			data: { channelId: announcements, postId, authorId: hostUserId(1) }
		};
		await sql`select pg_notify('relais_live', ${JSON.stringify(event)})`;
		return postId;
	};

	type Round = { p50: number; p99: number; max: number; serverUs: number; delivered: number };
	let counter = 0;
	async function round(variant: 'bare' | 'relais'): Promise<Round> {
		const sent: { id: string; t: number }[] = [];
		const ticks0 = procTicks(serverPid);
		await lib.openLoop(FANOUT_RATE, FANOUT_PER_ROUND, async (_i, t) => {
			const id = variant === 'bare' ? await bare() : await postOnce(counter++);
			sent.push({ id, t });
		});
		const deadline = Date.now() + 10_000;
		const complete = () => sent.every((s) => (arrivals.get(s.id)?.count ?? 0) >= LISTENERS);
		while (!complete() && Date.now() < deadline) await sleep(20);
		const serverUs = ((procTicks(serverPid) - ticks0) * TICK_US) / FANOUT_PER_ROUND;
		const lat = Float64Array.from(
			sent.map((s) => {
				const a = arrivals.get(s.id);
				return a && a.count >= LISTENERS ? (a.last - s.t) / 1000 : Infinity;
			})
		).sort();
		const delivered = sent.filter((s) => (arrivals.get(s.id)?.count ?? 0) >= LISTENERS).length;
		return {
			p50: lib.percentile(lat, 50),
			p99: lib.percentile(lat, 99),
			max: lat[lat.length - 1],
			serverUs,
			delivered: delivered / sent.length
		};
	}

	await round('bare');
	await round('relais');
	const runs = { bare: [] as Round[], relais: [] as Round[] };
	for (let r = 0; r < ROUNDS; r++) {
		runs.bare.push(await round('bare'));
		runs.relais.push(await round('relais'));
	}
	for (const l of listeners) l.destroy();
	agent.destroy();
	const s = (side: Round[], k: keyof Round) => lib.spread(side.map((x) => x[k]));
	console.log(
		`\nFan-out to ${LISTENERS} SSE listeners: ${FANOUT_RATE} posts/s open loop, ${FANOUT_PER_ROUND} per round, ${ROUNDS} rounds B A alternating; latency from the intended send time until the last listener has the event`
	);
	lib.printTable(
		['path', 'p50 ms', 'p99 ms', 'max ms', 'p99 vs bare', 'server CPU ms/post', 'delivered to all'],
		(['bare', 'relais'] as const).map((v) => [
			v === 'bare' ? 'bare pg_notify' : 'POST /api/feed/posts',
			lib.fmtSpread(s(runs[v], 'p50'), 1),
			lib.fmtSpread(s(runs[v], 'p99'), 1),
			lib.fmt(Math.max(...runs[v].map((x) => x.max)), 1),
			v === 'bare' ? '–' : lib.ratio(s(runs.relais, 'p99'), s(runs.bare, 'p99')),
			lib.fmtSpread(lib.spread(runs[v].map((x) => x.serverUs / 1000)), 2),
			`${lib.fmt(Math.min(...runs[v].map((x) => x.delivered)) * 100)}%`
		])
	);
	const p99 = s(runs.relais, 'p99').median;
	return `fan-out to ${LISTENERS}: p99 ${lib.fmt(p99, 1)} ms ${p99 < TARGET_FANOUT_P99_MS ? '<' : '≥'} ${TARGET_FANOUT_P99_MS} ms (bare ${lib.fmt(s(runs.bare, 'p99').median, 1)} ms)`;
}

async function main() {
	console.log(lib.describeMachine());
	console.log(`this process: ${lib.pin(0)}; ${lib.load()}`);
	const scratch = await lib.throwawayDatabase(ADMIN_URL, 'relais_bench_feed');
	const database = await createDb({ databaseUrl: scratch.url });
	const sql = postgres(scratch.url, { max: 4, onnotice: () => {} });
	const watcher = lib.backendWatcher(ADMIN_URL, scratch.name, 1);
	let server: ReturnType<typeof spawnRelais> | undefined;
	try {
		await migrate(database);
		console.log(
			`generating ${scale.posts.toLocaleString('en')} posts, ${scale.comments.toLocaleString('en')} comments:`
		);
		await generate(sql, scale, (line) => console.log(line));
		const pages = await benchPages(database.db, sql, watcher);
		console.log(`${lib.memory()}; ${lib.load()}`);

		// The real app when it is built (`npm run build`), else the stand-in with the same two routes.
		const realApp = builtAppServes('api/feed/posts');
		console.log(
			`\napp under test: ${realApp ? 'the built app (build/)' : 'the stand-in handler (no build)'}`
		);
		server = spawnRelais({
			env: {
				DATABASE_URL: scratch.url,
				RELAIS_HANDLER: realApp ? undefined : resolvePath('tests/support/feed-live-handler.ts'),
				LOG_LEVEL: 'warn'
			}
		});
		const url = await server.listening;
		const serverCpu = lib.pin(0, server.child.pid);
		console.log(
			`\nserver under test (pid ${server.child.pid}): ${serverCpu}; listeners: ${lib.pin(1)}`
		);
		await watcher.sample();
		const fanout = await benchFanout(url, server.child.pid!, sql);
		console.log(`${lib.load()}`);
		console.log(`\nheadline: ${[...pages, fanout].join('; ')}`);
	} finally {
		server?.kill();
		await server?.exited;
		await sql.end();
		await database.close();
		await watcher.close();
		await scratch.drop();
	}
}

await main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
