import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	acceptInvitation,
	changePassword,
	getInvitation,
	getPasswordResetStatus,
	inviteUser,
	login,
	requestPasswordReset,
	resetPassword,
	validateSessionToken
} from '../../src/lib/server/auth/index.ts';
import { SESSION_TTL } from '../../src/lib/server/auth/sessions.ts';
import { tables } from '../../src/lib/server/db/index.ts';
import { DomainError } from '../../src/lib/server/errors.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestOrganisation, createTestUser, type TestUser } from '../support/factories.ts';

const PASSWORD = 'correct horse battery';
const noSmtp = { smtpUrl: undefined };
const ctx = { origin: 'http://relais.test', mail: noSmtp, ip: '10.8.0.1' };

async function codeOf(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof DomainError) return error.code;
		throw error;
	}
	return 'NO_ERROR';
}

/** The link in the newest outbox message to this address. */
async function linkFromOutbox(database: TestDatabase, to: string): Promise<string> {
	const [mail] = await database.db
		.select()
		.from(tables.emailOutbox)
		.where(eq(tables.emailOutbox.toAddress, to))
		.orderBy(desc(tables.emailOutbox.createdAt))
		.limit(1);
	const link = mail?.bodyText.match(/https?:\/\/\S+/)?.[0];
	if (!link) throw new Error(`no link mailed to ${to}`);
	return link;
}

describe('signing in', () => {
	let database: TestDatabase;
	let admin: TestUser;
	beforeAll(async () => {
		database = await freshDatabase();
		admin = await createTestUser(database.db, {
			role: 'admin',
			password: PASSWORD,
			email: 'ada@relais.test'
		});
	});
	afterAll(() => database.drop());

	it('opens a session for the right password, whatever the case of the e-mail', async () => {
		const result = await login(database.db, {
			email: 'ADA@relais.test',
			password: PASSWORD,
			ip: '10.0.0.1'
		});
		const { user } = await validateSessionToken(database.db, result.token);
		expect(user?.id).toBe(admin.user.id);
	});

	it('gives the same refusal for a wrong password and an unknown e-mail', async () => {
		expect(
			await codeOf(
				login(database.db, { email: 'ada@relais.test', password: 'nope', ip: '10.0.0.2' })
			)
		).toBe('INVALID_CREDENTIALS');
		expect(
			await codeOf(
				login(database.db, { email: 'nobody@relais.test', password: 'nope', ip: '10.0.0.2' })
			)
		).toBe('INVALID_CREDENTIALS');
	});

	it('limits failed attempts per account, even from many addresses, and says when to retry', async () => {
		const victim = await createTestUser(database.db, { role: 'rep', password: PASSWORD });
		for (let i = 0; i < 5; i++) {
			await codeOf(
				login(database.db, { email: victim.user.email, password: 'guess', ip: `10.1.0.${i}` })
			);
		}
		const refused = login(database.db, {
			email: victim.user.email,
			password: PASSWORD,
			ip: '10.1.1.1'
		});
		await expect(refused).rejects.toMatchObject({ code: 'RATE_LIMITED' });
		await refused.catch((error: DomainError) => expect(error.retryAfterSeconds).toBeGreaterThan(0));
	});

	it('limits failed attempts per address across accounts', async () => {
		for (let i = 0; i < 30; i++) {
			await codeOf(
				login(database.db, { email: `x${i}@relais.test`, password: 'guess', ip: '10.9.9.9' })
			);
		}
		expect(
			await codeOf(
				login(database.db, { email: 'ada@relais.test', password: PASSWORD, ip: '10.9.9.9' })
			)
		).toBe('RATE_LIMITED');
	});

	it('refuses a deactivated user and ends the sessions they still hold', async () => {
		const gone = await createTestUser(database.db, { role: 'rep', password: PASSWORD });
		await database.db
			.update(tables.users)
			.set({ active: false })
			.where(eq(tables.users.id, gone.user.id));
		expect(
			await codeOf(
				login(database.db, { email: gone.user.email, password: PASSWORD, ip: '10.2.0.1' })
			)
		).toBe('INVALID_CREDENTIALS');
		expect((await validateSessionToken(database.db, gone.token)).user).toBeNull();
		const left = await database.db
			.select()
			.from(tables.sessions)
			.where(eq(tables.sessions.userId, gone.user.id));
		expect(left).toEqual([]);
	});

	it('refuses the people of a suspended partner', async () => {
		const partner = await createTestOrganisation(database.db);
		const member = await createTestUser(database.db, {
			role: 'partner_member',
			organisation: partner,
			password: PASSWORD
		});
		await database.db
			.update(tables.organisations)
			.set({ status: 'suspended' })
			.where(eq(tables.organisations.id, partner.id));
		expect((await validateSessionToken(database.db, member.token)).user).toBeNull();
		expect(
			await codeOf(
				login(database.db, { email: member.user.email, password: PASSWORD, ip: '10.3.0.1' })
			)
		).toBe('INVALID_CREDENTIALS');
	});

	it('treats a tampered or foreign cookie as no session', async () => {
		expect((await validateSessionToken(database.db, admin.token + 'x')).user).toBeNull();
		expect((await validateSessionToken(database.db, "'; drop table users; --")).user).toBeNull();
		expect((await validateSessionToken(database.db, '')).user).toBeNull();
	});

	it('slides the expiry forward once half of the 30 days are used, and ends expired sessions', async () => {
		const someone = await createTestUser(database.db, { role: 'rep' });
		const soon = new Date(Date.now() + 5 * 24 * 3600_000);
		await database.db
			.update(tables.sessions)
			.set({ expiresAt: soon })
			.where(eq(tables.sessions.id, someone.session.id));
		const renewed = await validateSessionToken(database.db, someone.token);
		expect(renewed.session!.expiresAt.getTime()).toBeGreaterThan(Date.now() + SESSION_TTL - 60_000);
		await database.db
			.update(tables.sessions)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(tables.sessions.id, someone.session.id));
		expect((await validateSessionToken(database.db, someone.token)).user).toBeNull();
	});

	it('changes a password only with the current one, ends the other sessions and keeps this one', async () => {
		const person = await createTestUser(database.db, { role: 'rep', password: PASSWORD });
		const elsewhere = await login(database.db, {
			email: person.user.email,
			password: PASSWORD,
			ip: '10.4.0.1'
		});
		expect(
			await codeOf(
				changePassword(database.db, person.user.id, person.session.id, {
					current: 'wrong',
					next: 'another password'
				})
			)
		).toBe('WRONG_PASSWORD');
		await changePassword(database.db, person.user.id, person.session.id, {
			current: PASSWORD,
			next: 'another password'
		});
		expect((await validateSessionToken(database.db, elsewhere.token)).user).toBeNull();
		expect((await validateSessionToken(database.db, person.token)).user?.id).toBe(person.user.id);
	});
});

