import { hash, verify, type Options } from '@node-rs/argon2';
import { DomainError } from '../errors.ts';

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): ~20 ms a hash here.
// `algorithm` is a const enum in the typings, which type stripping cannot read: 2 is Argon2id.
const OPTIONS: Options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
	return hash(password, OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * True when `password` matches the stored hash. A missing hash (an unknown e-mail, an invited person
 * who has not chosen a password yet) still pays for one verification, so the answer takes as long as
 * for a real account; a malformed hash is a mismatch, never an exception.
 */
export async function verifyPassword(
	storedHash: string | null | undefined,
	password: string
): Promise<boolean> {
	if (!storedHash) {
		dummyHash ??= hashPassword('relais-no-such-account');
		await verify(await dummyHash, password).catch(() => false);
		return false;
	}
	try {
		return await verify(storedHash, password);
	} catch {
		return false;
	}
}

/**
 * Argon2 is meant to be costly: each hash or verification holds ~19 MiB and a libuv thread for
 * ~20 ms. Requests share a few slots and a short queue, so a storm of sign-ins cannot take every
 * thread and core (/healthz stalled 8.8 s under 200 parallel attempts); past the queue, the caller
 * answers 429 at once. Per process, on purpose: that is where the threads and memory are.
 */
export const PASSWORD_WORK = { concurrency: 2, queue: 8, retryAfterSeconds: 2 };

export class PasswordsBusy extends Error {
	readonly retryAfterSeconds = PASSWORD_WORK.retryAfterSeconds;
	constructor() {
		super('too many password checks at once');
		this.name = 'PasswordsBusy';
	}
}

type Gate = {
	running: number;
	waiting: (() => void)[];
	/** Counters since the process started: what actually ran, and what was turned away. */
	verifications: number;
	hashes: number;
	refused: number;
};

// The SvelteKit bundle and server/ load this module separately: one gate per process.
const KEY = Symbol.for('relais.password-gate');
const holder = globalThis as { [KEY]?: Gate };
const gate: Gate = (holder[KEY] ??= {
	running: 0,
	waiting: [],
	verifications: 0,
	hashes: 0,
	refused: 0
});

async function throughGate<T>(work: () => Promise<T>): Promise<T> {
	if (gate.running >= PASSWORD_WORK.concurrency) {
		if (gate.waiting.length >= PASSWORD_WORK.queue) {
			gate.refused += 1;
			throw new PasswordsBusy();
		}
		// The slot is handed over by the one leaving, so `running` never goes past the limit.
		await new Promise<void>((resolve) => gate.waiting.push(resolve));
	} else {
		gate.running += 1;
	}
	try {
		return await work();
	} finally {
		const next = gate.waiting.shift();
		if (next) next();
		else gate.running -= 1;
	}
}

/** How much argon2 work this process has done (tests and diagnostics). */
export function passwordWork(): Readonly<Omit<Gate, 'waiting'> & { queued: number }> {
	const { running, verifications, hashes, refused } = gate;
	return { running, verifications, hashes, refused, queued: gate.waiting.length };
}

/** `verifyPassword` for a request: waits for a slot, or throws PasswordsBusy. */
export function checkPassword(
	storedHash: string | null | undefined,
	password: string
): Promise<boolean> {
	return throughGate(() => {
		gate.verifications += 1;
		return verifyPassword(storedHash, password);
	});
}

/** `hashPassword` for a request (a new password): waits for a slot, or throws PasswordsBusy. */
export function hashNewPassword(password: string): Promise<string> {
	return throughGate(() => {
		gate.hashes += 1;
		return hashPassword(password);
	});
}

/**
 * Turns "too many password checks at once" into the domain's 429 BUSY. `giveBack` returns what
 * the request already counted against its rate limits: a refusal that is nobody's fault (the
 * server is busy) must not use up an account's or an address's attempts.
 */
export async function withPasswordSlot<T>(
	work: () => Promise<T>,
	giveBack?: () => Promise<unknown>
): Promise<T> {
	try {
		return await work();
	} catch (error) {
		if (error instanceof PasswordsBusy) {
			await giveBack?.();
			throw new DomainError('BUSY', { retryAfterSeconds: error.retryAfterSeconds });
		}
		throw error;
	}
}
