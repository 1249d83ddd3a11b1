import { and, eq, isNull, lt, ne } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { jobs } from '../db/schema.ts';
import { enqueueJob } from './commands.ts';

// Recurring jobs (deal expiry, plan reminders, the feed digest, file collection): one run waits at a
// time. Each process schedules the first run at start unless one waits; each run enqueues the next.

/** Whether a run of `kind` (other than `exceptId`, the one running now) is waiting or running. */
export async function jobWaiting(db: Db, kind: string, exceptId?: number): Promise<boolean> {
	const [row] = await db
		.select({ id: jobs.id })
		.from(jobs)
		.where(
			and(
				eq(jobs.kind, kind),
				isNull(jobs.doneAt),
				isNull(jobs.failedAt),
				lt(jobs.attempts, jobs.maxAttempts),
				exceptId === undefined ? undefined : ne(jobs.id, exceptId)
			)
		)
		.limit(1);
	return Boolean(row);
}

/** At start: the first run now, unless one is already waiting. */
export async function scheduleRecurringJob(db: Db, kind: string): Promise<void> {
	if (!(await jobWaiting(db, kind))) await enqueueJob(db, kind);
}

/** At the end of a run: the next one in `intervalMs`, unless another run already waits. */
export async function enqueueNextRun(
	db: Db,
	kind: string,
	runningId: number,
	intervalMs: number
): Promise<void> {
	if (await jobWaiting(db, kind, runningId)) return;
	await enqueueJob(db, kind, {}, { runAt: new Date(Date.now() + intervalMs) });
}
