import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePartnerChannel } from '../../src/lib/server/feed/index.ts';
import type { LiveMessage } from '../../src/lib/shared/live.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestOrganisation, createTestUser, type TestUser } from '../support/factories.ts';
import { builtAppServes, spawnRelais, type RelaisProcess } from '../support/process.ts';
import { readSse, type SseReader } from '../support/sse.ts';

// Live feed events across processes: two app processes (server/index.ts) on one PostgreSQL
// database; a post made through process A's POST /api/feed/posts reaches the event streams that
// process B serves (pg_notify at commit → B's LISTEN → B's per-person filter), and only those of
// people who may see it. PGlite is one process, so this needs DATABASE_URL. It runs with the
// stand-in handler (tests/support/feed-live-handler.ts: the two routes over the same domain code),
// and with the real app too when build/ holds one with the feed (`npm run build`).

const handlers: [string, string | undefined][] = [
	['the stand-in handler', resolve('tests/support/feed-live-handler.ts')],
	...(builtAppServes('api/feed/posts') ? [['the built app', undefined] as [string, undefined]] : [])
];

const WAIT = { timeout: 20_000, interval: 50 };
const title = process.env.DATABASE_URL
	? 'the feed across two app processes on one PostgreSQL database'
	: 'the feed across two app processes (skipped: set DATABASE_URL — PGlite serves one process)';

describe.runIf(process.env.DATABASE_URL).each(handlers)(
	`${title}, with %s`,
	{ timeout: 120_000 },
	(_name, handler) => {
		let database: TestDatabase;
		let a: RelaisProcess;
		let b: RelaisProcess;
		let urlA: string;
		let urlB: string;
		let rep: TestUser;
		let alpha: TestUser;
		let beta: TestUser;
		let alphaChannel: string;
		let betaChannel: string;
		const streams: SseReader[] = [];

		beforeAll(async () => {
			database = await freshDatabase('postgres');
			rep = await createTestUser(database.db, { role: 'rep', name: 'Rep Host' });
			const alphaOrg = await createTestOrganisation(database.db, { name: `Alpha ${Date.now()}` });
			const betaOrg = await createTestOrganisation(database.db, { name: `Beta ${Date.now()}` });
			alpha = await createTestUser(database.db, { role: 'partner_member', organisation: alphaOrg });
			beta = await createTestUser(database.db, { role: 'partner_member', organisation: betaOrg });
			alphaChannel = (await ensurePartnerChannel(database.db, alphaOrg)).id;
			betaChannel = (await ensurePartnerChannel(database.db, betaOrg)).id;
			const start = () =>
				spawnRelais({
					env: { DATABASE_URL: database.url, RELAIS_HANDLER: handler, LOG_LEVEL: 'error' }
				});
			a = start();
			b = start();
			[urlA, urlB] = await Promise.all([a.listening, b.listening]);
		});

		afterAll(async () => {
			for (const stream of streams) await stream.cancel();
			a?.kill();
			b?.kill();
			await Promise.all([a?.exited, b?.exited]);
			await database?.drop();
		});

		async function listen(url: string, user: TestUser): Promise<SseReader> {
			const response = await fetch(`${url}/api/events`, { headers: { cookie: user.cookie } });
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
			const stream = readSse(response.body!);
			streams.push(stream);
			// The stream is subscribed to the bus before it says it is connected.
			await expect.poll(() => stream.text().includes(': connected'), WAIT).toBe(true);
			return stream;
		}

		async function post(url: string, user: TestUser, channelId: string, body: string) {
			const response = await fetch(`${url}/api/feed/posts`, {
				method: 'POST',
				headers: { cookie: user.cookie, origin: url, 'content-type': 'application/json' },
				body: JSON.stringify({ channelId, body })
			});
			expect(response.status, await response.clone().text()).toBe(201);
			return ((await response.json()) as { id: string }).id;
		}

		const created = (stream: SseReader, postId: string) =>
			stream.messages.find(
				(m: LiveMessage) => m.type === 'feed.post.created' && m.data.postId === postId
			);

		it('delivers a post made on process A to the streams process B serves, and never to another partner', async () => {
			const onB = {
				rep: await listen(urlB, rep),
				alpha: await listen(urlB, alpha),
				beta: await listen(urlB, beta)
			};

			const alphaPost = await post(urlA, alpha, alphaChannel, 'Bonjour depuis le processus A');
			await expect.poll(() => created(onB.alpha, alphaPost), WAIT).toBeDefined();
			await expect.poll(() => created(onB.rep, alphaPost), WAIT).toBeDefined();
			expect(created(onB.alpha, alphaPost)?.data).toEqual({
				channelId: alphaChannel,
				postId: alphaPost,
				authorId: alpha.user.id
			});

			// A later post that Beta may see: once it has arrived, Alpha's can no longer be on its way.
			const betaPost = await post(urlA, rep, betaChannel, 'Un message pour Beta');
			await expect.poll(() => created(onB.beta, betaPost), WAIT).toBeDefined();
			await expect.poll(() => created(onB.rep, betaPost), WAIT).toBeDefined();
			expect(created(onB.beta, alphaPost)).toBeUndefined();
			expect(onB.beta.text()).not.toContain(alphaPost);
			expect(onB.beta.text()).not.toContain(alphaChannel);
			expect(created(onB.alpha, betaPost)).toBeUndefined();
			expect(onB.alpha.text()).not.toContain(betaChannel);
		});

		it('refuses, on process A, a Beta person posting in Alpha’s channel, and B streams nothing of it', async () => {
			const watcher = await listen(urlB, rep);
			const response = await fetch(`${urlA}/api/feed/posts`, {
				method: 'POST',
				headers: { cookie: beta.cookie, origin: urlA, 'content-type': 'application/json' },
				body: JSON.stringify({ channelId: alphaChannel, body: 'Intrusion' })
			});
			expect(response.status).toBe(404);
			// A post that does happen afterwards arrives alone.
			const later = await post(urlA, alpha, alphaChannel, 'Après la tentative');
			await expect.poll(() => created(watcher, later), WAIT).toBeDefined();
			expect(watcher.messages.filter((m) => m.type === 'feed.post.created')).toHaveLength(1);
		});
	}
);
