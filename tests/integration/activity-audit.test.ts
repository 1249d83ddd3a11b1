import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import { canViewActivity } from '../../src/lib/server/access/policy.ts';
import {
	countActivities,
	listActivities,
	recordActivity
} from '../../src/lib/server/activity/index.ts';
import { listAudit, listAuditActions, recordAudit } from '../../src/lib/server/audit/index.ts';
import { tables } from '../../src/lib/server/db/index.ts';
import { startLiveBus, type LiveBus, type LiveEvent } from '../../src/lib/server/live/index.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestOrganisation, createTestUser, type TestUser } from '../support/factories.ts';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const actorOf = ({ user, organisation }: TestUser): Actor => ({
	id: user.id,
	role: user.role,
	organisationId: organisation.id,
	organisationKind: organisation.kind
});

describe.each(drivers())('the activity log on %s', (driver) => {
	let database: TestDatabase;
	let bus: LiveBus;
	const events: LiveEvent[] = [];
	let admin: TestUser;
	let rep: TestUser;
	let alpha: TestUser;
	let beta: TestUser;

	beforeAll(async () => {
		database = await freshDatabase(driver);
		bus = await startLiveBus(database, log);
		bus.subscribe((event) => events.push(event));
		admin = await createTestUser(database.db, { role: 'admin' });
		rep = await createTestUser(database.db, { role: 'rep' });
		alpha = await createTestUser(database.db, {
			role: 'partner_admin',
			organisation: await createTestOrganisation(database.db, { name: 'Alpha' })
		});
		beta = await createTestUser(database.db, {
			role: 'partner_member',
			organisation: await createTestOrganisation(database.db, { name: 'Beta' })
		});
		const worlds = [
			[null, admin],
			[alpha.organisation.id, alpha],
			[beta.organisation.id, beta]
		] as const;
		for (let i = 0; i < 4; i++) {
			for (const [organisationId, actor] of worlds) {
				await recordActivity(database.db, {
					actorId: actor.user.id,
					organisationId,
					verb: 'deal.won',
					objectType: 'deal',
					objectId: `${organisationId ?? 'host'}-${i}`,
					data: { i }
				});
			}
		}
	});
	afterAll(async () => {
		await bus.stop();
		await database.drop();
	});

	it('announces each activity to the audience of its organisation', async () => {
		await expect.poll(() => events.length).toBe(12);
		expect(events.filter((e) => e.type === 'activity.created').map((e) => e.audience)).toEqual(
			Array.from({ length: 4 }, () => [
				{ organisation: null },
				{ organisation: alpha.organisation.id },
				{ organisation: beta.organisation.id }
			]).flat()
		);
	});

	it('never lists one partner’s activities to another partner', async () => {
		const forAlpha = await listActivities(database.db, actorOf(alpha), { limit: 100 });
		const forBeta = await listActivities(database.db, actorOf(beta), { limit: 100 });
		expect(forAlpha.items).toHaveLength(4);
		expect(forAlpha.items.every((a) => a.organisationId === alpha.organisation.id)).toBe(true);
		expect(forBeta.items).toHaveLength(4);
		expect(forBeta.items.every((a) => a.organisationId === beta.organisation.id)).toBe(true);
		expect(await countActivities(database.db, actorOf(alpha))).toBe(4);
	});

	it('lists exactly what canViewActivity allows, for every kind of person', async () => {
		const all = await database.db.select().from(tables.activities);
		for (const person of [admin, rep, alpha, beta]) {
			const actor = actorOf(person);
			const listed = await listActivities(database.db, actor, { limit: 100 });
			const allowed = all.filter((a) => canViewActivity(actor, a)).map((a) => a.id);
			expect(listed.items.map((a) => a.id).sort()).toEqual(allowed.sort());
		}
		expect((await listActivities(database.db, actorOf(rep), { limit: 100 })).items).toHaveLength(
			12
		);
	});

	it('pages through the activities newest first, with the actor’s name', async () => {
		const first = await listActivities(database.db, actorOf(admin), { limit: 5 });
		const rest = await listActivities(database.db, actorOf(admin), {
			limit: 100,
			before: first.nextCursor
		});
		expect(first.items).toHaveLength(5);
		expect(rest.items).toHaveLength(7);
		expect(rest.nextCursor).toBeNull();
		const ids = [...first.items, ...rest.items].map((a) => a.id);
		expect(new Set(ids).size).toBe(12);
		const times = [...first.items, ...rest.items].map((a) => a.createdAt.getTime());
		expect([...times].sort((a, b) => b - a)).toEqual(times);
		expect(first.items[0].actorName).toBe(beta.user.name);
	});

	it('records nothing and announces nothing when the change rolls back', async () => {
		const before = events.length;
		await expect(
			database.db.transaction(async (tx) => {
				await recordActivity(tx, {
					actorId: admin.user.id,
					organisationId: null,
					verb: 'deal.lost',
					objectType: 'deal',
					objectId: 'gone'
				});
				throw new Error('rolled back');
			})
		).rejects.toThrow('rolled back');
		await sleep(150);
		expect(events.length).toBe(before);
		expect(await countActivities(database.db, actorOf(admin))).toBe(12);
	});
});

