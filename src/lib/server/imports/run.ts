import { partnerScopeOf } from '../access/policy.ts';
import { eq, sql } from 'drizzle-orm';
import { canImport } from '../access/crm-policy.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { Db } from '../db/client.ts';
import { importJobs, organisations, users } from '../db/schema.ts';
import type { JobHandlers } from '../jobs/index.ts';
import { publishLiveEvent } from '../live/index.ts';
import type { CsvRecord } from '../csv/index.ts';
import { csvRecords, inBatches, storedFile } from './file.ts';
import { applyBatch } from './apply.ts';
import { IMPORT_JOB } from './commands.ts';
import { loadImportContext } from './context.ts';
import { importPurgeHandlers } from './purge.ts';
import type { RowError } from './rows.ts';
import { nextTurn } from '../turns.ts';

/** Rows per transaction: small enough that other requests are served between batches. */
export const IMPORT_BATCH_SIZE = 500;
/** Per-line errors kept for the report; beyond it they are only counted (moreErrors). */
export const MAX_STORED_ERRORS = 1000;

export type ImportProgress = {
	importId: string;
	status: 'queued' | 'running' | 'done' | 'failed';
	total: number;
	processed: number;
	created: number;
	updated: number;
	rejected: number;
};

async function importer(db: Db, userId: string): Promise<(Actor & { active: boolean }) | null> {
	const [row] = await db
		.select({
			id: users.id,
			role: users.role,
			organisationId: users.organisationId,
			organisationKind: organisations.kind,
			active: users.active
		})
		.from(users)
		.innerJoin(organisations, eq(organisations.id, users.organisationId))
		.where(eq(users.id, userId));
	return row ?? null;
}

async function publishProgress(db: Db, userId: string, progress: ImportProgress) {
	await publishLiveEvent(db, {
		type: 'import.progress',
		audience: { users: [userId] },
		data: progress
	});
}

/**
 * Runs an import: batches of IMPORT_BATCH_SIZE rows, each in one transaction that also advances
 * the counters and publishes `import.progress` (delivered at commit). A retried job resumes after
 * the last committed batch. Between batches the event loop serves other requests.
 */
export async function runImport(
	db: Db,
	importId: string,
	options: { batchSize?: number } = {}
): Promise<ImportProgress | null> {
	const [job] = await db.select().from(importJobs).where(eq(importJobs.id, importId));
	if (!job || (job.status !== 'queued' && job.status !== 'running')) return null;
	const progress: ImportProgress = {
		importId,
		status: 'running',
		total: job.totalRows,
		processed: job.processedRows,
		created: job.createdCount,
		updated: job.updatedCount,
		rejected: job.rejectedCount
	};
	const actor = await importer(db, job.userId);
	// Rights are checked again when the job runs: a person demoted meanwhile imports nothing.
	if (!actor || !actor.active || !canImport(actor, job.kind)) {
		await finish(db, job.userId, { ...progress, status: 'failed' });
		return { ...progress, status: 'failed' };
	}
	const errors: RowError[] = [...(job.errors as RowError[])];
	let moreErrors = job.moreErrors;
	const context = await loadImportContext(db, actor, job.kind, job.mapping);
	const size = options.batchSize ?? IMPORT_BATCH_SIZE;

	await db.transaction(async (tx) => {
		await tx.update(importJobs).set({ status: 'running' }).where(eq(importJobs.id, importId));
		await publishProgress(tx, job.userId, progress);
	});

	// The file is read again from its first chunk; a retried job skips the rows already done.
	const records = csvRecords(storedFile(db, importId), { encoding: job.encoding });
	for await (const batch of inBatches(skipping(records, job.processedRows + 1), size)) {
		let errorsChanged = false;
		await db.transaction(async (tx) => {
			const outcomes = await applyBatch(tx, context, batch);
			progress.processed += batch.length;
			for (const outcome of outcomes) {
				if (outcome.outcome === 'created') progress.created++;
				else if (outcome.outcome === 'updated') progress.updated++;
				else {
					progress.rejected++;
					for (const error of outcome.errors)
						if (errors.length < MAX_STORED_ERRORS) {
							errors.push(error);
							errorsChanged = true;
						} else moreErrors++;
				}
			}
			await tx
				.update(importJobs)
				.set({
					processedRows: progress.processed,
					createdCount: progress.created,
					updatedCount: progress.updated,
					rejectedCount: progress.rejected,
					// Rewritten only while the list grows, not with every batch of a bad file.
					...(errorsChanged ? { errors } : {}),
					moreErrors
				})
				.where(eq(importJobs.id, importId));
			await publishProgress(tx, job.userId, progress);
		});
		await nextTurn();
	}

	const done: ImportProgress = { ...progress, status: 'done' };
	await db.transaction(async (tx) => {
		await finish(tx, job.userId, done);
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: partnerScopeOf(actor),
			action: 'import.completed',
			objectType: 'import',
			objectId: importId,
			data: {
				kind: job.kind,
				created: done.created,
				updated: done.updated,
				rejected: done.rejected
			}
		});
	});
	return done;
}

/** The records after the first `count` (the header, and the rows a retried job already did). */
async function* skipping(
	records: AsyncIterable<CsvRecord[]>,
	count: number
): AsyncGenerator<CsvRecord[]> {
	let left = count;
	for await (const some of records) {
		if (left >= some.length) {
			left -= some.length;
			continue;
		}
		yield left > 0 ? some.slice(left) : some;
		left = 0;
	}
}

async function finish(db: Db, userId: string, progress: ImportProgress) {
	await db
		.update(importJobs)
		.set({ status: progress.status, finishedAt: sql`now()` })
		.where(eq(importJobs.id, progress.importId));
	await publishProgress(db, userId, progress);
}

/** The job handler map to merge into the runtime's (the purge of abandoned uploads too). */
export function importJobHandlers(): JobHandlers {
	return {
		...importPurgeHandlers(),
		async [IMPORT_JOB](payload, ctx) {
			const importId = typeof payload.importId === 'string' ? payload.importId : '';
			try {
				await runImport(ctx.db, importId);
			} catch (error) {
				// On the last attempt the import is marked failed so the page stops waiting.
				if (ctx.attempt >= ctx.maxAttempts) {
					const [job] = await ctx.db.select().from(importJobs).where(eq(importJobs.id, importId));
					if (job) {
						await finish(ctx.db, job.userId, {
							importId,
							status: 'failed',
							total: job.totalRows,
							processed: job.processedRows,
							created: job.createdCount,
							updated: job.updatedCount,
							rejected: job.rejectedCount
						});
					}
				}
				throw error;
			}
		}
	};
}