describe('invitations', () => {
	let database: TestDatabase;
	let admin: TestUser;
	let alphaAdmin: TestUser;
	beforeAll(async () => {
		database = await freshDatabase();
		admin = await createTestUser(database.db, { role: 'admin', name: 'Ada Admin' });
		const alpha = await createTestOrganisation(database.db, { name: 'Alpha' });
		alphaAdmin = await createTestUser(database.db, {
			role: 'partner_admin',
			organisation: alpha,
			name: 'Paul Alpha'
		});
	});
	afterAll(() => database.drop());

	const actor = (u: TestUser) => ({
		id: u.user.id,
		name: u.user.name,
		role: u.user.role,
		organisationId: u.organisation.id,
		organisationKind: u.organisation.kind
	});

	it('lets a partner admin invite a colleague, who joins through the mailed link', async () => {
		await inviteUser(
			database.db,
			actor(alphaAdmin),
			{
				email: 'new.colleague@alpha.test',
				role: 'partner_member',
				organisationId: alphaAdmin.organisation.id,
				locale: 'fr'
			},
			ctx
		);
		const link = await linkFromOutbox(database, 'new.colleague@alpha.test');
		const token = link.split('/invitation/')[1];
		const view = await getInvitation(database.db, token);
		expect(view).toMatchObject({
			status: 'valid',
			organisationName: 'Alpha',
			role: 'partner_member'
		});

		const joined = await acceptInvitation(database.db, token, {
			name: 'Nina Colleague',
			password: PASSWORD,
			locale: 'fr'
		});
		const { user } = await validateSessionToken(database.db, joined.token);
		expect(user).toMatchObject({
			name: 'Nina Colleague',
			role: 'partner_member',
			organisationId: alphaAdmin.organisation.id
		});

		// The inviter is told, and the link cannot be used twice.
		const notes = await database.db
			.select()
			.from(tables.notifications)
			.where(eq(tables.notifications.userId, alphaAdmin.user.id));
		expect(notes.map((n) => n.kind)).toContain('invitation_accepted');
		expect(
			await codeOf(
				acceptInvitation(database.db, token, { name: 'Again', password: PASSWORD, locale: 'fr' })
			)
		).toBe('TOKEN_USED');
		expect((await getInvitation(database.db, token)).status).toBe('used');
	});

	it('refuses a partner admin inviting into another partner, or with a host role', async () => {
		const beta = await createTestOrganisation(database.db, { name: 'Beta' });
		expect(
			await codeOf(
				inviteUser(
					database.db,
					actor(alphaAdmin),
					{ email: 'x@beta.test', role: 'partner_member', organisationId: beta.id, locale: 'en' },
					ctx
				)
			)
		).toBe('FORBIDDEN');
		expect(
			await codeOf(
				inviteUser(
					database.db,
					actor(alphaAdmin),
					{
						email: 'x@alpha.test',
						role: 'admin',
						organisationId: alphaAdmin.organisation.id,
						locale: 'en'
					},
					ctx
				)
			)
		).toBe('FORBIDDEN');
	});

	it('refuses an e-mail that already has an account', async () => {
		expect(
			await codeOf(
				inviteUser(
					database.db,
					actor(admin),
					{
						email: admin.user.email.toUpperCase(),
						role: 'rep',
						organisationId: admin.organisation.id,
						locale: 'en'
					},
					ctx
				)
			)
		).toBe('EMAIL_TAKEN');
	});

	it('refuses an expired invitation and a replaced one, and a malformed token', async () => {
		await inviteUser(
			database.db,
			actor(admin),
			{
				email: 'late@relais.test',
				role: 'rep',
				organisationId: admin.organisation.id,
				locale: 'en'
			},
			ctx
		);
		const first = (await linkFromOutbox(database, 'late@relais.test')).split('/invitation/')[1];
		await new Promise((resolve) => setTimeout(resolve, 5));
		await inviteUser(
			database.db,
			actor(admin),
			{
				email: 'late@relais.test',
				role: 'rep',
				organisationId: admin.organisation.id,
				locale: 'en'
			},
			ctx
		);
		const second = (await linkFromOutbox(database, 'late@relais.test')).split('/invitation/')[1];
		expect(second).not.toBe(first);
		expect((await getInvitation(database.db, first)).status).toBe('revoked');

		await database.db
			.update(tables.invitations)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(tables.invitations.email, 'late@relais.test'));
		expect(
			await codeOf(
				acceptInvitation(database.db, second, { name: 'Late', password: PASSWORD, locale: 'en' })
			)
		).toBe('TOKEN_EXPIRED');
		expect((await getInvitation(database.db, 'not-a-token!')).status).toBe('invalid');
		expect((await getInvitation(database.db, 'a'.repeat(32))).status).toBe('invalid');
	});
});

