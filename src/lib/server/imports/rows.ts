import { normaliseDomain, normaliseSiren, foldText } from '../../shared/normalise.ts';
import type { CsvRecord } from '../csv/index.ts';
import { cellOf, type ImportContext } from './context.ts';
import { isCellError, parseText, type Cell } from './values.ts';

// Reading one record into typed values, collecting every problem with its line number.

export type RowError = { line: number; message: string; params?: Record<string, string> };
export type RowOutcome = {
	line: number;
	outcome: 'created' | 'updated' | 'rejected';
	errors: RowError[];
};

export type RowReader = {
	line: number;
	errors: RowError[];
	/** The parsed value of a field (null when empty, unmapped or wrong — then an error is noted). */
	read<T>(field: string, parse: (text: string | undefined) => Cell<T>): T | null;
	text(field: string, max?: number): string | null;
	fail(message: string, params?: Record<string, string>): void;
	has(field: string): boolean;
};

export function rowReader(context: ImportContext, record: CsvRecord): RowReader {
	const errors: RowError[] = [];
	const line = record.line;
	const reader: RowReader = {
		line,
		errors,
		read(field, parse) {
			const cell = parse(cellOf(context, record.cells, field));
			if (isCellError(cell)) {
				errors.push({ line, message: cell.error, params: cell.params });
				return null;
			}
			return cell.value;
		},
		text(field, max = 500) {
			return reader.read(field, (t) => parseText(t, max));
		},
		fail(message, params) {
			errors.push({ line, message, params });
		},
		has(field) {
			return context.mapping[field] !== undefined;
		}
	};
	return reader;
}

/** The name, or an error when the row has none. */
export function requiredName(row: RowReader, max = 200): string | null {
	const name = row.text('name', max);
	if (name === null && !row.errors.length) row.fail('imports_error_name_missing');
	return name;
}

/** A partner company named in a row (host imports): by external id or name. */
export function readPartner(context: ImportContext, row: RowReader): string | null {
	const text = row.text('partner', 200);
	if (text === null) return null;
	const id = context.partners.get(`ext:${text}`) ?? context.partners.get(foldText(text));
	if (!id) row.fail('imports_error_partner', { value: text });
	return id ?? null;
}

export function readRegion(context: ImportContext, row: RowReader): string | null {
	const text = row.text('region', 200);
	if (text === null) return null;
	const id = context.regions.get(foldText(text));
	if (!id) row.fail('imports_error_region', { value: text });
	return id ?? null;
}

export function readSiren(row: RowReader): string | null {
	const text = row.text('siren', 40);
	if (text === null) return null;
	const siren = normaliseSiren(text);
	if (!siren) row.fail('imports_error_siren', { value: text });
	return siren;
}

export function readDomain(row: RowReader): string | null {
	const text = row.text('domain', 300);
	if (text === null) return null;
	const domain = normaliseDomain(text);
	if (!domain) row.fail('imports_error_domain', { value: text });
	return domain;
}

/** Keeps the first value of each key (the oldest row, as lookups are ordered by creation). */
export function indexFirst<T>(
	rows: T[],
	key: (row: T) => string | null | undefined
): Map<string, T> {
	const map = new Map<string, T>();
	for (const row of rows) {
		const k = key(row);
		if (k && !map.has(k)) map.set(k, row);
	}
	return map;
}
