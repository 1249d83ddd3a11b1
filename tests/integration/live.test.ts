import { eq } from 'drizzle-orm';
import pino from 'pino';
import { revokeUserAccess } from '../../src/lib/server/auth/revoke.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import { recordActivity } from '../../src/lib/server/activity/index.ts';
import { validateSessionToken } from '../../src/lib/server/auth/sessions.ts';
import { createDb, tables, type Database } from '../../src/lib/server/db/index.ts';
import {
	createEventStream,
	publishLiveEvent,
	startLiveBus,
	type LiveBus,
	type LiveEvent
} from '../../src/lib/server/live/index.ts';
import { markRead, notify } from '../../src/lib/server/notifications/index.ts';
import { GET } from '../../src/routes/api/events/+server.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestOrganisation, createTestUser, type TestUser } from '../support/factories.ts';
import { readSse, type SseReader } from '../support/sse.ts';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const actorOf = ({ user, organisation }: TestUser): Actor => ({
	id: user.id,
	role: user.role,
	organisationId: organisation.id,
	organisationKind: organisation.kind
});

describe.runIf(process.env.DATABASE_URL)('the live bus on PostgreSQL', () => {
	let database: TestDatabase;
	let other: Database;
	let bus: LiveBus;

	beforeAll(async () => {
		database = await freshDatabase('postgres');
		// Another pool on the same database: as another app process would have.
		other = await createDb({ databaseUrl: database.url, poolSize: 2 });
		bus = await startLiveBus(other, log);
	});
	afterAll(async () => {
		await bus.stop();
		await other.close();
		await database.drop();
	});

	it('delivers an event published on one connection to a bus on another, at commit only', async () => {
		const received: LiveEvent[] = [];
		const off = bus.subscribe((event) => received.push(event));
		const event: LiveEvent = { type: 'test.ping', audience: { everyone: true }, data: { n: 1 } };
		await database.db.transaction(async (tx) => {
			await publishLiveEvent(tx, event);
			await sleep(100);
			expect(received).toEqual([]);
		});
		await expect.poll(() => received).toEqual([event]);
		await expect(
			database.db.transaction(async (tx) => {
				await publishLiveEvent(tx, { ...event, data: { n: 2 } });
				throw new Error('rolled back');
			})
		).rejects.toThrow('rolled back');
		await sleep(200);
		expect(received).toHaveLength(1);
		off();
	});
});

