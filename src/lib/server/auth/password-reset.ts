import { and, eq, isNull } from 'drizzle-orm';
import type { Locale } from '../../shared/enums.ts';
import { recordAudit } from '../audit/index.ts';
import type { Db } from '../db/client.ts';
import { passwordResets, users } from '../db/schema.ts';
import { passwordResetEmail, queueEmail, type MailSettings } from '../mail/index.ts';
import { DomainError } from '../errors.ts';
import { countLinkAttempt } from './link-limit.ts';
import { findUserByEmail } from './login.ts';
import { hashNewPassword, withPasswordSlot } from './passwords.ts';
import { consumeAttempts, type RateLimitRule } from './rate-limit.ts';
import { spendResetLinks } from './reset-links.ts';
import { endSessions } from './revoke.ts';
import { getWorkspaceSettings, personTimeZone } from '../workspace/settings.ts';
import { generateLinkToken, hashLinkToken, isWellFormedToken, type TokenStatus } from './tokens.ts';

export const RESET_TTL_MS = 60 * 60 * 1000;
// At most three reset e-mails an hour per e-mail address, so the form cannot flood someone's
// inbox, and twenty an hour per network address, so one machine cannot go through many inboxes.
export const RESET_LIMIT: RateLimitRule = { limit: 3, windowMs: 60 * 60_000 };
export const RESET_IP_LIMIT: RateLimitRule = { limit: 20, windowMs: 60 * 60_000 };

/**
 * Sends a reset link when an active account uses this e-mail. Answers the same way whether or
 * not the account exists, so the form tells nobody which e-mails have accounts; the attempt is
 * counted first (per e-mail and per address, atomically), and past either limit the request is
 * refused with RATE_LIMITED — for a known and an unknown e-mail alike.
 */
export async function requestPasswordReset(
	db: Db,
	email: string,
	context: { origin: string; locale: Locale; mail: MailSettings; ip: string }
): Promise<void> {
	const state = await consumeAttempts(db, [
		[`reset:${email.toLowerCase()}`, RESET_LIMIT],
		[`reset:ip:${context.ip}`, RESET_IP_LIMIT]
	]);
	if (state.limited) {
		throw new DomainError('RATE_LIMITED', { retryAfterSeconds: state.retryAfterSeconds });
	}
	const user = await findUserByEmail(db, email);
	if (!user || !user.active || user.organisationStatus !== 'active') return;
	const token = generateLinkToken();
	const expiresAt = new Date(Date.now() + RESET_TTL_MS);
	const timeZone = personTimeZone(user.timeZone, await getWorkspaceSettings(db));
	await db.transaction(async (tx) => {
		await tx
			.insert(passwordResets)
			.values({ tokenHash: hashLinkToken(token), userId: user.id, expiresAt });
		const mail = passwordResetEmail({
			locale: user.locale ?? context.locale,
			link: `${context.origin}/reset-password/${token}`,
			expiresAt,
			timeZone
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

/**
 * Sets the new password, spends the link and every other link of the person, and ends every
 * session of the account (their live connections close at once; `mark` tags the revocation for
 * revocationDelivered). Returns whose password it was. The submission is counted against its
 * address and the link checked before the new password is hashed: a forged or spent link never
 * costs an argon2 slot.
 */
export async function resetPassword(
	db: Db,
	token: string,
	password: string,
	context: { ip?: string | null; mark?: string } = {}
): Promise<string> {
	const giveBack = await countLinkAttempt(db, context.ip);
	const status = statusOf(await findReset(db, token));
	if (status !== 'valid') throw new DomainError(STATUS_ERRORS[status]);
	const passwordHash = await withPasswordSlot(() => hashNewPassword(password), giveBack);
	const userId = await db.transaction(async (tx) => {
		// Checked again: the link may have been used while the password was being hashed.
		const row = await findReset(tx, token);
		const current = statusOf(row);
		if (!row || current !== 'valid')
			throw new DomainError(STATUS_ERRORS[current === 'valid' ? 'invalid' : current]);
		const spent = await tx
			.update(passwordResets)
			.set({ usedAt: new Date() })
			.where(and(eq(passwordResets.id, row.id), isNull(passwordResets.usedAt)))
			.returning({ id: passwordResets.id });
		if (spent.length === 0) throw new DomainError('TOKEN_USED');
		await tx.update(users).set({ passwordHash }).where(eq(users.id, row.userId));
		await spendResetLinks(tx, row.userId);
		await endSessions(tx, { userId: row.userId, mark: context.mark });
		await recordAudit(tx, {
			actorId: row.userId,
			organisationId: null,
			action: 'user.password_reset',
			objectType: 'user',
			objectId: row.userId,
			data: {},
			ip: context.ip ?? null
		});
		return row.userId;
	});
	await giveBack();
	return userId;
}
