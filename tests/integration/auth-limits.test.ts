import type { IncomingMessage, ServerResponse } from 'node:http';
import { hash } from '@node-rs/argon2';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_LIMIT, IP_LIMIT } from '../../src/lib/server/auth/login.ts';
import { passwordWork } from '../../src/lib/server/auth/passwords.ts';
import { RESET_LIMIT } from '../../src/lib/server/auth/password-reset.ts';
import { LINK_IP_LIMIT } from '../../src/lib/server/auth/link-limit.ts';
import { tables } from '../../src/lib/server/db/index.ts';
import { actions as loginActions } from '../../src/routes/(auth)/login/+page.server.ts';
import { actions as forgotActions } from '../../src/routes/(auth)/forgot-password/+page.server.ts';
import { actions as resetActions } from '../../src/routes/(auth)/reset-password/[token]/+page.server.ts';
import { actions as invitationActions } from '../../src/routes/(auth)/invitation/[token]/+page.server.ts';
import { drivers } from '../support/db.ts';
import { createTestUser } from '../support/factories.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// Sign-in and reset requests under a storm, over real HTTP: each attempt is counted before
// anything is checked, atomically, so however many arrive at once no more than the limit reach
// argon2 (counted by the gate's own counter, not a mock); the rest get 429 with Retry-After, none
// a 5xx, and /healthz keeps answering. The forms are the real SvelteKit actions, called the way
// SvelteKit calls them (setHeaders, the client address, a thrown redirect); the address comes
// from a header so one test can play many machines.

type Answer = {
	status: number;
	retryAfter: string | null;
	key?: string;
	values?: Record<string, string>;
};

const PASSWORD = 'correct horse battery staple';

