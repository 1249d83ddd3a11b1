import { and, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { jobs } from '../db/schema.ts';

/** NOTIFY channel that wakes idle runners as soon as a job is enqueued (polling stays as a fallback). */
export const JOBS_CHANNEL = 'relais_jobs';

export type JobPayload = Record<string, unknown>;

export type EnqueueOptions = {
	/** Not before this moment (default: now). */
	runAt?: Date;
	/** Attempts before the job is marked failed (default 5). */
	maxAttempts?: number;
};

export type ClaimedJob = {
	id: number;
	kind: string;
	payload: JobPayload;
	/** Attempts so far, this one included. */
	attempts: number;
	maxAttempts: number;
};

const ms = (value: number) => sql`${Math.round(value)}::integer * interval '1 millisecond'`;

/**
 * Adds a job. Called with a transaction, the job exists (and the wake-up NOTIFY is delivered)
 * only if that transaction commits.
 */
export async function enqueueJob(
	db: Db,
	kind: string,
	payload: JobPayload = {},
	options: EnqueueOptions = {}
): Promise<number> {
	const [row] = await db
		.insert(jobs)
		.values({ kind, payload, runAt: options.runAt, maxAttempts: options.maxAttempts })
		.returning({ id: jobs.id });
	await db.execute(sql`select pg_notify(${JOBS_CHANNEL}, ${kind})`);
	return row.id;
}

/**
 * Claims up to `limit` due jobs of the given kinds for one worker. SKIP LOCKED lets several
 * processes claim at once without waiting on each other; `locked_at` keeps a claimed job from being
 * claimed again until `lockTimeoutMs` has passed (its worker is then presumed dead).
 */
export async function claimJobs(
	db: Db,
	options: { workerId: string; kinds: string[]; limit: number; lockTimeoutMs: number }
): Promise<ClaimedJob[]> {
	if (options.kinds.length === 0 || options.limit <= 0) return [];
	const due = db
		.select({ id: jobs.id })
		.from(jobs)
		.where(
			and(
				isNull(jobs.doneAt),
				isNull(jobs.failedAt),
				lte(jobs.runAt, sql`now()`),
				inArray(jobs.kind, options.kinds),
				lt(jobs.attempts, jobs.maxAttempts),
				or(isNull(jobs.lockedAt), lt(jobs.lockedAt, sql`now() - ${ms(options.lockTimeoutMs)}`))
			)
		)
		.orderBy(jobs.runAt, jobs.id)
		.limit(options.limit)
		.for('update', { skipLocked: true });
	return db
		.update(jobs)
		.set({ lockedAt: sql`now()`, lockedBy: options.workerId, attempts: sql`${jobs.attempts} + 1` })
		.where(inArray(jobs.id, due))
		.returning({
			id: jobs.id,
			kind: jobs.kind,
			payload: jobs.payload,
			attempts: jobs.attempts,
			maxAttempts: jobs.maxAttempts
		});
}

/**
 * A job whose worker died on its last allowed attempt can never be claimed again: mark it failed
 * so it does not sit in the queue for ever.
 */
export async function failAbandonedJobs(db: Db, lockTimeoutMs: number): Promise<number> {
	const rows = await db
		.update(jobs)
		.set({
			failedAt: sql`now()`,
			lockedAt: null,
			lastError: sql`coalesce(${jobs.lastError}, 'the worker running it stopped responding')`
		})
		.where(
			and(
				isNull(jobs.doneAt),
				isNull(jobs.failedAt),
				sql`${jobs.attempts} >= ${jobs.maxAttempts}`,
				lt(jobs.lockedAt, sql`now() - ${ms(lockTimeoutMs)}`)
			)
		)
		.returning({ id: jobs.id });
	return rows.length;
}

/** Marks a job done; false when another worker reclaimed it meanwhile. */
export async function completeJob(db: Db, id: number, workerId: string): Promise<boolean> {
	const rows = await db
		.update(jobs)
		.set({ doneAt: sql`now()`, lockedAt: null })
		.where(and(eq(jobs.id, id), eq(jobs.lockedBy, workerId)))
		.returning({ id: jobs.id });
	return rows.length > 0;
}

/** 30 s, 60 s, 120 s… after the 1st, 2nd, 3rd failure, never more than `maxMs`. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number): number {
	return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Records a failed attempt: the job runs again after a backoff, or is marked failed when it has
 * used all its attempts. Returns what happened.
 */
export async function failJob(
	db: Db,
	job: ClaimedJob,
	workerId: string,
	error: string,
	backoff: { baseMs: number; maxMs: number }
): Promise<'retry' | 'failed' | 'lost'> {
	const last = job.attempts >= job.maxAttempts;
	const rows = await db
		.update(jobs)
		.set(
			last
				? { failedAt: sql`now()`, lockedAt: null, lastError: error }
				: {
						runAt: sql`now() + ${ms(retryDelayMs(job.attempts, backoff.baseMs, backoff.maxMs))}`,
						lockedAt: null,
						lastError: error
					}
		)
		.where(and(eq(jobs.id, job.id), eq(jobs.lockedBy, workerId)))
		.returning({ id: jobs.id });
	if (rows.length === 0) return 'lost';
	return last ? 'failed' : 'retry';
}
