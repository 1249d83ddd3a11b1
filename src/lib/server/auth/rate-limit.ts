import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rateLimits } from '../db/schema.ts';

export type RateLimitRule = { limit: number; windowMs: number };
export type RateLimitState = { limited: boolean; retryAfterSeconds: number };

// Kept in the database so that several app processes share the counters. An attempt is counted
// before anything is checked, in one `insert … on conflict do update … returning`: parallel
// requests each see their own count, so no more than `limit` of them ever get through (checking
// first and counting afterwards let 200 parallel attempts all through).

/**
 * Counts one attempt on `key` in a fixed window (a new window starts when the old one is over)
 * and says whether this attempt is over the limit, and when the window ends.
 */
export async function consumeAttempt(
	db: Db,
	key: string,
	rule: RateLimitRule
): Promise<RateLimitState> {
	// Computed in SQL: a Date inside raw sql is not serialised the same way by both drivers.
	const window = sql`(${rule.windowMs} * interval '1 millisecond')`;
	const expired = sql`${rateLimits.windowStart} <= now() - ${window}`;
	const [row] = await db
		.insert(rateLimits)
		.values({ key, count: 1, windowStart: sql`now()` })
		.onConflictDoUpdate({
			target: rateLimits.key,
			set: {
				count: sql`case when ${expired} then 1 else ${rateLimits.count} + 1 end`,
				windowStart: sql`case when ${expired} then now() else ${rateLimits.windowStart} end`
			}
		})
		.returning({
			count: rateLimits.count,
			retryAfter: sql<number>`ceil(extract(epoch from (${rateLimits.windowStart} + ${window} - now())))::int`
		});
	const retryAfterSeconds = Math.max(1, Number(row?.retryAfter ?? 1));
	return { limited: (row?.count ?? 0) > rule.limit, retryAfterSeconds };
}

/**
 * Counts one attempt on each key (in this order, each atomically) and answers for the first key
 * over its limit, if any. Every key is counted even when an earlier one refuses.
 */
export async function consumeAttempts(
	db: Db,
	attempts: readonly (readonly [key: string, rule: RateLimitRule])[]
): Promise<RateLimitState> {
	let answer: RateLimitState = { limited: false, retryAfterSeconds: 0 };
	for (const [key, rule] of attempts) {
		const state = await consumeAttempt(db, key, rule);
		if (state.limited && !answer.limited) answer = state;
	}
	return answer;
}

/** Gives one counted attempt back (a successful sign-in does not use up its address's budget). */
export async function refundAttempt(db: Db, key: string): Promise<void> {
	await db
		.update(rateLimits)
		.set({ count: sql`greatest(${rateLimits.count} - 1, 0)` })
		.where(eq(rateLimits.key, key));
}

export async function clearRateLimit(db: Db, key: string): Promise<void> {
	await db.delete(rateLimits).where(eq(rateLimits.key, key));
}
