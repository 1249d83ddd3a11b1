import { partnerScopeOf } from '../access/policy.ts';
import { and, eq } from 'drizzle-orm';
import { canImport } from '../access/crm-policy.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { Db } from '../db/client.ts';
import { importJobs } from '../db/schema.ts';
import { enqueueJob } from '../jobs/index.ts';
import type { ImportKind } from '../../shared/enums.ts';
import { DomainError } from '../errors.ts';
import { bytesOf, csvRecords, storedFile, storingFile, type CsvEncoding } from './file.ts';

export { decodeCsv } from './file.ts';
import {
	cleanMapping,
	fieldsFor,
	guessMapping,
	missingFields,
	type ImportMapping
} from './fields.ts';

export const IMPORT_JOB = 'imports.run';

/** Files above this many rows are refused (they fit the 50 MB body limit but not a sensible job). */
export const MAX_IMPORT_ROWS = 200_000;

/**
 * Stores an uploaded file as a draft import with the mapping guessed from its header. The file
 * streams through: each chunk is written to import_chunks as it arrives and parsed, to count the
 * rows, without ever holding the whole file. While it arrives the import is `uploading` (hidden);
 * a refused or broken upload is deleted with its chunks, one the process never finished (it
 * stopped meanwhile) by the hourly purge (purge.ts).
 */
export async function createImport(
	db: Db,
	actor: Actor,
	input: {
		kind: ImportKind;
		filename: string;
		content: string | Uint8Array | AsyncIterable<Uint8Array>;
	}
): Promise<{ id: string }> {
	if (!canImport(actor, input.kind)) throw new DomainError('IMPORT_KIND_FORBIDDEN');
	const [{ id }] = await db
		.insert(importJobs)
		.values({
			kind: input.kind,
			userId: actor.id,
			organisationId: actor.organisationId,
			// The edge refuses a name holding a NUL (readStreamedForm); cut by code points, so that
			// a surrogate pair is never halved.
			filename: Array.from(input.filename).slice(0, 200).join('') || 'import.csv',
			status: 'uploading'
		})
		.returning({ id: importJobs.id });
	try {
		const file = storingFile(db, id, bytesOf(input.content));
		let encoding: CsvEncoding = 'utf-8';
		let header: string[] | null = null;
		let records = 0;
		for await (const some of csvRecords(file.pieces, { onEncoding: (e) => (encoding = e) })) {
			header ??= some[0].cells;
			records += some.length;
		}
		if (records === 0) throw new DomainError('EMPTY_FILE');
		if (records < 2) throw new DomainError('NO_ROWS');
		if (records - 1 > MAX_IMPORT_ROWS) throw new DomainError('TOO_MANY_ROWS');
		const mapping = guessMapping(header ?? [], fieldsFor(input.kind, actor));
		await db
			.update(importJobs)
			.set({ status: 'draft', encoding, mapping, totalRows: records - 1 })
			.where(eq(importJobs.id, id));
		return { id };
	} catch (error) {
		await db.delete(importJobs).where(eq(importJobs.id, id));
		throw error;
	}
}

/** The header of a draft's file (its first record): only the first chunks are read. */
async function readHeader(db: Db, id: string, encoding: CsvEncoding): Promise<string[]> {
	for await (const records of csvRecords(storedFile(db, id), { encoding })) return records[0].cells;
	return [];
}

async function loadDraft(db: Db, actor: Actor, id: string) {
	const [job] = await db
		.select({
			id: importJobs.id,
			kind: importJobs.kind,
			status: importJobs.status,
			encoding: importJobs.encoding
		})
		.from(importJobs)
		.where(and(eq(importJobs.id, id), eq(importJobs.userId, actor.id)));
	if (!job) throw new DomainError('NOT_FOUND');
	if (!canImport(actor, job.kind)) throw new DomainError('IMPORT_KIND_FORBIDDEN');
	if (job.status !== 'draft') throw new DomainError('NOT_DRAFT');
	return job;
}

/** Saves the column mapping a person chose (unknown fields and columns are dropped). */
export async function updateImportMapping(
	db: Db,
	actor: Actor,
	id: string,
	raw: Record<string, unknown>
): Promise<ImportMapping> {
	const job = await loadDraft(db, actor, id);
	const header = await readHeader(db, id, job.encoding);
	const mapping = cleanMapping(raw, fieldsFor(job.kind, actor), header.length);
	await db.update(importJobs).set({ mapping }).where(eq(importJobs.id, id));
	return mapping;
}

/** Queues the import: the job runner processes it in batches (see run.ts). */
export async function startImport(db: Db, actor: Actor, id: string): Promise<void> {
	await db.transaction(async (tx) => {
		const job = await loadDraft(tx, actor, id);
		const [current] = await tx
			.select({ mapping: importJobs.mapping })
			.from(importJobs)
			.where(eq(importJobs.id, id));
		// Discarded since loadDraft read it (a second tab, a double click): gone, not a 500.
		if (!current) throw new DomainError('NOT_FOUND');
		const missing = missingFields(current.mapping, fieldsFor(job.kind, actor));
		if (missing.length)
			throw new DomainError('MISSING_FIELDS', { params: { fields: missing.join(', ') } });
		const updated = await tx
			.update(importJobs)
			.set({ status: 'queued' })
			.where(and(eq(importJobs.id, id), eq(importJobs.status, 'draft')))
			.returning({ id: importJobs.id });
		if (!updated.length) throw new DomainError('NOT_DRAFT');
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: partnerScopeOf(actor),
			action: 'import.started',
			objectType: 'import',
			objectId: id,
			data: { kind: job.kind }
		});
		await enqueueJob(tx, IMPORT_JOB, { importId: id }, { maxAttempts: 3 });
	});
}

/** Deletes a draft that was never started (the stored file goes with it). */
export async function discardImport(db: Db, actor: Actor, id: string): Promise<void> {
	await loadDraft(db, actor, id);
	await db.delete(importJobs).where(and(eq(importJobs.id, id), eq(importJobs.status, 'draft')));
}
