import type { Db } from '../db/client.ts';
import { enqueueNextRun, scheduleRecurringJob, type JobHandlers } from '../jobs/index.ts';
import { endSessions } from './revoke.ts';

export const SESSIONS_PURGE_JOB = 'auth.purge_expired_sessions';
export const SESSIONS_PURGE_INTERVAL_MS = 60 * 60 * 1000;
const BATCH = 1000;

/**
 * Deletes the sessions past their expiry, in batches (each its own short transaction), and says
 * how many went. A session is refused once expired anyway; this keeps the table from growing
 * with every sign-in that was never signed out.
 */
export async function purgeExpiredSessions(db: Db, now = new Date()): Promise<number> {
	let total = 0;
	for (;;) {
		const ended = await endSessions(db, { expiredBefore: now, limit: BATCH });
		total += ended;
		if (ended < BATCH) return total;
	}
}

/** At start: the first purge now, unless one is already waiting. */
export async function scheduleSessionJobs(db: Db): Promise<void> {
	await scheduleRecurringJob(db, SESSIONS_PURGE_JOB);
}

/** The hourly purge of expired sessions; each run enqueues the next. */
export function sessionJobHandlers(): JobHandlers {
	return {
		[SESSIONS_PURGE_JOB]: async (_payload, ctx) => {
			const purged = await purgeExpiredSessions(ctx.db);
			if (purged > 0) ctx.log.info({ purged }, 'expired sessions purged');
			await enqueueNextRun(ctx.db, SESSIONS_PURGE_JOB, ctx.jobId, SESSIONS_PURGE_INTERVAL_MS);
		}
	};
}
