import { and, desc, eq } from 'drizzle-orm';
import type { Actor } from '../access/policy.ts';
import type { Db } from '../db/client.ts';
import { importJobs } from '../db/schema.ts';
import { parseCsv } from '../csv/index.ts';
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
	createdAt: importJobs.createdAt,
	finishedAt: importJobs.finishedAt
};

/** A person's own imports, newest first. */
export async function listImports(db: Db, actor: Actor, limit = 50): Promise<ImportSummary[]> {
	return db
		.select(summary)
		.from(importJobs)
		.where(eq(importJobs.userId, actor.id))
		.orderBy(desc(importJobs.createdAt), desc(importJobs.id))
		.limit(limit);
}

export type ImportDetail = ImportSummary & { mapping: ImportMapping; errors: RowError[] };

/** One of the person's imports (someone else's is "not found"). */
export async function getImport(db: Db, actor: Actor, id: string): Promise<ImportDetail | null> {
	const [row] = await db
		.select({ ...summary, mapping: importJobs.mapping, errors: importJobs.errors })
		.from(importJobs)
		.where(and(eq(importJobs.id, id), eq(importJobs.userId, actor.id)));
	return row ? { ...row, errors: row.errors as RowError[] } : null;
}

export type ImportPreview = {
	headers: string[];
	fields: ImportField[];
	missing: string[];
	rows: (RowOutcome & { cells: string[] })[];
};

class Rollback extends Error {}

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
		.select({ kind: importJobs.kind, content: importJobs.content, mapping: importJobs.mapping })
		.from(importJobs)
		.where(and(eq(importJobs.id, id), eq(importJobs.userId, actor.id)));
	if (!job) return null;
	const records = parseCsv(job.content.slice(0, 200_000));
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
