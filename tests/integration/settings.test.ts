import { isActionFailure, isHttpError, type ActionFailure } from '@sveltejs/kit';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateSessionToken } from '../../src/lib/server/auth/sessions.ts';
import { tables } from '../../src/lib/server/db/index.ts';
import { requestTimeZone } from '../../src/lib/server/http/time-zone.ts';
import { publishLiveEvent, startLiveBus, type LiveBus } from '../../src/lib/server/live/index.ts';
import {
	forgetWorkspaceSettings,
	getWorkspaceSettings,
	SETTINGS_CHANGED,
	watchWorkspaceSettings,
	workspaceDay
} from '../../src/lib/server/workspace/settings.ts';
import { m } from '../../src/lib/paraglide/messages.js';
import type { FormFailure } from '../../src/lib/shared/forms.ts';
import * as accountPage from '../../src/routes/(app)/account/+page.server.ts';
import * as settingsPage from '../../src/routes/(app)/admin/settings/+page.server.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestUser, type TestUser } from '../support/factories.ts';

// The workspace time zone (admin settings page) and each person's own (account page), driven
// through their real loads and actions: admins only, an unknown zone refused with its sentence and
// what was sent kept, the change audited and announced so every process forgets its copy.

const ORIGIN = 'http://relais.test';
type Failure = ActionFailure<FormFailure & { timeZoneRefused?: true }>;

