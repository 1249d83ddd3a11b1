import { isActionFailure, isHttpError, isRedirect, type ActionFailure } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	getInvitation,
	getPasswordResetStatus,
	inviteUser,
	requestPasswordReset,
	validateSessionToken
} from '../../src/lib/server/auth/index.ts';
import { SESSION_COOKIE } from '../../src/lib/server/auth/sessions.ts';
import { tables } from '../../src/lib/server/db/index.ts';
import { startLiveBus, type LiveBus } from '../../src/lib/server/live/index.ts';
import type { FormFailure, MessageRef } from '../../src/lib/shared/forms.ts';
import * as accountPage from '../../src/routes/(app)/account/+page.server.ts';
import * as invitationPage from '../../src/routes/(auth)/invitation/[token]/+page.server.ts';
import * as resetPage from '../../src/routes/(auth)/reset-password/[token]/+page.server.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestUser, type TestUser } from '../support/factories.ts';

// The three forms that take a new password (accept an invitation, reset a password, change it on
// the account page), driven through their real route actions: empty and oversized fields get a 400
// with the field's message, what was typed comes back except secrets, and nothing saved changes
// (the invitation and the reset link stay usable, the password and the sessions stay as they
// were). Links that cannot be used answer 404 (forged) or 410 (expired, used) from the page's load
// and from its action alike.

const PASSWORD = 'correct horse battery';
const ORIGIN = 'http://relais.test';
const noSmtp = { smtpUrl: undefined };

type Failure = ActionFailure<FormFailure>;

/** A cookie jar with the part of SvelteKit's `cookies` the actions use. */
function jar(initial: Record<string, string> = {}) {
	const values = new Map(Object.entries(initial));
	return {
		values,
		get: (name: string) => values.get(name),
		set: (name: string, value: string) => void values.set(name, value),
		delete: (name: string) => void values.delete(name),
		getAll: () => [...values].map(([name, value]) => ({ name, value })),
		serialize: () => ''
	};
}

// The live bus of each database: password changes and resets wait for their `session.revoked`.
const buses = new Map<TestDatabase, Promise<LiveBus>>();
function busOf(database: TestDatabase): Promise<LiveBus> {
	let bus = buses.get(database);
	if (!bus) {
		bus = startLiveBus(database, pino({ level: 'silent' }));
		buses.set(database, bus);
	}
	return bus;
}

/** Runs an action or load the way SvelteKit calls it; returns its result or what it threw. */
async function run<E>(
	handler: (event: E) => unknown,
	options: {
		database: TestDatabase;
		path: string;
		params?: Record<string, string>;
		form?: Record<string, string>;
		person?: TestUser;
	}
): Promise<{ value?: unknown; thrown?: unknown; cookies: ReturnType<typeof jar> }> {
	const url = new URL(options.path, ORIGIN);
	let body: FormData | undefined;
	if (options.form) {
		body = new FormData();
		for (const [key, value] of Object.entries(options.form)) body.set(key, value);
	}
	const cookies = jar(options.person ? { [SESSION_COOKIE]: options.person.token } : {});
	const auth = options.person
		? await validateSessionToken(options.database.db, options.person.token)
		: { session: null, user: null };
	const event = {
		url,
		params: options.params ?? {},
		request: new Request(url, body ? { method: 'POST', body } : {}),
		locals: {
			user: auth.user,
			session: auth.session,
			runtime: {
				db: options.database.db,
				bus: await busOf(options.database),
				config: { smtpUrl: undefined }
			}
		},
		cookies,
		getClientAddress: () => '127.0.0.1',
		setHeaders: () => {}
	} as unknown as E;
	try {
		return { value: await handler(event), cookies };
	} catch (thrown) {
		return { thrown, cookies };
	}
}

function failure(outcome: { value?: unknown; thrown?: unknown }): Failure {
	if (outcome.thrown) throw outcome.thrown;
	if (!isActionFailure(outcome.value)) {
		throw new Error(`expected a form failure, got ${JSON.stringify(outcome.value)}`);
	}
	return outcome.value as unknown as Failure;
}

/** The status and message of the error page an action or load answered with. */
function errorPage(outcome: { value?: unknown; thrown?: unknown }) {
	if (!isHttpError(outcome.thrown)) {
		throw new Error(`expected an error page, got ${JSON.stringify(outcome)}`);
	}
	return { status: outcome.thrown.status, ...outcome.thrown.body };
}

