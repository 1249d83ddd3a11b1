import { and, eq } from 'drizzle-orm';
import { stripForbiddenCharacters } from '../../shared/text-input.ts';
import { canImport } from '../access/crm-policy.ts';
import type { Actor } from '../access/policy.ts';
import { recordAudit } from '../audit/index.ts';
import type { Db } from '../db/client.ts';
import { importJobs } from '../db/schema.ts';
import { enqueueJob } from '../jobs/index.ts';
import { parseCsv } from '../csv/index.ts';
import type { ImportKind } from '../../shared/enums.ts';
import { ImportError } from './errors.ts';
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

/** The text of an uploaded file: UTF-8 (with or without BOM), else Windows-1252 (older Excel). */
export function decodeCsv(bytes: Uint8Array): string {
	let text: string;
	try {
		text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		text = new TextDecoder('windows-1252').decode(bytes);
	}
	// PostgreSQL text cannot hold NUL characters.
	return text.replace(/\0/g, '');
}

/** Stores an uploaded file as a draft import with the mapping guessed from its header. */
export async function createImport(
	db: Db,
	actor: Actor,
	input: { kind: ImportKind; filename: string; content: string }
): Promise<{ id: string }> {
	if (!canImport(actor, input.kind)) throw new ImportError('FORBIDDEN');
	const records = parseCsv(input.content);
	if (records.length === 0) throw new ImportError('EMPTY_FILE');
	if (records.length < 2) throw new ImportError('NO_ROWS');
	if (records.length - 1 > MAX_IMPORT_ROWS) throw new ImportError('TOO_MANY_ROWS');
	const mapping = guessMapping(records[0].cells, fieldsFor(input.kind, actor));
	const [row] = await db
		.insert(importJobs)
		.values({
			kind: input.kind,
			userId: actor.id,
			organisationId: actor.organisationId,
			// A multipart file name is not checked at the edge like a field: PostgreSQL refuses a NUL.
			filename: stripForbiddenCharacters(input.filename).slice(0, 200) || 'import.csv',
			content: input.content,
			mapping,
			totalRows: records.length - 1
		})
		.returning({ id: importJobs.id });
	return { id: row.id };
}

async function loadDraft(db: Db, actor: Actor, id: string) {
	const [job] = await db
		.select({
			id: importJobs.id,
			kind: importJobs.kind,
			status: importJobs.status,
			content: importJobs.content
		})
		.from(importJobs)
		.where(and(eq(importJobs.id, id), eq(importJobs.userId, actor.id)));
	if (!job) throw new ImportError('NOT_FOUND');
	if (!canImport(actor, job.kind)) throw new ImportError('FORBIDDEN');
	if (job.status !== 'draft') throw new ImportError('NOT_DRAFT');
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
	const header = parseCsv(job.content.slice(0, 100_000))[0]?.cells ?? [];
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
		if (!current) throw new ImportError('NOT_FOUND');
		const missing = missingFields(current.mapping, fieldsFor(job.kind, actor));
		if (missing.length) throw new ImportError('MISSING_FIELDS', missing);
		const updated = await tx
			.update(importJobs)
			.set({ status: 'queued' })
			.where(and(eq(importJobs.id, id), eq(importJobs.status, 'draft')))
			.returning({ id: importJobs.id });
		if (!updated.length) throw new ImportError('NOT_DRAFT');
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: actor.organisationKind === 'partner' ? actor.organisationId : null,
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
