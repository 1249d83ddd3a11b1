import { IMPORT_KINDS, type ImportKind } from './enums.ts';

export type ImportStatus = 'draft' | 'queued' | 'running' | 'done' | 'failed';

/** Percentage shown by the progress bar: 100 only when every row was processed. */
export function importPercent(processed: number, total: number): number {
	if (total <= 0) return 100;
	return Math.min(100, Math.floor((processed / total) * 100));
}

export function isImportKind(value: unknown): value is ImportKind {
	return typeof value === 'string' && (IMPORT_KINDS as readonly string[]).includes(value);
}
