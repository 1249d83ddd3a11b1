import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rateLimits } from '../db/schema.ts';

export type RateLimitRule = { limit: number; windowMs: number };
export type RateLimitState = { limited: boolean; retryAfterSeconds: number };

// Kept in the database so that several app processes share the counters.

/** Is this key over its limit right now? (Does not count an attempt.) */
export async function checkRateLimit(
	db: Db,
	key: string,
	rule: RateLimitRule
): Promise<RateLimitState> {
	const [row] = await db.select().from(rateLimits).where(eq(rateLimits.key, key));
	if (!row) return { limited: false, retryAfterSeconds: 0 };
	const resetsAt = row.windowStart.getTime() + rule.windowMs;
	const now = Date.now();
	if (now >= resetsAt || row.count < rule.limit) return { limited: false, retryAfterSeconds: 0 };
	return { limited: true, retryAfterSeconds: Math.ceil((resetsAt - now) / 1000) };
}

/** Counts one attempt in a fixed window (a new window starts when the old one is over). */
export async function countAttempt(db: Db, key: string, rule: RateLimitRule): Promise<void> {
	// Computed in SQL: a Date inside raw sql is not serialised the same way by both drivers.
	const expired = sql`${rateLimits.windowStart} < now() - (${rule.windowMs} * interval '1 millisecond')`;
	await db
		.insert(rateLimits)
		.values({ key, count: 1, windowStart: new Date() })
		.onConflictDoUpdate({
			target: rateLimits.key,
			set: {
				count: sql`case when ${expired} then 1 else ${rateLimits.count} + 1 end`,
				windowStart: sql`case when ${expired} then now() else ${rateLimits.windowStart} end`
			}
		});
}

export async function clearRateLimit(db: Db, key: string): Promise<void> {
	await db.delete(rateLimits).where(eq(rateLimits.key, key));
}
