import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { isId } from '../../shared/ids.ts';

// Keyset pagination, newest first, over (created_at, id). The cursor is the id of the last row
// shown: comparing against that row's own stored values keeps microsecond precision, which a
// timestamp round-tripped through a JavaScript Date would lose.

export type Page<T> = { items: T[]; nextCursor: string | null };

const SERIAL = /^[1-9][0-9]{0,15}$/;

/** A cursor as the table's id type, or null when absent or malformed (then: the first page). */
export function parseCursor(
	cursor: string | null | undefined,
	kind: 'uuid' | 'serial'
): string | null {
	if (!cursor) return null;
	return (kind === 'uuid' ? isId(cursor) : SERIAL.test(cursor)) ? cursor : null;
}

/** Rows strictly after the cursor row in (created_at desc, id desc) order. */
export function olderThan(
	table: PgTable & { createdAt: PgColumn; id: PgColumn },
	cursor: string | number
): SQL {
	return sql`(${table.createdAt}, ${table.id}) < (select ${table.createdAt}, ${table.id} from ${table} where ${table.id} = ${cursor})`;
}

export function clampLimit(limit: number | undefined, fallback = 20, max = 100): number {
	if (limit === undefined || !Number.isFinite(limit)) return fallback;
	return Math.min(max, Math.max(1, Math.trunc(limit)));
}

/** Rows were fetched with limit + 1: the extra row only says that there is a next page. */
export function toPage<T>(rows: T[], limit: number, idOf: (row: T) => string | number): Page<T> {
	if (rows.length <= limit) return { items: rows, nextCursor: null };
	const items = rows.slice(0, limit);
	return { items, nextCursor: String(idOf(items[items.length - 1])) };
}
