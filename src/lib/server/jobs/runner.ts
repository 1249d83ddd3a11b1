import { hostname } from 'node:os';
import type { Database, Db } from '../db/client.ts';
import type { Logger } from '../log/index.ts';
import {
	claimJobs,
	completeJob,
	failAbandonedJobs,
	failJob,
	JOBS_CHANNEL,
	type ClaimedJob,
	type JobPayload
} from './commands.ts';

export type JobContext = {
	/** The runner's database, for handlers that read or record what they did. */
	db: Db;
	jobId: number;
	/** 1 on the first run, 2 on the first retry… */
	attempt: number;
	maxAttempts: number;
	log: Logger;
};

export type JobHandler = (payload: JobPayload, ctx: JobContext) => Promise<void>;
export type JobHandlers = Record<string, JobHandler>;

export type JobRunner = {
	workerId: string;
	/** Stops claiming and waits for the jobs already running. */
	stop(): Promise<void>;
	/** Claims what is due now (up to the free slots), runs it, and returns how many jobs ran. */
	runOnce(): Promise<number>;
};

export type JobRunnerOptions = {
	db: Db;
	log: Logger;
	handlers: JobHandlers;
	/** Wakes the runner on NOTIFY as soon as a job is enqueued; without it, polling alone. */
	listen?: Database['listen'];
	/** Fallback polling interval (default 5 s). */
	pollMs?: number;
	workerId?: string;
	/** Jobs run at the same time by this runner (default 4). */
	concurrency?: number;
	/** A job locked longer than this belongs to a dead worker and is claimed again (default 10 min). */
	lockTimeoutMs?: number;
	/** Backoff after the n-th failure: retryBaseMs × 2^(n-1), at most retryMaxMs (30 s, 1 h). */
	retryBaseMs?: number;
	retryMaxMs?: number;
	/** false: no background loop, only runOnce() (tests). Default true. */
	autoStart?: boolean;
};

const MAX_ERROR_LENGTH = 2000;

/**
 * Runs jobs from the `jobs` table. Safe with several processes: claims go through
 * FOR UPDATE SKIP LOCKED and a lock timestamp, so a job runs once unless its worker dies.
 */
export function startJobRunner(options: JobRunnerOptions): JobRunner {
	const { db, handlers } = options;
	const workerId =
		options.workerId ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
	const log = options.log.child({ worker: workerId });
	const kinds = Object.keys(handlers);
	const pollMs = options.pollMs ?? 5_000;
	const concurrency = Math.max(1, options.concurrency ?? 4);
	const lockTimeoutMs = options.lockTimeoutMs ?? 10 * 60_000;
	const backoff = { baseMs: options.retryBaseMs ?? 30_000, maxMs: options.retryMaxMs ?? 3_600_000 };

	const active = new Set<Promise<void>>();
	let stopping = false;
	let wakeUp: (() => void) | null = null;
	let wakeRequested = false;

	const wake = () => {
		wakeRequested = true;
		wakeUp?.();
	};

	async function run(job: ClaimedJob): Promise<void> {
		const jobLog = log.child({ job: job.id, kind: job.kind, attempt: job.attempts });
		const handler = handlers[job.kind];
		try {
			await handler(job.payload, {
				db,
				jobId: job.id,
				attempt: job.attempts,
				maxAttempts: job.maxAttempts,
				log: jobLog
			});
		} catch (error) {
			const message = (error instanceof Error ? error.message : String(error)).slice(
				0,
				MAX_ERROR_LENGTH
			);
			try {
				const outcome = await failJob(db, job, workerId, message, backoff);
				const level = outcome === 'retry' ? 'warn' : 'error';
				jobLog[level]({ err: error, outcome }, 'job failed');
			} catch (recordError) {
				jobLog.error({ err: recordError }, 'could not record a job failure');
			}
			return;
		}
		try {
			const mine = await completeJob(db, job.id, workerId);
			if (!mine) jobLog.warn('job finished after another worker reclaimed it');
		} catch (error) {
			jobLog.error({ err: error }, 'could not mark a job done');
		}
	}

	/** Claims into the free slots and starts the jobs; returns their promises. */
	async function claimAndStart(): Promise<Promise<void>[]> {
		const free = concurrency - active.size;
		if (stopping || free <= 0 || kinds.length === 0) return [];
		await failAbandonedJobs(db, lockTimeoutMs);
		const claimed = await claimJobs(db, { workerId, kinds, limit: free, lockTimeoutMs });
		return claimed.map((job) => {
			const promise = run(job).finally(() => {
				active.delete(promise);
				wake();
			});
			active.add(promise);
			return promise;
		});
	}

	function sleep(): Promise<void> {
		if (wakeRequested) {
			wakeRequested = false;
			return Promise.resolve();
		}
		return new Promise((resolve) => {
			const timer = setTimeout(done, pollMs);
			function done() {
				clearTimeout(timer);
				wakeUp = null;
				wakeRequested = false;
				resolve();
			}
			wakeUp = done;
		});
	}

	async function loop(): Promise<void> {
		while (!stopping) {
			let started = 0;
			try {
				started = (await claimAndStart()).length;
			} catch (error) {
				log.error({ err: error }, 'could not claim jobs');
			}
			if (stopping) break;
			// Nothing more is due now, or every slot is busy: a NOTIFY, a finished job or the poll
			// timer wakes the loop.
			if (started === 0 || active.size >= concurrency) await sleep();
		}
	}

	const unlisten = options.listen
		? options
				.listen(JOBS_CHANNEL, (kind) => {
					if (kind in handlers) wake();
				})
				.catch((error: unknown) => {
					log.warn({ err: error }, 'job wake-ups unavailable, polling only');
					return null;
				})
		: Promise.resolve(null);

	const looping = options.autoStart === false ? Promise.resolve() : loop();
	let stopped: Promise<void> | undefined;

	return {
		workerId,
		async runOnce() {
			const started = await claimAndStart();
			await Promise.all(started);
			return started.length;
		},
		stop() {
			stopped ??= (async () => {
				stopping = true;
				wake();
				await looping;
				await Promise.allSettled([...active]);
				const off = await unlisten;
				await off?.();
			})();
			return stopped;
		}
	};
}
