import { randomUUID } from 'node:crypto';
import { and, eq, inArray, lt, ne, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { sessions } from '../db/schema.ts';
import type { LiveBus } from '../live/bus.ts';
import { publishLiveEvent } from '../live/events.ts';

export const SESSION_REVOKED = 'session.revoked';

// A session id is 64 hex characters: this many fit well inside one NOTIFY payload.
const IDS_PER_EVENT = 80;

/**
 * Which sessions end: one, every one of a person (but perhaps the current one), or the expired.
 * `mark` (from revocationDelivered) goes with the person's event, so whoever waits for it knows
 * it from another revocation of the same person.
 */
export type EndedSessions =
	| { userId: string; sessionId: string; mark?: string }
	| { userId: string; except?: string; mark?: string }
	| { expiredBefore: Date; limit?: number };

function whereOf(which: EndedSessions): SQL | undefined {
	if ('sessionId' in which) {
		return and(eq(sessions.id, which.sessionId), eq(sessions.userId, which.userId));
	}
	if ('userId' in which) {
		return and(
			eq(sessions.userId, which.userId),
			which.except === undefined ? undefined : ne(sessions.id, which.except)
		);
	}
	return lt(sessions.expiresAt, which.expiredBefore);
}

/**
 * The one way a session ends (sign-out, sign out everywhere, a password changed or reset,
 * deactivation, suspension, expiry): the rows go and `session.revoked` names them, in one
 * transaction, so every process closes their collaboration sockets and event streams as soon as
 * it commits — and never for a deletion that rolled back. Returns how many sessions ended.
 */
export async function endSessions(db: Db, which: EndedSessions): Promise<number> {
	return db.transaction(async (tx) => {
		let where = whereOf(which);
		// Purges go in bounded batches: one short lock at a time.
		if ('expiredBefore' in which && which.limit !== undefined) {
			where = inArray(
				sessions.id,
				tx.select({ id: sessions.id }).from(sessions).where(where).limit(which.limit)
			);
		}
		const ended = await tx
			.delete(sessions)
			.where(where)
			.returning({ id: sessions.id, userId: sessions.userId });
		const byUser = new Map<string, string[]>();
		for (const row of ended) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row.id]);
		// Every session of a person: their sockets close whatever session opened them (one may
		// outlive an expired session nobody purged yet). A named person always gets an event, even
		// when no row was left, so whoever waits for it (revocationDelivered) is not kept waiting.
		const everySession = 'userId' in which && !('sessionId' in which) && which.except === undefined;
		if ('userId' in which && !byUser.has(which.userId)) byUser.set(which.userId, []);
		const [named, mark] = 'userId' in which ? [which.userId, which.mark] : [];
		for (const [userId, ids] of byUser) {
			for (let i = 0; i === 0 || i < ids.length; i += IDS_PER_EVENT) {
				// Only the last event carries the mark: events arrive in order, so when it is
				// delivered the ones before it have been too.
				const last = i + IDS_PER_EVENT >= ids.length;
				await publishLiveEvent(tx, {
					type: SESSION_REVOKED,
					audience: { users: [userId] },
					data: {
						userId,
						sessionIds: ids.slice(i, i + IDS_PER_EVENT),
						everySession,
						...(mark !== undefined && last && userId === named ? { mark } : {})
					}
				});
			}
		}
		return ended.length;
	});
}

const DELIVERY_TIMEOUT_MS = 2000;

/**
 * Runs `work`, which ends sessions of one person passing `mark` to endSessions, and returns once
 * this process has received the `session.revoked` carrying that mark: the collaboration sockets
 * and event streams of this process are closed before the answer leaves, so an edit sent after a
 * sign-out's answer is never applied (NOTIFY reaches the other processes at the same moment). The
 * mark, not the person, is awaited: another revocation of the same person (another device signing
 * out meanwhile) must not let the answer leave before this one's own event.
 * Gives up waiting after 2 s; a `work` that throws ended nothing and is not waited for.
 */
export async function revocationDelivered<T>(
	bus: Pick<LiveBus, 'subscribe'>,
	work: (mark: string) => Promise<T>
): Promise<T> {
	const mark = randomUUID();
	let seen = false;
	let delivered = () => {};
	const arrived = new Promise<void>((resolve) => (delivered = resolve));
	// Subscribed before the work: on PGlite the event is delivered during the commit itself.
	const unsubscribe = bus.subscribe((event) => {
		if (event.type !== SESSION_REVOKED || event.data.mark !== mark) return;
		seen = true;
		delivered();
	});
	let timer: ReturnType<typeof setTimeout> | undefined;
	try {
		const result = await work(mark);
		if (!seen) {
			await Promise.race([
				arrived,
				new Promise<void>((resolve) => (timer = setTimeout(resolve, DELIVERY_TIMEOUT_MS)))
			]);
		}
		return result;
	} finally {
		clearTimeout(timer);
		unsubscribe();
	}
}

/** Ends every session of a person (deactivation, suspension, "sign out everywhere"). */
export function revokeUserAccess(db: Db, userId: string, mark?: string): Promise<number> {
	return endSessions(db, { userId, mark });
}

export const ACCESS_CHANGED = 'access.changed';

/**
 * Someone's rights changed (role, company) while they stay signed in: live connections re-check
 * (event streams at once; collaboration sockets close with `accessRevoked` and re-authorise).
 */
export async function announceAccessChange(db: Db, userId: string): Promise<void> {
	await publishLiveEvent(db, {
		type: ACCESS_CHANGED,
		audience: { users: [userId] },
		data: { userId }
	});
}
