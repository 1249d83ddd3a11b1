import type { Db } from '../db/client.ts';
import { publishLiveEvent } from '../live/events.ts';
import { invalidateUserSessions } from './sessions.ts';

export const SESSION_REVOKED = 'session.revoked';

/**
 * Ends every session of a user and tells every process, so live connections (event streams,
 * collaboration sockets) of that user close too. Call inside the transaction of the change.
 */
export async function revokeUserAccess(db: Db, userId: string): Promise<void> {
	await invalidateUserSessions(db, userId);
	await publishLiveEvent(db, {
		type: SESSION_REVOKED,
		audience: { users: [userId] },
		data: { userId }
	});
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
