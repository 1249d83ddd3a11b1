import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { organisations, users } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import { checkPassword, hashNewPassword, withPasswordSlot } from './passwords.ts';
import { spendResetLinks } from './reset-links.ts';
import {
	clearRateLimit,
	consumeAttempts,
	refundAttempt,
	type RateLimitRule
} from './rate-limit.ts';
import { endSessions } from './revoke.ts';
import { createSession, generateToken, type Session } from './sessions.ts';

// Failed attempts allowed per 15 minutes: few per account (guessing one password), more per
// address (an office behind one IP).
export const ACCOUNT_LIMIT: RateLimitRule = { limit: 5, windowMs: 15 * 60_000 };
export const IP_LIMIT: RateLimitRule = { limit: 30, windowMs: 15 * 60_000 };

/** Finds an active user by e-mail, case-insensitively. */
export async function findUserByEmail(db: Db, email: string) {
	const [row] = await db
		.select({
			id: users.id,
			passwordHash: users.passwordHash,
			active: users.active,
			organisationStatus: organisations.status,
			locale: users.locale,
			timeZone: users.timeZone
		})
		.from(users)
		.innerJoin(organisations, eq(users.organisationId, organisations.id))
		.where(eq(sql`lower(${users.email})`, email.toLowerCase()));
	return row;
}

export type LoginInput = { email: string; password: string; ip: string; userAgent?: string | null };

/** The rate-limit keys of a sign-in: the account (whether or not it exists) and the address. */
export const loginKeys = (email: string, ip: string) => ({
	account: `login:account:${email.toLowerCase()}`,
	address: `login:ip:${ip}`
});

/**
 * Checks the password and opens a session. Never tells whether the e-mail exists: an unknown
 * e-mail, a wrong password, a deactivated user or a suspended partner get the same answer.
 * The attempt is counted first (per account and per address, atomically), then the password is
 * checked in one of the few argon2 slots. A success gives back its own address count (and clears
 * the account's); a refusal because every slot is taken gives back both counts, since the password
 * was never checked.
 */
export async function login(
	db: Db,
	input: LoginInput
): Promise<{ token: string; session: Session; locale: string }> {
	const keys = loginKeys(input.email, input.ip);
	const state = await consumeAttempts(db, [
		[keys.account, ACCOUNT_LIMIT],
		[keys.address, IP_LIMIT]
	]);
	if (state.limited) {
		throw new DomainError('RATE_LIMITED', { retryAfterSeconds: state.retryAfterSeconds });
	}

	const user = await findUserByEmail(db, input.email);
	const usable = user?.passwordHash && user.active && user.organisationStatus === 'active';
	// Verify against a dummy hash when there is no usable account, so timing tells nothing.
	const valid = await withPasswordSlot(
		() => checkPassword(usable ? user.passwordHash : null, input.password),
		async () => {
			await refundAttempt(db, keys.account);
			await refundAttempt(db, keys.address);
		}
	);
	if (!usable || !valid) throw new DomainError('INVALID_CREDENTIALS');
	await clearRateLimit(db, keys.account);
	await refundAttempt(db, keys.address);
	const token = generateToken();
	const session = await createSession(db, token, user.id, {
		ip: input.ip,
		userAgent: input.userAgent
	});
	await db.update(users).set({ lastSeenAt: new Date() }).where(eq(users.id, user.id));
	return { token, session, locale: user.locale };
}

/**
 * Changes one's own password after checking the current one. Every other session of the person
 * ends (their sockets and streams close at once) and every reset link still out is spent; the
 * session the change was made from stays, so this page and its live connections carry on. `mark`
 * tags the revocation for revocationDelivered.
 */
export async function changePassword(
	db: Db,
	userId: string,
	currentSessionId: string,
	input: { current: string; next: string },
	mark?: string
): Promise<void> {
	const [user] = await db
		.select({ hash: users.passwordHash })
		.from(users)
		.where(eq(users.id, userId));
	const valid = await withPasswordSlot(() => checkPassword(user?.hash, input.current));
	if (!user?.hash || !valid) throw new DomainError('WRONG_PASSWORD');
	const hash = await withPasswordSlot(() => hashNewPassword(input.next));
	await db.transaction(async (tx) => {
		await tx.update(users).set({ passwordHash: hash }).where(eq(users.id, userId));
		await spendResetLinks(tx, userId);
		await endSessions(tx, { userId, except: currentSessionId, mark });
	});
}
