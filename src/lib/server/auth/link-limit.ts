import type { Db } from '../db/client.ts';
import { DomainError } from '../errors.ts';
import { consumeAttempt, refundAttempt, type RateLimitRule } from './rate-limit.ts';

// Reset and invitation links are submitted without a session, and a good token leads to an argon2
// hash: the submissions of one address share one budget, counted before the token is looked at,
// so guessing tokens (or flooding the form) is bounded. Only failures use it up: a link that
// worked gives its count back, so a whole office joining from one address is never refused.
export const LINK_IP_LIMIT: RateLimitRule = { limit: 30, windowMs: 15 * 60_000 };

export const linkAttemptKey = (ip: string) => `link:ip:${ip}`;

/**
 * Counts one link submission from `ip` (none when there is no address: a script, a test) or
 * throws RATE_LIMITED; returns how to give it back.
 */
export async function countLinkAttempt(
	db: Db,
	ip: string | null | undefined
): Promise<() => Promise<void>> {
	if (!ip) return async () => {};
	const key = linkAttemptKey(ip);
	const state = await consumeAttempt(db, key, LINK_IP_LIMIT);
	if (state.limited) {
		throw new DomainError('RATE_LIMITED', { retryAfterSeconds: state.retryAfterSeconds });
	}
	return () => refundAttempt(db, key);
}