describe.each(drivers())('the audit log on %s', (driver) => {
	let database: TestDatabase;
	let admin: TestUser;
	let alpha: TestUser;

	beforeAll(async () => {
		database = await freshDatabase(driver);
		admin = await createTestUser(database.db, { role: 'admin' });
		alpha = await createTestUser(database.db, { role: 'partner_admin' });
		const rows = [
			['user.invited', 'invitation', admin, alpha.organisation.id],
			['user.role_changed', 'user', admin, null],
			['user.joined', 'user', alpha, alpha.organisation.id],
			['user.invited', 'invitation', alpha, alpha.organisation.id],
			['organisation.created', 'organisation', admin, alpha.organisation.id]
		] as const;
		for (const [action, objectType, actor, organisationId] of rows) {
			await recordAudit(database.db, {
				actorId: actor.user.id,
				organisationId,
				action,
				objectType,
				objectId: `${objectType}-1`,
				data: { note: action },
				ip: '203.0.113.7'
			});
		}
	});
	afterAll(async () => {
		await database.drop();
	});

	it('lists every entry newest first, with who did it and on which organisation', async () => {
		const page = await listAudit(database.db);
		expect(page.items.map((e) => e.action)).toEqual([
			'organisation.created',
			'user.invited',
			'user.joined',
			'user.role_changed',
			'user.invited'
		]);
		expect(page.items[0]).toMatchObject({
			actorName: admin.user.name,
			actorEmail: admin.user.email,
			organisationName: alpha.organisation.name,
			ip: '203.0.113.7',
			data: { note: 'organisation.created' }
		});
	});

	it('filters by actor, action, object type, organisation and time', async () => {
		const actions = async (filter: Parameters<typeof listAudit>[1]) =>
			(await listAudit(database.db, filter)).items.map((e) => e.action);
		expect(await actions({ actorId: alpha.user.id })).toEqual(['user.invited', 'user.joined']);
		expect(await actions({ action: 'user.invited' })).toEqual(['user.invited', 'user.invited']);
		expect(await actions({ objectType: 'user' })).toEqual(['user.joined', 'user.role_changed']);
		expect(await actions({ organisationId: alpha.organisation.id })).toHaveLength(4);
		expect(await actions({ from: new Date(Date.now() + 60_000) })).toEqual([]);
		expect(await actions({ to: new Date(Date.now() - 60_000) })).toEqual([]);
		expect(
			await actions({ from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) })
		).toHaveLength(5);
		// Malformed values are ignored rather than failing the page.
		expect(
			await actions({ actorId: 'nope', organisationId: "1' or '1'='1", from: new Date('x') })
		).toHaveLength(5);
	});

	it('pages through the log without skipping or repeating', async () => {
		const first = await listAudit(database.db, { limit: 2 });
		const second = await listAudit(database.db, { limit: 2, before: first.nextCursor });
		const third = await listAudit(database.db, { limit: 2, before: second.nextCursor });
		expect(third.nextCursor).toBeNull();
		const ids = [...first.items, ...second.items, ...third.items].map((e) => e.id);
		expect(ids).toHaveLength(5);
		expect(new Set(ids).size).toBe(5);
		expect((await listAudit(database.db, { before: 'garbage' })).items).toHaveLength(5);
	});

	it('offers the distinct actions for the filter select, sorted', async () => {
		expect(await listAuditActions(database.db)).toEqual([
			'organisation.created',
			'user.invited',
			'user.joined',
			'user.role_changed'
		]);
	});
});