const long = (n: number) => 'x'.repeat(n);

// The refused submissions, and what each must say about which field.
type Case = {
	name: string;
	form: Record<string, string>;
	field: string;
	message: MessageRef;
	also?: Record<string, MessageRef>;
};
const NEW_PASSWORD_CASES: Case[] = [
	{
		name: 'an empty password',
		form: { password: '', confirm: '' },
		field: 'password',
		message: { key: 'error_too_short', params: { min: 10 } }
	},
	{
		name: 'a password too short',
		form: { password: 'court-123', confirm: 'court-123' },
		field: 'password',
		message: { key: 'error_too_short', params: { min: 10 } }
	},
	{
		name: 'an oversized password',
		form: { password: long(201), confirm: long(201) },
		field: 'password',
		message: { key: 'error_too_long', params: { max: 200 } },
		// The confirmation has the same limit.
		also: { confirm: { key: 'error_too_long', params: { max: 200 } } }
	},
	{
		name: 'a confirmation that differs',
		form: { password: 'un-secret-solide-1', confirm: 'un-secret-solide-2' },
		field: 'confirm',
		message: { key: 'error_passwords_differ' }
	}
];

describe.each(drivers())('the password forms on %s', (driver) => {
	let database: TestDatabase;
	let admin: TestUser;

	beforeAll(async () => {
		database = await freshDatabase(driver);
		admin = await createTestUser(database.db, { role: 'admin', name: 'Ada Admin' });
	});
	afterAll(async () => {
		await (await buses.get(database))?.stop();
		await database?.drop();
	});

	async function invite(email: string): Promise<string> {
		const { link } = await inviteUser(
			database.db,
			{
				id: admin.user.id,
				name: admin.user.name,
				role: 'admin',
				organisationId: admin.organisation.id,
				organisationKind: 'host'
			},
			{ email, role: 'rep', organisationId: admin.organisation.id, locale: 'en' },
			{ origin: ORIGIN, mail: noSmtp }
		);
		return link.split('/invitation/')[1];
	}

	async function resetLink(email: string): Promise<string> {
		await requestPasswordReset(database.db, email, {
			origin: ORIGIN,
			locale: 'en',
			mail: noSmtp,
			ip: '10.8.0.2'
		});
		const [mail] = await database.db
			.select()
			.from(tables.emailOutbox)
			.where(eq(tables.emailOutbox.toAddress, email));
		const link = mail?.bodyText.match(/https?:\/\/\S+\/reset-password\/(\S+)/)?.[1];
		if (!link) throw new Error(`no reset link mailed to ${email}`);
		return link;
	}

	const passwordHash = async (userId: string) =>
		(
			await database.db
				.select({ hash: tables.users.passwordHash })
				.from(tables.users)
				.where(eq(tables.users.id, userId))
		)[0]?.hash;

	const usersWithEmail = async (email: string) =>
		database.db.select().from(tables.users).where(eq(tables.users.email, email));

	describe('accepting an invitation', () => {
		const submit = (token: string, form: Record<string, string>) =>
			run(invitationPage.actions.default, {
				database,
				path: `/invitation/${token}`,
				params: { token },
				form
			});

		it('refuses an empty or oversized name with the field’s message, keeping the invitation usable', async () => {
			const email = 'lea.empty@relais.test';
			const token = await invite(email);
			for (const [name, message] of [
				['', { key: 'error_required' }],
				['   ', { key: 'error_required' }],
				[long(101), { key: 'error_too_long', params: { max: 100 } }]
			] as const) {
				const refused = failure(
					await submit(token, { name, password: PASSWORD, confirm: PASSWORD })
				);
				expect(refused.status).toBe(400);
				expect(refused.data.fieldErrors).toEqual({ name: message });
				expect(refused.data.message).toEqual({ key: 'error_form' });
				expect(refused.data.values.name).toBe(name);
				expect(refused.data.values).not.toHaveProperty('password');
			}
			expect(await usersWithEmail(email)).toEqual([]);
			expect((await getInvitation(database.db, token)).status).toBe('valid');
		});

		it.each(NEW_PASSWORD_CASES)(
			'refuses $name with the field’s message, keeps the name typed and the invitation usable',
			async ({ form, field, message, also }) => {
				const email = `lea.${field}.${Math.random().toString(36).slice(2, 8)}@relais.test`;
				const token = await invite(email);
				const refused = failure(await submit(token, { name: 'Léa Moreau', ...form }));
				expect(refused.status).toBe(400);
				expect(refused.data.fieldErrors).toEqual({ [field]: message, ...also });
				expect(refused.data.values.name).toBe('Léa Moreau');
				expect(refused.data.values).not.toHaveProperty('password');

				expect(await usersWithEmail(email)).toEqual([]);
				expect((await getInvitation(database.db, token)).status).toBe('valid');
				// The same link then works.
				const accepted = await submit(token, {
					name: 'Léa Moreau',
					password: PASSWORD,
					confirm: PASSWORD
				});
				expect(isRedirect(accepted.thrown) && accepted.thrown.location).toBe('/');
				expect(accepted.cookies.get(SESSION_COOKIE)).toBeTruthy();
				expect(await usersWithEmail(email)).toMatchObject([{ name: 'Léa Moreau' }]);
			}
		);

		it('answers 410 for a used or expired invitation and 404 for a forged one, from the page and the form', async () => {
			const used = await invite('lea.used@relais.test');
			await submit(used, { name: 'Léa', password: PASSWORD, confirm: PASSWORD });
			const expired = await invite('lea.expired@relais.test');
			await database.db
				.update(tables.invitations)
				.set({ expiresAt: new Date(Date.now() - 1000) })
				.where(eq(tables.invitations.email, 'lea.expired@relais.test'));
			const forged = 'a'.repeat(32);

			for (const [token, status, code, text] of [
				[used, 410, 'TOKEN_USED', /already been used/],
				[expired, 410, 'TOKEN_EXPIRED', /expired/],
				[forged, 404, 'TOKEN_INVALID', /not valid/],
				['not-even-a-token', 404, 'TOKEN_INVALID', /not valid/]
			] as const) {
				const page = errorPage(
					await run(invitationPage.load, {
						database,
						path: `/invitation/${token}`,
						params: { token }
					})
				);
				expect(page).toEqual({ status, code, message: expect.stringMatching(text) });
				const form = errorPage(
					await submit(token, { name: 'Again', password: PASSWORD, confirm: PASSWORD })
				);
				expect(form).toEqual(page);
			}
			expect(await usersWithEmail('lea.expired@relais.test')).toEqual([]);
		});
	});

	describe('resetting a password', () => {
		const submit = (token: string, form: Record<string, string>) =>
			run(resetPage.actions.default, {
				database,
				path: `/reset-password/${token}`,
				params: { token },
				form
			});

		it.each(NEW_PASSWORD_CASES)(
			'refuses $name with the field’s message; the link, the password and the sessions stay',
			async ({ form, field, message, also }) => {
				const person = await createTestUser(database.db, { role: 'rep', password: PASSWORD });
				const before = await passwordHash(person.user.id);
				const token = await resetLink(person.user.email);

				const refused = failure(await submit(token, form));
				expect(refused.status).toBe(400);
				expect(refused.data.fieldErrors).toEqual({ [field]: message, ...also });
				expect(refused.data.values).not.toHaveProperty('password');

				expect(await passwordHash(person.user.id)).toBe(before);
				expect((await validateSessionToken(database.db, person.token)).user?.id).toBe(
					person.user.id
				);
				expect(await getPasswordResetStatus(database.db, token)).toBe('valid');
				// The same link then works.
				const done = await submit(token, {
					password: 'nouveau-secret-2026',
					confirm: 'nouveau-secret-2026'
				});
				expect(isRedirect(done.thrown) && done.thrown.location).toBe('/login?reason=reset');
				expect(await passwordHash(person.user.id)).not.toBe(before);
			}
		);

		it('answers 410 for a used or expired link and 404 for a forged one, from the page and the form', async () => {
			const person = await createTestUser(database.db, { role: 'rep', password: PASSWORD });
			const used = await resetLink(person.user.email);
			await submit(used, { password: 'nouveau-secret-2026', confirm: 'nouveau-secret-2026' });
			const other = await createTestUser(database.db, { role: 'rep', password: PASSWORD });
			const expired = await resetLink(other.user.email);
			await database.db
				.update(tables.passwordResets)
				.set({ expiresAt: new Date(Date.now() - 1000) })
				.where(eq(tables.passwordResets.userId, other.user.id));
			const before = await passwordHash(other.user.id);

			for (const [token, status, code, text] of [
				[used, 410, 'TOKEN_USED', /already been used/],
				[expired, 410, 'TOKEN_EXPIRED', /expired/],
				['b'.repeat(32), 404, 'TOKEN_INVALID', /not valid/]
			] as const) {
				const page = errorPage(
					await run(resetPage.load, {
						database,
						path: `/reset-password/${token}`,
						params: { token }
					})
				);
				expect(page).toEqual({ status, code, message: expect.stringMatching(text) });
				const form = errorPage(
					await submit(token, { password: 'encore-un-secret', confirm: 'encore-un-secret' })
				);
				expect(form).toEqual(page);
			}
			expect(await passwordHash(other.user.id)).toBe(before);
		});
	});

	describe('changing one’s password on the account page', () => {
		const submit = (person: TestUser, form: Record<string, string>) =>
			run(accountPage.actions.password, { database, path: '/account?/password', form, person });

		it.each<Case>([
			{
				name: 'an empty current password',
				form: { current: '', password: 'un-secret-solide-1', confirm: 'un-secret-solide-1' },
				field: 'current',
				message: { key: 'error_required' }
			},
			{
				name: 'an oversized current password',
				form: { current: long(201), password: 'un-secret-solide-1', confirm: 'un-secret-solide-1' },
				field: 'current',
				message: { key: 'error_too_long', params: { max: 200 } }
			},
			...NEW_PASSWORD_CASES.map((c) => ({ ...c, form: { current: PASSWORD, ...c.form } }))
		])(
			'refuses $name with the field’s message; the password and the sessions stay',
			async ({ form, field, message, also }) => {
				const person = await createTestUser(database.db, { role: 'rep', password: PASSWORD });
				const before = await passwordHash(person.user.id);
				const refused = failure(await submit(person, form));
				expect(refused.status).toBe(400);
				expect(refused.data.fieldErrors).toEqual({ [field]: message, ...also });
				expect(refused.data.values).not.toHaveProperty('password');
				expect(await passwordHash(person.user.id)).toBe(before);
				expect((await validateSessionToken(database.db, person.token)).user?.id).toBe(
					person.user.id
				);
			}
		);

		it('refuses a wrong current password beside that field, changing nothing', async () => {
			const person = await createTestUser(database.db, { role: 'rep', password: PASSWORD });
			const before = await passwordHash(person.user.id);
			const refused = failure(
				await submit(person, {
					current: 'not the password',
					password: 'un-secret-solide-1',
					confirm: 'un-secret-solide-1'
				})
			);
			expect(refused.status).toBe(400);
			expect(refused.data.fieldErrors).toEqual({ current: { key: 'auth_wrong_password' } });
			expect(await passwordHash(person.user.id)).toBe(before);
			expect((await validateSessionToken(database.db, person.token)).user).not.toBeNull();
		});
	});

	it('never sends a typed password back: not the new one, its confirmation, or the current one', async () => {
		const secret = 'tres-secret-' + Math.random().toString(36).slice(2);
		const person = await createTestUser(database.db, { role: 'rep', password: PASSWORD });
		const token = await invite(`lea.secret.${Date.now()}@relais.test`);
		const reset = await resetLink(person.user.email);
		const refusals = [
			await submit(
				invitationPage.actions.default,
				`/invitation/${token}`,
				{ token },
				{
					name: '',
					password: secret,
					confirm: secret
				}
			),
			await submit(
				resetPage.actions.default,
				`/reset-password/${reset}`,
				{ token: reset },
				{
					password: secret,
					confirm: `${secret}-x`
				}
			),
			await run(accountPage.actions.password, {
				database,
				path: '/account?/password',
				person,
				form: { current: secret, password: 'court', confirm: secret }
			})
		];
		for (const outcome of refusals) {
			const refused = failure(outcome);
			expect(refused.status).toBe(400);
			expect(JSON.stringify(refused.data)).not.toContain(secret);
		}

		function submit<E>(
			handler: (event: E) => unknown,
			path: string,
			params: Record<string, string>,
			form: Record<string, string>
		) {
			return run(handler, { database, path, params, form });
		}
	});
});
