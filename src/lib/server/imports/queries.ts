import { and, desc, eq, ne } from 'drizzle-orm';
import type { Actor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import { importJobs } from '../db/schema.ts';
import type { CsvRecord } from '../csv/index.ts';
import { csvRecords, storedFile } from './file.ts';
import type { ImportKind } from '../../shared/enums.ts';
import { applyBatch } from './apply.ts';
import { loadImportContext } from './context.ts';
import { fieldsFor, missingFields, type ImportField, type ImportMapping } from './fields.ts';
import type { RowError, RowOutcome } from './rows.ts';

export const PREVIEW_ROWS = 20;

export type ImportSummary = {
	id: string;
	kind: ImportKind;
	filename: string;
	status: 'draft' | 'queued' | 'running' | 'done' | 'failed';
	totalRows: number;
	processedRows: number;
	createdCount: number;
	updatedCount: number;
	rejectedCount: number;
	/** Per-line errors beyond the MAX_STORED_ERRORS kept. */
	moreErrors: number;
	createdAt: Date;
	finishedAt: Date | null;
};

const summary = {
	id: importJobs.id,
	kind: importJobs.kind,
	filename: importJobs.filename,
	status: importJobs.status,
	totalRows: importJobs.totalRows,
	processedRows: importJobs.processedRows,
	createdCount: importJobs.createdCount,
	updatedCount: importJobs.updatedCount,
	rejectedCount: importJobs.rejectedCount,
	moreErrors: importJobs.moreErrors,
	createdAt: importJobs.createdAt,
	finishedAt: importJobs.finishedAt
};

/** A person's own imports, newest first. */
export async function listImports(db: Db, actor: Actor, limit = 50): Promise<ImportSummary[]> {
	const rows = await db
		.select(summary)
		.from(importJobs)
		.where(and(eq(importJobs.userId, actor.id), ne(importJobs.status, 'uploading')))
		.orderBy(desc(importJobs.createdAt), desc(importJobs.id))
		.limit(limit);
	return rows.map(shown);
}

/** Uploading imports are never read (the queries leave them out). */
const shown = <T extends { status: string }>(row: T) =>
	row as T & { status: ImportSummary['status'] };

export type ImportDetail = ImportSummary & { mapping: ImportMapping; errors: RowError[] };

/** One of the person's imports (someone else's is "not found"). */
export async function getImport(db: Db, actor: Actor, id: string): Promise<ImportDetail | null> {
	const [row] = await db
		.select({ ...summary, mapping: importJobs.mapping, errors: importJobs.errors })
		.from(importJobs)
		.where(
			and(
				eq(importJobs.id, id),
				eq(importJobs.userId, actor.id),
				ne(importJobs.status, 'uploading')
			)
		);
	return row ? { ...shown(row), errors: row.errors as RowError[] } : null;
}

export type ImportPreview = {
	headers: string[];
	fields: ImportField[];
	missing: string[];
	rows: (RowOutcome & { cells: string[] })[];
};

class Rollback extends Error {}

/** The first `count` records of an import's file: only the chunks they span are read. */
async function firstRecords(
	db: Db,
	id: string,
	encoding: 'utf-8' | 'windows-1252',
	count: number
): Promise<CsvRecord[]> {
	const records: CsvRecord[] = [];
	for await (const some of csvRecords(storedFile(db, id), { encoding })) {
		records.push(...some.slice(0, count - records.length));
		if (records.length >= count) break;
	}
	return records;
}

/**
 * The first rows exactly as the import would treat them (created, updated or rejected, with
 * their errors), computed by applying them in a transaction that is then rolled back.
 */
export async function previewImport(
	db: Db,
	actor: Actor,
	id: string
): Promise<ImportPreview | null> {
	const [job] = await db
		.select({ kind: importJobs.kind, encoding: importJobs.encoding, mapping: importJobs.mapping })
		.from(importJobs)
		.where(
			and(eq(importJobs.id, id), eq(importJobs.userId, actor.id), eq(importJobs.status, 'draft'))
		);
	if (!job) return null;
	const records = await firstRecords(db, id, job.encoding, PREVIEW_ROWS + 1);
	const headers = records[0]?.cells ?? [];
	const sample = records.slice(1, PREVIEW_ROWS + 1);
	const fields = fieldsFor(job.kind, actor);
	const missing = missingFields(job.mapping, fields);
	let outcomes: RowOutcome[] = [];
	if (!missing.length && sample.length) {
		const context = await loadImportContext(db, actor, job.kind, job.mapping);
		try {
			await db.transaction(async (tx) => {
				outcomes = await applyBatch(tx, context, sample);
				throw new Rollback();
			});
		} catch (error) {
			if (!(error instanceof Rollback)) throw error;
		}
	}
	const byLine = new Map(outcomes.map((o) => [o.line, o]));
	return {
		headers,
		fields,
		missing,
		rows: sample.map((record) => ({
			line: record.line,
			cells: record.cells,
			outcome: byLine.get(record.line)?.outcome ?? 'rejected',
			errors: byLine.get(record.line)?.errors ?? []
		}))
	};
}