describe.each(drivers())('the live event stream on %s', (driver) => {
	let database: TestDatabase;
	let bus: LiveBus;
	let admin: TestUser;
	let alpha: TestUser;
	let alphaColleague: TestUser;
	let beta: TestUser;
	const readers: SseReader[] = [];

	/** A stream as GET /api/events builds it, for one person. */
	function open(person: TestUser, options: { heartbeatMs?: number; signal?: AbortSignal } = {}) {
		const reader = readSse(
			createEventStream({
				bus,
				actor: actorOf(person),
				revalidate: async () => {
					const { user } = await validateSessionToken(database.db, person.token);
					return user;
				},
				log,
				...options
			})
		);
		readers.push(reader);
		return reader;
	}

	const types = (reader: SseReader) => reader.messages.map((m) => m.type);

	beforeAll(async () => {
		database = await freshDatabase(driver);
		bus = await startLiveBus(database, log);
		const alphaOrg = await createTestOrganisation(database.db, { name: 'Alpha' });
		const betaOrg = await createTestOrganisation(database.db, { name: 'Beta' });
		admin = await createTestUser(database.db, { role: 'admin' });
		alpha = await createTestUser(database.db, { role: 'partner_admin', organisation: alphaOrg });
		alphaColleague = await createTestUser(database.db, {
			role: 'partner_member',
			organisation: alphaOrg
		});
		beta = await createTestUser(database.db, { role: 'partner_member', organisation: betaOrg });
	});
	afterAll(async () => {
		await Promise.all(readers.map((r) => r.cancel()));
		await bus.stop();
		await database.drop();
	});

	it('streams a notification only to the person it is for, without its audience', async () => {
		const [toAlpha, toColleague, toBeta, toAdmin] = [alpha, alphaColleague, beta, admin].map((p) =>
			open(p)
		);
		const [created] = await notify(database.db, {
			userIds: [alpha.user.id],
			kind: 'test',
			data: {},
			link: '/notifications'
		});
		await expect.poll(() => types(toAlpha)).toEqual(['notification.created']);
		expect(toAlpha.messages[0]).toEqual({
			type: 'notification.created',
			data: {
				id: created.id,
				kind: 'test',
				data: {},
				link: '/notifications',
				readAt: null,
				createdAt: created.createdAt,
				unread: 1
			}
		});
		expect(toAlpha.text()).not.toContain('audience');

		await markRead(database.db, alpha.user.id, 'all');
		await expect
			.poll(() => toAlpha.messages.at(-1))
			.toEqual({ type: 'notification.read', data: { ids: 'all', unread: 0 } });
		await sleep(150);
		expect(toColleague.messages).toEqual([]);
		expect(toBeta.messages).toEqual([]);
		expect(toAdmin.messages).toEqual([]);
		await Promise.all([toAlpha, toColleague, toBeta, toAdmin].map((r) => r.cancel()));
	});

	it('streams a partner activity to the host and that partner, never to another partner', async () => {
		const [toAdmin, toAlpha, toBeta] = [admin, alpha, beta].map((p) => open(p));
		await recordActivity(database.db, {
			actorId: alpha.user.id,
			organisationId: alpha.organisation.id,
			verb: 'deal.won',
			objectType: 'deal',
			objectId: 'deal-1',
			data: { title: 'Lyon' }
		});
		await recordActivity(database.db, {
			actorId: admin.user.id,
			organisationId: null,
			verb: 'plan.published',
			objectType: 'plan',
			objectId: 'plan-1'
		});
		await expect
			.poll(() => toAdmin.messages.map((m) => m.data.objectId))
			.toEqual(['deal-1', 'plan-1']);
		await expect.poll(() => toAlpha.messages.map((m) => m.data.objectId)).toEqual(['deal-1']);
		expect(toAlpha.messages[0]).toMatchObject({
			type: 'activity.created',
			data: { verb: 'deal.won', data: { title: 'Lyon' } }
		});
		await sleep(150);
		expect(toBeta.messages).toEqual([]);
		await Promise.all([toAdmin, toAlpha, toBeta].map((r) => r.cancel()));
	});

	it('ends the stream of a person whose session was revoked, at the next heartbeat', async () => {
		const person = await createTestUser(database.db, {
			role: 'partner_member',
			organisation: beta.organisation
		});
		const stream = open(person, { heartbeatMs: 100 });
		await expect.poll(() => stream.text()).toContain(': heartbeat');
		// Deleted behind the app's back (no `session.revoked`): the heartbeat's re-check notices.
		await database.db.delete(tables.sessions).where(eq(tables.sessions.userId, person.user.id));
		await stream.ended;
		expect(types(stream)).toEqual(['session.ended']);
		// Nothing reaches a closed stream any more.
		await notify(database.db, { userIds: [person.user.id], kind: 'test' });
		await sleep(150);
		expect(types(stream)).toEqual(['session.ended']);
	});

	it('ends the stream at once when access is revoked, without waiting for a heartbeat', async () => {
		const person = await createTestUser(database.db, {
			role: 'partner_member',
			organisation: beta.organisation
		});
		// A heartbeat far away: only the revocation event can end the stream within the test.
		const stream = open(person, { heartbeatMs: 60_000 });
		await sleep(100);
		await revokeUserAccess(database.db, person.user.id);
		await stream.ended;
		expect(types(stream)).toEqual(['session.ended']);
	});

	it('stops listening to the bus when the browser goes away', async () => {
		let listeners = 0;
		const counting: Pick<LiveBus, 'subscribe'> = {
			subscribe(listener) {
				listeners++;
				const off = bus.subscribe(listener);
				return () => {
					listeners--;
					off();
				};
			}
		};
		const aborted = new AbortController();
		const viaSignal = readSse(
			createEventStream({
				bus: counting,
				actor: actorOf(alpha),
				revalidate: async () => actorOf(alpha),
				signal: aborted.signal
			})
		);
		const viaCancel = readSse(
			createEventStream({ bus: counting, actor: actorOf(beta), revalidate: async () => null })
		);
		expect(listeners).toBe(2);
		aborted.abort();
		await viaSignal.ended;
		await viaCancel.cancel();
		expect(listeners).toBe(0);
	});

	describe('GET /api/events', () => {
		type Event = Parameters<typeof GET>[0];
		const eventFor = (person: TestUser | null, signal?: AbortSignal) =>
			({
				locals: {
					user: person && { ...person.user, organisationKind: person.organisation.kind },
					runtime: { db: database.db, bus, log }
				},
				cookies: { get: () => person?.token },
				request: new Request('http://relais.test/api/events', { signal })
			}) as unknown as Event;

		it('answers 401 with a message to someone not signed in', async () => {
			const response = await GET(eventFor(null));
			expect(response.status).toBe(401);
			expect(await response.json()).toMatchObject({ message: expect.any(String) });
		});

		it('opens an uncached event stream for a signed-in person and delivers their events', async () => {
			const aborted = new AbortController();
			const response = await GET(eventFor(beta, aborted.signal));
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
			expect(response.headers.get('cache-control')).toMatch(/no-cache/);
			expect(response.headers.get('x-accel-buffering')).toBe('no');
			const stream = readSse(response.body!);
			await expect.poll(() => stream.text()).toContain('retry: 3000');
			await notify(database.db, { userIds: [beta.user.id, alpha.user.id], kind: 'welcome' });
			await expect.poll(() => types(stream)).toEqual(['notification.created']);
			aborted.abort();
			await stream.ended;
		});
	});
});
