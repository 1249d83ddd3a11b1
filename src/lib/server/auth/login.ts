import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { organisations, users } from '../db/schema.ts';
import { AuthError } from './errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { checkRateLimit, clearRateLimit, countAttempt, type RateLimitRule } from './rate-limit.ts';
import { createSession, generateToken, invalidateUserSessions, type Session } from './sessions.ts';

// Failed attempts allowed per 15 minutes: few per account (guessing one password), more per
// address (an office behind one IP).
export const ACCOUNT_LIMIT: RateLimitRule = { limit: 5, windowMs: 15 * 60_000 };
export const IP_LIMIT: RateLimitRule = { limit: 30, windowMs: 15 * 60_000 };

let dummyHash: Promise<string> | undefined;

/** Finds an active user by e-mail, case-insensitively. */
export async function findUserByEmail(db: Db, email: string) {
	const [row] = await db
		.select({
			id: users.id,
			passwordHash: users.passwordHash,
			active: users.active,
			organisationStatus: organisations.status,
			locale: users.locale
		})
		.from(users)
		.innerJoin(organisations, eq(users.organisationId, organisations.id))
		.where(eq(sql`lower(${users.email})`, email.toLowerCase()));
	return row;
}

export type LoginInput = { email: string; password: string; ip: string; userAgent?: string | null };

/**
 * Checks the password and opens a session. Never tells whether the e-mail exists: an unknown
 * e-mail, a wrong password, a deactivated user or a suspended partner get the same answer.
 */
export async function login(
	db: Db,
	input: LoginInput
): Promise<{ token: string; session: Session; locale: string }> {
	const accountKey = `login:account:${input.email.toLowerCase()}`;
	const ipKey = `login:ip:${input.ip}`;
	for (const [key, rule] of [
		[accountKey, ACCOUNT_LIMIT],
		[ipKey, IP_LIMIT]
	] as const) {
		const state = await checkRateLimit(db, key, rule);
		if (state.limited) {
			throw new AuthError('RATE_LIMITED', { retryAfterSeconds: state.retryAfterSeconds });
		}
	}

	const user = await findUserByEmail(db, input.email);
	const usable = user?.passwordHash && user.active && user.organisationStatus === 'active';
	// Verify against a dummy hash when there is no usable account, so timing tells nothing.
	dummyHash ??= hashPassword('relais-timing-equaliser');
	const valid = await verifyPassword(usable ? user.passwordHash! : await dummyHash, input.password);
	if (!usable || !valid) {
		await countAttempt(db, accountKey, ACCOUNT_LIMIT);
		await countAttempt(db, ipKey, IP_LIMIT);
		throw new AuthError('INVALID_CREDENTIALS');
	}
	await clearRateLimit(db, accountKey);
	const token = generateToken();
	const session = await createSession(db, token, user.id, {
		ip: input.ip,
		userAgent: input.userAgent
	});
	await db.update(users).set({ lastSeenAt: new Date() }).where(eq(users.id, user.id));
	return { token, session, locale: user.locale };
}

/** Changes one's own password after checking the current one; other sessions end. */
export async function changePassword(
	db: Db,
	userId: string,
	input: { current: string; next: string }
): Promise<{ token: string; session: Session }> {
	const [user] = await db
		.select({ hash: users.passwordHash })
		.from(users)
		.where(and(eq(users.id, userId)));
	if (!user?.hash || !(await verifyPassword(user.hash, input.current))) {
		throw new AuthError('WRONG_PASSWORD');
	}
	const hash = await hashPassword(input.next);
	return db.transaction(async (tx) => {
		await tx.update(users).set({ passwordHash: hash }).where(eq(users.id, userId));
		await invalidateUserSessions(tx, userId);
		const token = generateToken();
		const session = await createSession(tx, token, userId);
		return { token, session };
	});
}
