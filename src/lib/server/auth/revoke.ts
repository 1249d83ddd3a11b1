import { and, eq, inArray, lt, ne, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { sessions } from '../db/schema.ts';
import { publishLiveEvent } from '../live/events.ts';

export const SESSION_REVOKED = 'session.revoked';

// A session id is 64 hex characters: this many fit well inside one NOTIFY payload.
const IDS_PER_EVENT = 80;

/** Which sessions end: one, every one of a person (but perhaps the current one), or the expired. */
export type EndedSessions =
	| { sessionId: string }
	| { userId: string; except?: string }
	| { expiredBefore: Date; limit?: number };

function whereOf(which: EndedSessions): SQL | undefined {
	if ('sessionId' in which) return eq(sessions.id, which.sessionId);
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
		// outlive an expired session nobody purged yet), even when no row was left to delete.
		const everySession = 'userId' in which && which.except === undefined;
		if (everySession && !byUser.has(which.userId)) byUser.set(which.userId, []);
		for (const [userId, ids] of byUser) {
			for (let i = 0; i === 0 || i < ids.length; i += IDS_PER_EVENT) {
				await publishLiveEvent(tx, {
					type: SESSION_REVOKED,
					audience: { users: [userId] },
					data: { userId, sessionIds: ids.slice(i, i + IDS_PER_EVENT), everySession }
				});
			}
		}
		return ended.length;
	});
}

/** Ends every session of a person (deactivation, suspension, "sign out everywhere"). */
export function revokeUserAccess(db: Db, userId: string): Promise<number> {
	return endSessions(db, { userId });
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
