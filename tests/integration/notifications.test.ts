import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/lib/server/db/index.ts';
import { startLiveBus, type LiveBus, type LiveEvent } from '../../src/lib/server/live/index.ts';
import {
	countUnread,
	listNotifications,
	markRead,
	notify
} from '../../src/lib/server/notifications/index.ts';
import { GET, POST } from '../../src/routes/api/notifications/+server.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestUser, type TestUser } from '../support/factories.ts';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ORIGIN = 'http://relais.test';

describe.each(drivers())('notifications on %s', (driver) => {
	let database: TestDatabase;
	let bus: LiveBus;
	let events: LiveEvent[];
	let ana: TestUser;
	let ben: TestUser;

	beforeAll(async () => {
		database = await freshDatabase(driver);
		bus = await startLiveBus(database, log);
		bus.subscribe((event) => events.push(event));
		ana = await createTestUser(database.db, { role: 'rep' });
		ben = await createTestUser(database.db, { role: 'partner_member' });
	});
	afterAll(async () => {
		await bus.stop();
		await database.drop();
	});
	beforeEach(async () => {
		await database.db.delete(tables.notifications);
		events = [];
	});

	it('creates one notification per person and announces each to that person only', async () => {
		const created = await notify(database.db, {
			userIds: [ana.user.id, ben.user.id, ana.user.id],
			kind: 'role_changed',
			data: { role: 'manager' },
			link: '/people'
		});
		expect(created.map((n) => n.userId).sort()).toEqual([ana.user.id, ben.user.id].sort());
		await expect.poll(() => events.length).toBe(2);
		for (const item of created) {
			const event = events.find((e) => e.data.id === item.id);
			expect(event).toEqual({
				type: 'notification.created',
				audience: { users: [item.userId] },
				data: {
					id: item.id,
					kind: 'role_changed',
					data: { role: 'manager' },
					link: '/people',
					readAt: null,
					createdAt: item.createdAt,
					unread: 1
				}
			});
		}
	});

	it('neither stores nor announces a notification whose transaction rolls back', async () => {
		await expect(
			database.db.transaction(async (tx) => {
				await notify(tx, { userIds: [ana.user.id], kind: 'test' });
				throw new Error('rolled back');
			})
		).rejects.toThrow('rolled back');
		await sleep(150);
		expect(events).toEqual([]);
		expect(await countUnread(database.db, ana.user.id)).toBe(0);
	});

	it('refuses a link that leaves the app', async () => {
		for (const link of ['https://evil.test', '//evil.test/x', 'javascript:alert(1)']) {
			await expect(
				notify(database.db, { userIds: [ana.user.id], kind: 'test', link })
			).rejects.toThrow(/path inside the app/);
		}
	});

	it('lists only the person’s own notifications, newest first, page by page', async () => {
		for (let i = 0; i < 7; i++) {
			await notify(database.db, { userIds: [ana.user.id], kind: 'test', data: { i } });
		}
		await notify(database.db, { userIds: [ben.user.id], kind: 'test', data: { i: 'ben' } });
		const first = await listNotifications(database.db, ana.user.id, { limit: 5 });
		const second = await listNotifications(database.db, ana.user.id, {
			limit: 5,
			before: first.nextCursor
		});
		expect(first.items).toHaveLength(5);
		expect(second.items).toHaveLength(2);
		expect(second.nextCursor).toBeNull();
		const all = [...first.items, ...second.items].map((n) => n.data.i);
		expect(new Set(all)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
		// A cursor taken from someone else's list leaks nothing of theirs.
		const bens = await listNotifications(database.db, ben.user.id, { before: first.nextCursor });
		expect(bens.items.every((n) => n.data.i === 'ben')).toBe(true);
	});

	it('marks read only the person’s own notifications and tells their other tabs', async () => {
		const [a1] = await notify(database.db, { userIds: [ana.user.id], kind: 'test' });
		await notify(database.db, { userIds: [ana.user.id], kind: 'test' });
		const [b1] = await notify(database.db, { userIds: [ben.user.id], kind: 'test' });
		await expect.poll(() => events.length).toBe(3);
		events = [];

		// Ana cannot mark Ben's notification read, even by its id.
		const result = await markRead(database.db, ana.user.id, [a1.id, b1.id, 'not-a-uuid']);
		expect(result).toEqual({ ids: [a1.id], unread: 1 });
		expect(await countUnread(database.db, ben.user.id)).toBe(1);
		await expect
			.poll(() => events)
			.toEqual([{ type: 'notification.read', audience: { users: [ana.user.id] }, data: result }]);

		expect(await markRead(database.db, ana.user.id, 'all')).toEqual({ ids: 'all', unread: 0 });
		expect(await countUnread(database.db, ana.user.id)).toBe(0);
		expect(await countUnread(database.db, ben.user.id)).toBe(1);
	});

	describe('the /api/notifications endpoint', () => {
		type PostEvent = Parameters<typeof POST>[0];
		type GetEvent = Parameters<typeof GET>[0];
		const runtime = () => ({ db: database.db, bus, log });
		const user = (person: TestUser) => ({
			...person.user,
			organisationKind: person.organisation.kind
		});

		function post(
			person: TestUser | null,
			body: string,
			headers: Record<string, string> = { origin: ORIGIN }
		) {
			const request = new Request(`${ORIGIN}/api/notifications`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body
			});
			return POST({
				locals: { user: person && user(person), runtime: runtime() },
				request,
				url: new URL(request.url)
			} as unknown as PostEvent);
		}

		it('marks everything read for a same-origin JSON request', async () => {
			await notify(database.db, { userIds: [ana.user.id], kind: 'test' });
			const response = await post(ana, JSON.stringify({ all: true }));
			expect(response.status).toBe(200);
			expect(await response.json()).toEqual({ ids: 'all', unread: 0 });
		});

		// A request from another origin never reaches the endpoint: handleOrigin refuses it
		// (security-http.test.ts, 'refuses a JSON post from another origin').

		it('answers 400 with a message to malformed bodies and changes nothing', async () => {
			await notify(database.db, { userIds: [ana.user.id], kind: 'test' });
			const tooMany = Array.from({ length: 101 }, () => crypto.randomUUID());
			for (const body of [
				'not json',
				'{}',
				'{"all": false}',
				'{"ids": []}',
				'{"ids": ["x"]}',
				JSON.stringify({ ids: tooMany }),
				'{"all": true, "ids": []}'
			]) {
				const response = await post(ana, body);
				expect(response.status, body).toBe(400);
				expect((await response.json()).message).toEqual(expect.any(String));
			}
			expect(await countUnread(database.db, ana.user.id)).toBe(1);
		});

		it('answers 401 to someone not signed in', async () => {
			expect((await post(null, '{"all":true}')).status).toBe(401);
			const response = await GET({
				locals: { user: null, runtime: runtime() },
				url: new URL(`${ORIGIN}/api/notifications`)
			} as unknown as GetEvent);
			expect(response.status).toBe(401);
		});

		it('lists a page of the person’s notifications with the unread count', async () => {
			for (let i = 0; i < 3; i++)
				await notify(database.db, { userIds: [ben.user.id], kind: 'test' });
			const response = await GET({
				locals: { user: user(ben), runtime: runtime() },
				url: new URL(`${ORIGIN}/api/notifications?limit=2`)
			} as unknown as GetEvent);
			const body = await response.json();
			expect(body.items).toHaveLength(2);
			expect(body.nextCursor).toEqual(expect.any(String));
			expect(body.unread).toBe(3);
		});
	});
});
