import { hash, verify, type Options } from '@node-rs/argon2';

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
