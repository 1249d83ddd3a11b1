import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../support/db.ts';
import { createTestUser } from '../support/factories.ts';
import {
	childDatabase,
	builtAppServes,
	spawnRelais,
	type RelaisProcess
} from '../support/process.ts';

// The sign-in rate limit through the real /login form action, over HTTP: the built app (build/)
// served by server/index.ts as a child process, posted to like a browser without JavaScript.
// Wrong passwords get the same "do not match" answer until the limit, then a 429 page saying when
// to retry; an unknown e-mail is limited and answered exactly like a known one, so the form never
// tells whether an account exists. `npm test` builds before the integration tests.

const built = builtAppServes('(auth)/login');
const title = built
	? 'the sign-in form over HTTP'
	: 'the sign-in form over HTTP (skipped: no build — run `npm run build` first)';

const PASSWORD = 'correct horse battery staple';

/** The text of the page's error alert (role="alert"), tags removed, entities decoded. */
function alertText(html: string): string | null {
	const match = /<div[^>]*role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(html);
	if (!match) return null;
	return match[1]
		.replace(/<[^>]*>/g, '')
		.replace(/&#39;|&apos;/g, "'")
		.replace(/&quot;/g, '"')
		.replace(/&amp;/g, '&')
		.trim();
}

describe.runIf(built).each(drivers())(`${title} on %s`, { timeout: 120_000 }, (driver) => {
	let relais: RelaisProcess;
	let url: string;
	let email: string;
	let otherEmail: string;
	const cleanups: (() => Promise<void> | void)[] = [];

	/** Posts the form as a browser without JavaScript does; the status and the alert it shows. */
	async function signIn(address: string, password: string, language = 'en') {
		const response = await fetch(`${url}/login`, {
			method: 'POST',
			headers: {
				origin: url,
				accept: 'text/html',
				'accept-language': language,
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: new URLSearchParams({ email: address, password, next: '' }),
			redirect: 'manual'
		});
		return { status: response.status, message: alertText(await response.text()) };
	}

	beforeAll(async () => {
		const child = await childDatabase(driver);
		cleanups.push(child.remove);
		const { env } = child;
		// PGlite serves one process: prepare the account before the server opens it.
		const database = await child.open();
		try {
			email = (await createTestUser(database.db, { role: 'rep', password: PASSWORD })).user.email;
			otherEmail = (
				await createTestUser(database.db, { role: 'partner_member', password: PASSWORD })
			).user.email;
		} finally {
			await database.close();
		}
		relais = spawnRelais({ env: { ...env, RELAIS_HANDLER: undefined, LOG_LEVEL: 'error' } });
		url = await relais.listening;
	});

	afterAll(async () => {
		relais?.kill();
		await relais?.exited;
		for (const cleanup of cleanups) await cleanup();
	});

	const mismatch = 'This e-mail and password do not match an active account.';
	const limited = 'Too many attempts. For your security, wait 15 min before trying again.';
	// Five failures per account in 15 minutes; the sixth attempt is refused before any check.
	const expected = [
		...Array.from({ length: 5 }, () => ({ status: 400, message: mismatch })),
		{ status: 429, message: limited }
	];

	it('answers wrong passwords "do not match" five times, then 429 with when to retry', async () => {
		const answers = [];
		for (let i = 0; i < 6; i += 1) answers.push(await signIn(email, `wrong ${i}`));
		expect(answers).toEqual(expected);
		// The right password does not get through while the account is limited…
		expect(await signIn(email, PASSWORD)).toEqual({ status: 429, message: limited });
		// …and the message is in the reader's language.
		expect(await signIn(email, PASSWORD, 'fr')).toEqual({
			status: 429,
			message: 'Trop de tentatives. Par sécurité, attendez 15 min avant de réessayer.'
		});
	});

	it('limits an unknown e-mail and answers it exactly like a known one', async () => {
		const unknown = `nobody-${Date.now()}@relais.test`;
		// Attempt by attempt, side by side with another real account.
		for (let i = 0; i < 6; i += 1) {
			const forKnown = await signIn(otherEmail, `wrong ${i}`);
			const forUnknown = await signIn(unknown, `wrong ${i}`);
			expect(forUnknown, `attempt ${i + 1}`).toEqual(forKnown);
			expect(forUnknown, `attempt ${i + 1}`).toEqual(expected[i]);
		}
	});

	it('answers the refusal with Retry-After and the form keeping the e-mail typed, not the password', async () => {
		const address = `limited-${Date.now()}@relais.test`;
		for (let i = 0; i < 5; i += 1) expect((await signIn(address, `wrong ${i}`)).status).toBe(400);
		const response = await fetch(`${url}/login`, {
			method: 'POST',
			headers: {
				origin: url,
				accept: 'text/html',
				'accept-language': 'fr',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: new URLSearchParams({ email: address, password: 'secret-typed', next: '' }),
			redirect: 'manual'
		});
		expect(response.status).toBe(429);
		const seconds = Number(response.headers.get('retry-after'));
		expect(seconds).toBeGreaterThan(14 * 60);
		expect(seconds).toBeLessThanOrEqual(15 * 60);
		const html = await response.text();
		expect(alertText(html)).toBe(
			'Trop de tentatives. Par sécurité, attendez 15 min avant de réessayer.'
		);
		expect(html).toContain(`value="${address}"`);
		expect(html).not.toContain('secret-typed');
	});
});
