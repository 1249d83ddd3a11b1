import { and, eq, gt, isNull } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	changePassword,
	getPasswordResetStatus,
	requestPasswordReset,
	resetPassword
} from '../../src/lib/server/auth/index.ts';
import {
	scheduleSessionJobs,
	sessionJobHandlers,
	SESSIONS_PURGE_JOB
} from '../../src/lib/server/auth/purge.ts';
import type { DomainError } from '../../src/lib/server/errors.ts';
import { createSession, generateToken } from '../../src/lib/server/auth/sessions.ts';
import { tables } from '../../src/lib/server/db/index.ts';
import { startJobRunner } from '../../src/lib/server/jobs/index.ts';
import { startLiveBus } from '../../src/lib/server/live/index.ts';
import type { LiveEvent } from '../../src/lib/server/live/index.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestUser, type TestUser } from '../support/factories.ts';

// What happens to sessions and reset links over their life: a reset link used, or a password
// changed on the account page, spends every other link still out for that person; expired
// sessions are deleted by a recurring job run by the real job runner, and live ones stay.

const log = pino({ level: 'silent' });
const PASSWORD = 'correct horse battery';

describe.each(drivers())('sessions and reset links over time on %s', (driver) => {
	let database: TestDatabase;
	beforeAll(async () => {
		database = await freshDatabase(driver);
	});
	afterAll(() => database?.drop());

	const mailed = new Set<string>();

	/** Asks for a reset link as the forgot-password form does; the token mailed. */
	async function askForLink(person: TestUser, ip: string): Promise<string> {
		await requestPasswordReset(database.db, person.user.email, {
			origin: 'http://relais.test',
			locale: 'en',
			mail: { smtpUrl: undefined },
			ip
		});
		const mails = await database.db
			.select({ text: tables.emailOutbox.bodyText })
			.from(tables.emailOutbox)
			.where(eq(tables.emailOutbox.toAddress, person.user.email));
		const fresh = mails
			.map((mail) => /\/reset-password\/(\S+)/.exec(mail.text)?.[1])
			.filter((token): token is string => token !== undefined && !mailed.has(token));
		if (fresh.length !== 1) throw new Error(`expected one new link for ${person.user.email}`);
		mailed.add(fresh[0]);
		return fresh[0];
	}

	const statuses = (tokens: string[]) =>
		Promise.all(tokens.map((token) => getPasswordResetStatus(database.db, token)));

	it('using one of several reset links spends all the others of that person', async () => {
		const person = await createTestUser(database.db, { role: 'rep', password: PASSWORD });
		const neighbour = await createTestUser(database.db, { role: 'rep', password: PASSWORD });
		const links = [
			await askForLink(person, '10.60.0.1'),
			await askForLink(person, '10.60.0.2'),
			await askForLink(person, '10.60.0.3')
		];
		const theirs = await askForLink(neighbour, '10.60.0.4');
		expect(new Set(links).size).toBe(3);
		expect(await statuses(links)).toEqual(['valid', 'valid', 'valid']);

		await resetPassword(database.db, links[1], 'un-secret-tout-neuf');

		expect(await statuses(links)).toEqual(['used', 'used', 'used']);
		for (const token of [links[0], links[2]]) {
			await expect(resetPassword(database.db, token, 'un-autre-secret')).rejects.toMatchObject({
				code: 'TOKEN_USED'
			} satisfies Partial<DomainError>);
		}
		// Someone else's link is theirs alone.
		expect(await statuses([theirs])).toEqual(['valid']);
	});

	it('changing one’s password on the account page spends every reset link still out', async () => {
		const person = await createTestUser(database.db, { role: 'rep', password: PASSWORD });
		const links = [await askForLink(person, '10.61.0.1'), await askForLink(person, '10.61.0.2')];
		expect(await statuses(links)).toEqual(['valid', 'valid']);

		await changePassword(database.db, person.user.id, person.session.id, {
			current: PASSWORD,
			next: 'un-secret-choisi-ici'
		});

		expect(await statuses(links)).toEqual(['used', 'used']);
		await expect(resetPassword(database.db, links[0], 'un-autre-secret')).rejects.toMatchObject({
			code: 'TOKEN_USED'
		});
		const open = await database.db
			.select()
			.from(tables.passwordResets)
			.where(
				and(eq(tables.passwordResets.userId, person.user.id), isNull(tables.passwordResets.usedAt))
			);
		expect(open).toEqual([]);
	});

	it('a recurring job run by the job runner deletes expired sessions, keeps live ones, and comes back', async () => {
		const ada = await createTestUser(database.db, { role: 'rep' });
		const bob = await createTestUser(database.db, { role: 'rep' });
		const expired: string[] = [];
		for (const [person, hoursAgo] of [
			[ada, 1],
			[ada, 24 * 40],
			[bob, 2]
		] as const) {
			const session = await createSession(database.db, generateToken(), person.user.id);
			await database.db
				.update(tables.sessions)
				.set({ expiresAt: new Date(Date.now() - hoursAgo * 3600_000) })
				.where(eq(tables.sessions.id, session.id));
			expired.push(session.id);
		}
		const live = [ada.session.id, bob.session.id];
		const events: LiveEvent[] = [];
		const bus = await startLiveBus(database, log);
		const unsubscribe = bus.subscribe((event) => events.push(event));

		await scheduleSessionJobs(database.db);
		const runner = startJobRunner({
			db: database.db,
			log,
			handlers: sessionJobHandlers(),
			pollMs: 50
		});
		try {
			await expect
				.poll(async () => {
					const [done] = await database.db
						.select({ id: tables.jobs.id })
						.from(tables.jobs)
						.where(and(eq(tables.jobs.kind, SESSIONS_PURGE_JOB), gt(tables.jobs.attempts, 0)));
					return Boolean(done);
				})
				.toBe(true);
			await expect
				.poll(() => database.db.select({ id: tables.sessions.id }).from(tables.sessions))
				.not.toEqual(expect.arrayContaining([{ id: expired[0] }]));
		} finally {
			await runner.stop();
		}

		const left = (await database.db.select({ id: tables.sessions.id }).from(tables.sessions)).map(
			(r) => r.id
		);
		for (const id of expired) expect(left).not.toContain(id);
		for (const id of live) expect(left).toContain(id);

		// The run ended the expired sessions like any ending: their live connections are told.
		await expect
			.poll(() =>
				events
					.filter((e) => e.type === 'session.revoked')
					.flatMap((e) => e.data.sessionIds as string[])
					.sort()
			)
			.toEqual([...expired].sort());
		unsubscribe();
		await bus.stop();

		// The next run waits an hour from now, and only one does.
		const waiting = await database.db
			.select({ runAt: tables.jobs.runAt, doneAt: tables.jobs.doneAt })
			.from(tables.jobs)
			.where(and(eq(tables.jobs.kind, SESSIONS_PURGE_JOB), isNull(tables.jobs.doneAt)));
		expect(waiting).toHaveLength(1);
		expect(waiting[0].runAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
	});
});