describe('password reset', () => {
	let database: TestDatabase;
	let person: TestUser;
	beforeAll(async () => {
		database = await freshDatabase();
		person = await createTestUser(database.db, {
			role: 'rep',
			password: PASSWORD,
			email: 'remi@relais.test'
		});
	});
	afterAll(() => database.drop());

	it('mails a link that sets a new password once and ends every session', async () => {
		await requestPasswordReset(database.db, 'Remi@Relais.test', { ...ctx, locale: 'fr' });
		const token = (await linkFromOutbox(database, 'Remi@Relais.test')).split('/reset-password/')[1];
		expect(await getPasswordResetStatus(database.db, token)).toBe('valid');
		await resetPassword(database.db, token, 'a brand new secret');
		expect((await validateSessionToken(database.db, person.token)).user).toBeNull();
		const again = await login(database.db, {
			email: 'remi@relais.test',
			password: 'a brand new secret',
			ip: '10.5.0.1'
		});
		expect(again.token).toBeTruthy();
		expect(await codeOf(resetPassword(database.db, token, 'yet another secret'))).toBe(
			'TOKEN_USED'
		);
	});

	it('sends nothing for an unknown e-mail, and answers the same', async () => {
		await expect(
			requestPasswordReset(database.db, 'ghost@relais.test', { ...ctx, locale: 'en' })
		).resolves.toBeUndefined();
		const mails = await database.db
			.select()
			.from(tables.emailOutbox)
			.where(eq(tables.emailOutbox.toAddress, 'ghost@relais.test'));
		expect(mails).toEqual([]);
	});

	it('refuses an expired link', async () => {
		await requestPasswordReset(database.db, 'remi@relais.test', { ...ctx, locale: 'en' });
		const token = (await linkFromOutbox(database, 'remi@relais.test')).split('/reset-password/')[1];
		await database.db.update(tables.passwordResets).set({ expiresAt: new Date(Date.now() - 1) });
		expect(await getPasswordResetStatus(database.db, token)).toBe('expired');
		expect(await codeOf(resetPassword(database.db, token, 'whatever secret'))).toBe(
			'TOKEN_EXPIRED'
		);
	});
});