describe.each(drivers())('time zone settings on %s', (driver) => {
	let database: TestDatabase;
	let bus: LiveBus;
	let admin: TestUser;
	let manager: TestUser;
	let partnerAdmin: TestUser;

	beforeAll(async () => {
		database = await freshDatabase(driver);
		bus = await startLiveBus(database, pino({ level: 'silent' }));
		admin = await createTestUser(database.db, { role: 'admin' });
		manager = await createTestUser(database.db, { role: 'manager' });
		partnerAdmin = await createTestUser(database.db, { role: 'partner_admin' });
	});
	afterAll(async () => {
		await bus?.stop();
		await database?.drop();
	});

	/** Runs a load or action the way SvelteKit calls it; its result or what it threw. */
	async function run<E>(
		handler: (event: E) => unknown,
		person: TestUser,
		path: string,
		form?: Record<string, string>
	): Promise<{ value?: unknown; thrown?: unknown }> {
		const url = new URL(path, ORIGIN);
		let body: FormData | undefined;
		if (form) {
			body = new FormData();
			for (const [key, value] of Object.entries(form)) body.set(key, value);
		}
		const auth = await validateSessionToken(database.db, person.token);
		const event = {
			url,
			params: {},
			request: new Request(url, body ? { method: 'POST', body } : {}),
			locals: { user: auth.user, session: auth.session, runtime: { db: database.db, bus } },
			getClientAddress: () => '127.0.0.1',
			setHeaders: () => {}
		} as unknown as E;
		try {
			return { value: await handler(event) };
		} catch (thrown) {
			return { thrown };
		}
	}

	const failure = (outcome: { value?: unknown; thrown?: unknown }): Failure => {
		if (outcome.thrown) throw outcome.thrown;
		if (!isActionFailure(outcome.value)) {
			throw new Error(`expected a form failure, got ${JSON.stringify(outcome.value)}`);
		}
		return outcome.value as unknown as Failure;
	};
	const status = (outcome: { thrown?: unknown }) =>
		isHttpError(outcome.thrown) ? outcome.thrown.status : outcome.thrown;
	const stored = async () => {
		const [row] = await database.db.select().from(tables.workspaceSettings);
		return row.timeZone;
	};

	const LATE_EVENING = new Date('2026-03-31T23:30:00Z');

	it('starts in Europe/Paris, which the admin page shows', async () => {
		expect((await getWorkspaceSettings(database.db)).timeZone).toBe('Europe/Paris');
		const page = await run(settingsPage.load, admin, '/admin/settings');
		expect(page.value).toMatchObject({ settings: { timeZone: 'Europe/Paris' } });
		expect((page.value as { timeZones: string[] }).timeZones).toContain('America/New_York');
		// Today is the workspace's day: at 23:30 UTC on 31 March, already 1 April in Paris.
		expect(await workspaceDay(database.db, LATE_EVENING)).toBe('2026-04-01');
	});

	it('lets an admin change it: stored, audited, read at once by this process', async () => {
		const outcome = await run(settingsPage.actions.default, admin, '/admin/settings', {
			timeZone: 'America/New_York'
		});
		expect(outcome).toEqual({ value: { saved: true } });
		expect(await stored()).toBe('America/New_York');
		expect((await getWorkspaceSettings(database.db)).timeZone).toBe('America/New_York');
		expect(await workspaceDay(database.db, LATE_EVENING)).toBe('2026-03-31');
		const audit = await database.db
			.select()
			.from(tables.auditLog)
			.where(
				and(
					eq(tables.auditLog.action, 'workspace.time_zone_changed'),
					eq(tables.auditLog.actorId, admin.user.id)
				)
			);
		expect(audit.map((a) => a.data)).toEqual([{ from: 'Europe/Paris', to: 'America/New_York' }]);
		// Everyone without a zone of their own now reads in it.
		const me = await validateSessionToken(database.db, manager.token);
		expect(await requestTimeZone(database.db, me.user)).toBe('America/New_York');
	});

	it('refuses every other role, on the page and its action, and changes nothing', async () => {
		for (const person of [manager, partnerAdmin]) {
			expect(status(await run(settingsPage.load, person, '/admin/settings'))).toBe(403);
			const outcome = await run(settingsPage.actions.default, person, '/admin/settings', {
				timeZone: 'Asia/Tokyo'
			});
			expect(status(outcome)).toBe(403);
		}
		expect(await stored()).toBe('America/New_York');
	});

	it('refuses an unknown zone with a 400 that says why and keeps what was sent', async () => {
		for (const typed of ['Mars/Olympus_Mons', 'europe/paris', '']) {
			const refused = failure(
				await run(settingsPage.actions.default, admin, '/admin/settings', { timeZone: typed })
			);
			expect(refused.status).toBe(400);
			expect(refused.data.fieldErrors.timeZone).toEqual({ key: 'error_time_zone' });
			expect(refused.data.values.timeZone).toBe(typed);
		}
		expect(m.error_time_zone({}, { locale: 'en' })).toBe('Choose a time zone from the list.');
		expect(m.error_time_zone({}, { locale: 'fr' })).toBe(
			'Choisissez un fuseau horaire dans la liste.'
		);
		expect(await stored()).toBe('America/New_York');
	});

	it('makes every process forget its copy when any process changes it', async () => {
		const stop = watchWorkspaceSettings(database.db, bus);
		try {
			expect((await getWorkspaceSettings(database.db)).timeZone).toBe('America/New_York');
			// Another process changed the row and announced it.
			const announced = new Promise<void>((resolve) => {
				const off = bus.subscribe((event) => {
					if (event.type === SETTINGS_CHANGED) {
						off();
						resolve();
					}
				});
			});
			await database.db.transaction(async (tx) => {
				await tx.update(tables.workspaceSettings).set({ timeZone: 'Asia/Tokyo' });
				await publishLiveEvent(tx, {
					type: SETTINGS_CHANGED,
					audience: { everyone: true },
					data: {}
				});
			});
			await announced;
			expect((await getWorkspaceSettings(database.db)).timeZone).toBe('Asia/Tokyo');
		} finally {
			stop();
		}
	});

	it("lets each person choose their own zone on the account page, the workspace's by default", async () => {
		const before = await run(accountPage.load, partnerAdmin, '/account');
		expect(before.value).toMatchObject({ timeZone: { own: null, workspace: 'Asia/Tokyo' } });

		const saved = await run(accountPage.actions.timeZone, partnerAdmin, '/account', {
			timeZone: 'Europe/Paris'
		});
		expect(saved).toEqual({ value: { timeZoneSaved: true } });
		const after = await run(accountPage.load, partnerAdmin, '/account');
		expect(after.value).toMatchObject({ timeZone: { own: 'Europe/Paris' } });
		let me = await validateSessionToken(database.db, partnerAdmin.token);
		expect(await requestTimeZone(database.db, me.user)).toBe('Europe/Paris');

		const refused = failure(
			await run(accountPage.actions.timeZone, partnerAdmin, '/account', {
				timeZone: 'Europe/Atlantis'
			})
		);
		expect(refused.status).toBe(400);
		expect(refused.data.fieldErrors.timeZone).toEqual({ key: 'error_time_zone' });
		expect(refused.data.values.timeZone).toBe('Europe/Atlantis');
		me = await validateSessionToken(database.db, partnerAdmin.token);
		expect(me.user?.timeZone).toBe('Europe/Paris');

		// The empty choice: back to the workspace's.
		await run(accountPage.actions.timeZone, partnerAdmin, '/account', { timeZone: '' });
		me = await validateSessionToken(database.db, partnerAdmin.token);
		expect(me.user?.timeZone).toBeNull();
		expect(await requestTimeZone(database.db, me.user)).toBe('Asia/Tokyo');
	});

	it('reads the row again after forgetting it', async () => {
		forgetWorkspaceSettings(database.db);
		expect((await getWorkspaceSettings(database.db)).timeZone).toBe(await stored());
	});
});