describe.each(drivers())('sign-in and reset limits under a storm on %s', (driver) => {
	let server: TestServer;

	/** The action behind `POST path`, as SvelteKit runs it; answers JSON { key, values }. */
	async function app(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', server.url);
		// Each action takes its own route's event type; this harness builds one shape for both.
		type Action = (event: unknown) => unknown;
		const actions: Record<string, Action> = {
			'/login': loginActions.default as Action,
			'/forgot-password': forgotActions.default as Action,
			'/reset-password': resetActions.default as Action,
			'/invitation': invitationActions.default as Action
		};
		// /reset-password/<token> and /invitation/<token>: the token is the route's parameter.
		const [, base, token] = /^(\/[^/]*)(?:\/([^/]+))?$/.exec(url.pathname) ?? [];
		const action = actions[base ?? ''];
		if (req.method !== 'POST' || !action) {
			res.writeHead(404).end();
			return;
		}
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const request = new Request(url, {
			method: 'POST',
			headers: { 'content-type': String(req.headers['content-type']) },
			body: Buffer.concat(chunks)
		});
		const headers: Record<string, string> = {};
		const event = {
			request,
			url,
			params: { token },
			locals: { user: null, session: null, runtime: server.runtime },
			cookies: { set: () => {}, get: () => undefined, delete: () => {} },
			setHeaders: (more: Record<string, string>) => Object.assign(headers, more),
			getClientAddress: () => String(req.headers['x-test-address'] ?? '127.0.0.1')
		};
		const outcome = await Promise.resolve()
			.then(() => action(event))
			.catch((thrown: unknown) => thrown);
		const result = outcome as {
			status?: number;
			data?: { message?: { key: string }; values?: Record<string, string> };
		};
		// A redirect (303), a failure (its status) or a plain result (200).
		const status = result?.status ?? 200;
		res.writeHead(status, { ...headers, 'content-type': 'application/json' });
		res.end(JSON.stringify({ key: result?.data?.message?.key, values: result?.data?.values }));
	}

	async function post(path: string, form: Record<string, string>, address: string) {
		const response = await fetch(`${server.url}${path}`, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				'x-test-address': address
			},
			body: new URLSearchParams(form)
		});
		const body = (await response.json()) as { key?: string; values?: Record<string, string> };
		return {
			status: response.status,
			retryAfter: response.headers.get('retry-after'),
			key: body.key,
			values: body.values
		} satisfies Answer;
	}

	const signIn = (email: string, password: string, address: string) =>
		post('/login', { email, password, next: '' }, address);

	/** A link that never existed (well-formed, so it is looked up), submitted with a password. */
	const submitForgedLink = (kind: 'reset-password' | 'invitation', address: string) =>
		post(
			`/${kind}/${'forged'.padEnd(32, 'x')}`,
			{ name: 'Mallory', password: 'a long enough secret', confirm: 'a long enough secret' },
			address
		);

	/** Waits until the argon2 gate is in the given state (the test fills it on purpose). */
	async function gateReaches(state: { running: number; queued: number }) {
		for (let i = 0; i < 3000; i += 1) {
			const work = passwordWork();
			if (work.running === state.running && work.queued === state.queued) return;
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
		throw new Error(`the password gate never reached ${JSON.stringify(state)}`);
	}

	/** Every answer is "do not match" (verified) or a 429 saying when to retry; none is a 5xx. */
	function expectVerifiedOrRefused(answers: Answer[]) {
		for (const answer of answers) {
			if (answer.status === 400) {
				expect(answer.key).toBe('auth_invalid_credentials');
				continue;
			}
			expect(answer.status).toBe(429);
			expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
			expect(['auth_rate_limited', 'auth_busy']).toContain(answer.key);
		}
	}

	/** /healthz, asked while the storm runs. */
	async function healthDuringStorm<T>(storm: Promise<T>): Promise<{ result: T; health: number }> {
		const health = fetch(`${server.url}/healthz`).then((r) => r.status);
		const [result, status] = await Promise.all([storm, health]);
		return { result, health: status };
	}

	beforeAll(async () => {
		server = await startTestServer({
			driver,
			collab: false,
			handler: (req, res) => void app(req, res)
		});
	});
	afterAll(async () => {
		await server?.stop();
	});

	it('verifies at most five of 200 parallel wrong passwords for one account; the rest get 429 with Retry-After', async () => {
		const victim = await createTestUser(server.runtime.db, { role: 'rep', password: PASSWORD });
		const before = passwordWork().verifications;
		const { result: answers, health } = await healthDuringStorm(
			Promise.all(
				Array.from({ length: 200 }, (_, i) =>
					signIn(victim.user.email, `guess ${i}`, `10.20.${i >> 8}.${i & 255}`)
				)
			)
		);
		const verified = passwordWork().verifications - before;
		expect(health).toBe(200);
		expect(verified).toBeLessThanOrEqual(ACCOUNT_LIMIT.limit);
		expect(answers.filter((a) => a.status === 400)).toHaveLength(verified);
		expect(answers.filter((a) => a.status === 429)).toHaveLength(200 - verified);
		expectVerifiedOrRefused(answers);
		// The refusal keeps the e-mail typed (and never the password).
		const refused = answers.find((a) => a.status === 429);
		expect(refused?.values).toEqual({ email: victim.user.email, next: '' });
		// The right password does not get through now either.
		expect((await signIn(victim.user.email, PASSWORD, '10.21.0.1')).status).toBe(429);
	});

	it('verifies at most thirty of 200 parallel attempts from one address across accounts', async () => {
		const before = passwordWork().verifications;
		const { result: answers, health } = await healthDuringStorm(
			Promise.all(
				Array.from({ length: 200 }, (_, i) =>
					signIn(`storm-${i}@relais.test`, 'guess', '10.30.0.1')
				)
			)
		);
		const verified = passwordWork().verifications - before;
		expect(health).toBe(200);
		expect(verified).toBeLessThanOrEqual(IP_LIMIT.limit);
		expect(answers.filter((a) => a.status === 400)).toHaveLength(verified);
		expect(answers.filter((a) => a.status === 429)).toHaveLength(200 - verified);
		expectVerifiedOrRefused(answers);
		expect(passwordWork()).toMatchObject({ running: 0, queued: 0 });
	});

	it('gives a successful sign-in’s address count back, so one address signs in again and again', async () => {
		const person = await createTestUser(server.runtime.db, { role: 'rep', password: PASSWORD });
		const address = '10.40.0.1';
		const count = async () =>
			(
				await server.runtime.db
					.select({ count: tables.rateLimits.count })
					.from(tables.rateLimits)
					.where(eq(tables.rateLimits.key, `login:ip:${address}`))
			)[0]?.count;
		for (let i = 0; i < IP_LIMIT.limit - 1; i += 1) {
			expect((await signIn(`nobody-${i}@relais.test`, 'guess', address)).status).toBe(400);
		}
		expect(await count()).toBe(IP_LIMIT.limit - 1);
		// Successful sign-ins from the same address each give their count back (the browser tests
		// sign in more than thirty times from 127.0.0.1).
		for (let i = 0; i < 5; i += 1) {
			expect((await signIn(person.user.email, PASSWORD, address)).status).toBe(303);
		}
		expect(await count()).toBe(IP_LIMIT.limit - 1);
		// One failure left before the limit, then 429.
		expect((await signIn('last@relais.test', 'guess', address)).status).toBe(400);
		const over = await signIn('over@relais.test', 'guess', address);
		expect(over.status).toBe(429);
		expect(Number(over.retryAfter)).toBeGreaterThan(60);
	});

	it('sends at most three reset e-mails for 50 parallel requests, then answers 429 keeping the e-mail', async () => {
		const person = await createTestUser(server.runtime.db, { role: 'rep', password: PASSWORD });
		const answers = await Promise.all(
			Array.from({ length: 50 }, (_, i) =>
				post('/forgot-password', { email: person.user.email }, `10.50.0.${i}`)
			)
		);
		const mails = await server.runtime.db
			.select()
			.from(tables.emailOutbox)
			.where(eq(tables.emailOutbox.toAddress, person.user.email));
		expect(mails).toHaveLength(RESET_LIMIT.limit);
		expect(answers.filter((a) => a.status === 200)).toHaveLength(RESET_LIMIT.limit);
		const refused = answers.filter((a) => a.status !== 200);
		expect(refused).toHaveLength(50 - RESET_LIMIT.limit);
		for (const answer of refused) {
			expect(answer).toMatchObject({
				status: 429,
				key: 'auth_rate_limited',
				values: { email: person.user.email }
			});
			expect(Number(answer.retryAfter)).toBeGreaterThan(60);
		}
	});

	it('hashes no password for 30 parallel submissions of forged reset and invitation links; a sign-in right after works', async () => {
		const person = await createTestUser(server.runtime.db, { role: 'rep', password: PASSWORD });
		const before = passwordWork();
		const answers = await Promise.all(
			Array.from({ length: 30 }, (_, i) => [
				submitForgedLink('reset-password', `10.60.0.${i}`),
				submitForgedLink('invitation', `10.61.0.${i}`)
			]).flat()
		);
		// Each is the "this link does not exist" page, none a 429 for want of argon2 slots.
		expect(answers.map((a) => a.status)).toEqual(Array(60).fill(404));
		expect(passwordWork().hashes - before.hashes).toBe(0);
		expect(passwordWork().refused - before.refused).toBe(0);
		expect((await signIn(person.user.email, PASSWORD, '10.62.0.1')).status).toBe(303);
	});

	it('limits link submissions per address: past the limit, 429 with Retry-After and the fields kept', async () => {
		const address = '10.63.0.1';
		const answers = await Promise.all(
			Array.from({ length: LINK_IP_LIMIT.limit + 6 }, (_, i) =>
				submitForgedLink(i % 2 ? 'invitation' : 'reset-password', address)
			)
		);
		expect(answers.filter((a) => a.status === 404)).toHaveLength(LINK_IP_LIMIT.limit);
		const refused = answers.filter((a) => a.status !== 404);
		expect(refused).toHaveLength(6);
		for (const answer of refused) {
			expect(answer.status).toBe(429);
			expect(answer.key).toBe('auth_rate_limited');
			expect(Number(answer.retryAfter)).toBeGreaterThan(60);
			// The name typed is kept, never the password.
			expect(Object.keys(answer.values ?? {})).not.toContain('password');
		}
		// Another address is not concerned.
		expect((await submitForgedLink('invitation', '10.63.0.2')).status).toBe(404);
	});

	it('does not use up an account’s attempts when every argon2 slot is taken: the right password works after the storm', async () => {
		const victim = await createTestUser(server.runtime.db, { role: 'rep', password: PASSWORD });
		// Two accounts whose stored hash takes ~30 times longer to verify than ours hold both
		// slots while the queue fills and the victim's attempts come in.
		const slow = await hash('slow secret', {
			algorithm: 2,
			memoryCost: 19456,
			timeCost: 60,
			parallelism: 1
		});
		const holders = await Promise.all(
			[0, 1].map(() => createTestUser(server.runtime.db, { role: 'rep' }))
		);
		for (const holder of holders) {
			await server.runtime.db
				.update(tables.users)
				.set({ passwordHash: slow })
				.where(eq(tables.users.id, holder.user.id));
		}
		const storm = holders.map((holder, i) => signIn(holder.user.email, 'guess', `10.70.0.${i}`));
		await gateReaches({ running: 2, queued: 0 });
		storm.push(
			...Array.from({ length: 8 }, (_, i) =>
				signIn(`queued-${i}@relais.test`, 'guess', `10.70.1.${i}`)
			)
		);
		await gateReaches({ running: 2, queued: 8 });

		// One after the other, as a person retries (in parallel, the sixth would be counted before
		// the first had been given back, and rightly refused).
		const refused: Answer[] = [];
		for (let i = 0; i < ACCOUNT_LIMIT.limit + 2; i += 1) {
			refused.push(await signIn(victim.user.email, 'a typo', `10.71.0.${i}`));
		}
		for (const answer of refused) {
			expect(answer).toMatchObject({ status: 429, key: 'auth_busy' });
			expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
		}
		const [account] = await server.runtime.db
			.select({ count: tables.rateLimits.count })
			.from(tables.rateLimits)
			.where(eq(tables.rateLimits.key, `login:account:${victim.user.email.toLowerCase()}`));
		expect(account?.count ?? 0).toBe(0);

		expectVerifiedOrRefused(await Promise.all(storm));
		expect((await signIn(victim.user.email, PASSWORD, '10.71.0.1')).status).toBe(303);
	});
});
