import { and, eq, isNull } from 'drizzle-orm';
import type { Locale } from '../../shared/enums.ts';
import { recordAudit } from '../audit/index.ts';
import type { Db } from '../db/client.ts';
import { passwordResets, users } from '../db/schema.ts';
import { passwordResetEmail, queueEmail, type MailSettings } from '../mail/index.ts';
import { AuthError } from './errors.ts';
import { findUserByEmail } from './login.ts';
import { hashPassword } from './passwords.ts';
import { checkRateLimit, countAttempt, type RateLimitRule } from './rate-limit.ts';
import { invalidateUserSessions } from './sessions.ts';
import { generateLinkToken, hashLinkToken, isWellFormedToken, type TokenStatus } from './tokens.ts';

export const RESET_TTL_MS = 60 * 60 * 1000;
// At most three reset e-mails an hour per address, so the form cannot flood someone's inbox.
const RESET_LIMIT: RateLimitRule = { limit: 3, windowMs: 60 * 60_000 };

/**
 * Sends a reset link when an active account uses this e-mail. Always answers the same way,
 * so the form tells nobody which e-mails have accounts.
 */
export async function requestPasswordReset(
	db: Db,
	email: string,
	context: { origin: string; locale: Locale; mail: MailSettings }
): Promise<void> {
	const key = `reset:${email.toLowerCase()}`;
	if ((await checkRateLimit(db, key, RESET_LIMIT)).limited) return;
	await countAttempt(db, key, RESET_LIMIT);
	const user = await findUserByEmail(db, email);
	if (!user || !user.active || user.organisationStatus !== 'active') return;
	const token = generateLinkToken();
	const expiresAt = new Date(Date.now() + RESET_TTL_MS);
	await db.transaction(async (tx) => {
		await tx
			.insert(passwordResets)
			.values({ tokenHash: hashLinkToken(token), userId: user.id, expiresAt });
		const mail = passwordResetEmail({
			locale: user.locale ?? context.locale,
			link: `${context.origin}/reset-password/${token}`,
			expiresAt
		});
		await queueEmail(
			tx,
			{ to: email, subject: mail.subject, text: mail.text, kind: 'password_reset' },
			context.mail
		);
	});
}

async function findReset(db: Db, token: string) {
	if (!isWellFormedToken(token)) return undefined;
	const [row] = await db
		.select()
		.from(passwordResets)
		.where(eq(passwordResets.tokenHash, hashLinkToken(token)));
	return row;
}

function statusOf(row: { usedAt: Date | null; expiresAt: Date } | undefined): TokenStatus {
	if (!row) return 'invalid';
	if (row.usedAt) return 'used';
	if (row.expiresAt.getTime() <= Date.now()) return 'expired';
	return 'valid';
}

export async function getPasswordResetStatus(db: Db, token: string): Promise<TokenStatus> {
	return statusOf(await findReset(db, token));
}

const STATUS_ERRORS = {
	invalid: 'TOKEN_INVALID',
	expired: 'TOKEN_EXPIRED',
	used: 'TOKEN_USED',
	revoked: 'TOKEN_INVALID'
} as const;

/** Sets the new password, spends the link and ends every session of the account. */
export async function resetPassword(
	db: Db,
	token: string,
	password: string,
	ip?: string | null
): Promise<void> {
	const passwordHash = await hashPassword(password);
	await db.transaction(async (tx) => {
		const row = await findReset(tx, token);
		const status = statusOf(row);
		if (!row || status !== 'valid')
			throw new AuthError(STATUS_ERRORS[status === 'valid' ? 'invalid' : status]);
		const spent = await tx
			.update(passwordResets)
			.set({ usedAt: new Date() })
			.where(and(eq(passwordResets.id, row.id), isNull(passwordResets.usedAt)))
			.returning({ id: passwordResets.id });
		if (spent.length === 0) throw new AuthError('TOKEN_USED');
		await tx.update(users).set({ passwordHash }).where(eq(users.id, row.userId));
		await invalidateUserSessions(tx, row.userId);
		await recordAudit(tx, {
			actorId: row.userId,
			organisationId: null,
			action: 'user.password_reset',
			objectType: 'user',
			objectId: row.userId,
			data: {},
			ip: ip ?? null
		});
	});
}
