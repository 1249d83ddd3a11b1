import { describe, expect, it } from 'vitest';
import {
	checkPassword,
	hashPassword,
	hashNewPassword,
	passwordWork,
	PasswordsBusy,
	PASSWORD_WORK,
	verifyPassword
} from '../../src/lib/server/auth/passwords.ts';

describe('password hashing', () => {
	it('produces an argon2id hash with the OWASP parameters', async () => {
		const hashed = await hashPassword('correct horse battery staple');
		expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		expect(hashed).not.toContain('correct horse');
	});

	it('accepts the right password and refuses a wrong one', async () => {
		const hashed = await hashPassword('relais-demo');
		expect(await verifyPassword(hashed, 'relais-demo')).toBe(true);
		expect(await verifyPassword(hashed, 'relais-demo ')).toBe(false);
		expect(await verifyPassword(hashed, 'Relais-demo')).toBe(false);
		expect(await verifyPassword(hashed, '')).toBe(false);
	});

	it('salts every hash, so one password never gives the same hash twice', async () => {
		const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
		expect(a).not.toBe(b);
		expect(await verifyPassword(a, 'same')).toBe(true);
		expect(await verifyPassword(b, 'same')).toBe(true);
	});

	it('handles accents and long passwords', async () => {
		const password = 'mot de passe très sûr — ' + 'é'.repeat(200);
		const hashed = await hashPassword(password);
		expect(await verifyPassword(hashed, password)).toBe(true);
		expect(await verifyPassword(hashed, password.normalize('NFD'))).toBe(false);
	});

	it('treats a missing or malformed hash as a mismatch instead of throwing', async () => {
		expect(await verifyPassword(null, 'anything')).toBe(false);
		expect(await verifyPassword(undefined, 'anything')).toBe(false);
		expect(await verifyPassword('', 'anything')).toBe(false);
		expect(await verifyPassword('not-a-hash', 'anything')).toBe(false);
		expect(await verifyPassword('$argon2id$v=19$m=19456,t=2,p=1$broken', 'anything')).toBe(false);
	});
});

describe('the argon2 gate', () => {
	it('runs two checks at once, queues eight, and turns the rest away at once', async () => {
		const hashed = await hashPassword('relais-demo');
		expect(PASSWORD_WORK).toMatchObject({ concurrency: 2, queue: 8 });
		const before = passwordWork();
		const calls = Array.from({ length: 14 }, (_, i) =>
			i % 2 ? checkPassword(hashed, 'relais-demo') : hashNewPassword('another secret')
		);
		// Counted when asked: two running, eight waiting, four refused before any work.
		expect(passwordWork()).toMatchObject({ running: 2, queued: 8 });
		const outcomes = await Promise.allSettled(calls);
		const refused = outcomes.filter((o) => o.status === 'rejected');
		expect(refused).toHaveLength(4);
		for (const o of refused) expect(o.reason).toBeInstanceOf(PasswordsBusy);
		expect(refused.map((o) => o.reason.retryAfterSeconds)).toEqual([2, 2, 2, 2]);
		const after = passwordWork();
		expect(after.verifications - before.verifications + after.hashes - before.hashes).toBe(10);
		expect(after.refused - before.refused).toBe(4);
		expect(after).toMatchObject({ running: 0, queued: 0 });
		// Free again: the next check runs.
		expect(await checkPassword(hashed, 'relais-demo')).toBe(true);
	});
});
