import { and, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { importJobs } from '../db/schema.ts';
import { enqueueNextRun, scheduleRecurringJob, type JobHandlers } from '../jobs/index.ts';

// An upload the process never finished (killed, crashed, restarted mid-upload) stays `uploading`
// with up to 50 MB of import_chunks: no page shows it and nobody can discard it. This hourly job
// deletes it (its chunks go by cascade) once no upload could still be writing it.

export const IMPORTS_PURGE_JOB = 'imports.purge_stale_uploads';
export const IMPORTS_PURGE_INTERVAL_MS = 60 * 60 * 1000;
/** An `uploading` import older than this is abandoned. */
export const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;
/** Imports deleted per statement: each may hold 200 chunks, so each transaction stays short. */
const BATCH = 20;

/** Deletes the uploads abandoned before `now - STALE_UPLOAD_MS`, in batches; how many went. */
export async function purgeStaleUploads(db: Db, now = new Date()): Promise<number> {
	const before = new Date(now.getTime() - STALE_UPLOAD_MS);
	let total = 0;
	for (;;) {
		const stale = db
			.select({ id: importJobs.id })
			.from(importJobs)
			.where(and(eq(importJobs.status, 'uploading'), lt(importJobs.createdAt, before)))
			.limit(BATCH);
		const deleted = await db
			.delete(importJobs)
			.where(and(inArray(importJobs.id, stale), eq(importJobs.status, 'uploading')))
			.returning({ id: importJobs.id });
		total += deleted.length;
		if (deleted.length < BATCH) return total;
	}
}

/** At start: the first purge now, unless one is already waiting. */
export async function scheduleImportJobs(db: Db): Promise<void> {
	await scheduleRecurringJob(db, IMPORTS_PURGE_JOB);
}

/** The hourly purge of abandoned uploads; each run enqueues the next. */
export function importPurgeHandlers(): JobHandlers {
	return {
		[IMPORTS_PURGE_JOB]: async (_payload, ctx) => {
			const purged = await purgeStaleUploads(ctx.db);
			if (purged > 0) ctx.log.info({ purged }, 'abandoned import uploads purged');
			await enqueueNextRun(ctx.db, IMPORTS_PURGE_JOB, ctx.jobId, IMPORTS_PURGE_INTERVAL_MS);
		}
	};
}
