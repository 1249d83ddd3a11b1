import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './client.ts';

// Both drivers read `bytea` through PostgreSQL's text protocol: a 1 MB value arrives as 2 MB of hex
// that is decoded in one go — ~35 ms of blocked event loop with postgres.js (bench/collab.ts
// "persistence"), enough to stall every live plan of the process. Large values are read in slices
// instead, each its own query: the event loop gets a turn between them.

/** 128 KiB a slice: ~4 ms to decode, and a few round trips for a 1 MB plan. */
export const BYTES_SLICE = 128 * 1024;

const asBytes = (value: unknown): Uint8Array =>
	value instanceof Uint8Array ? value : new Uint8Array(0);

/**
 * One `bytea` value of the row `where` picks, read in slices; null when there is no such row.
 * Rows that may change meanwhile are read in one repeatable-read transaction, so that the slices
 * come from the same version of the row (inside a caller's transaction, its isolation applies:
 * lock the row, or read rows that never change).
 */
export async function readBytes(
	db: Db,
	table: PgTable,
	column: PgColumn,
	where: SQL
): Promise<Uint8Array | null> {
	// A value of one slice comes whole with its size; a larger one only tells its size here.
	const [head] = await db
		.select({
			size: sql<number>`octet_length(${column})`.mapWith(Number),
			whole: sql<Uint8Array | null>`case when octet_length(${column}) <= ${BYTES_SLICE} then ${column} end`
		})
		.from(table)
		.where(where);
	if (!head) return null;
	if (head.size <= BYTES_SLICE) return asBytes(head.whole);
	return db.transaction(
		async (tx) => {
			// The size again inside the transaction: the row may have changed since the first look.
			const [row] = await tx
				.select({ size: sql<number>`octet_length(${column})`.mapWith(Number) })
				.from(table)
				.where(where);
			if (!row) return null;
			const out = new Uint8Array(row.size);
			for (let offset = 0; offset < row.size; offset += BYTES_SLICE) {
				const [part] = await tx
					.select({
						slice: sql<Uint8Array>`substring(${column} from ${offset + 1} for ${BYTES_SLICE})`
					})
					.from(table)
					.where(where);
				out.set(asBytes(part?.slice), offset);
			}
			return out;
		},
		{ isolationLevel: 'repeatable read', accessMode: 'read only' }
	);
}

// Writing is the same story the other way: postgres.js turns a 1 MB parameter into 2 MB of hex
// and copies it twice while the event loop waits (~35 ms). A large value is written as its first
// slice by the caller's statement, then appended slice by slice (`appendRestOfBytes`), inside the
// caller's transaction so that nobody sees it half written.

/** What the caller's insert or update writes: the first slice of the value. */
export const firstSliceOf = (bytes: Uint8Array): Uint8Array => bytes.subarray(0, BYTES_SLICE);

/** Appends the slices after the first to the column of the row `where` picks. */
export async function appendRestOfBytes(
	tx: Db,
	table: PgTable,
	column: PgColumn,
	where: SQL,
	bytes: Uint8Array
): Promise<void> {
	for (let offset = BYTES_SLICE; offset < bytes.byteLength; offset += BYTES_SLICE) {
		const slice = bytes.subarray(offset, offset + BYTES_SLICE);
		const param = Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength);
		await tx.execute(
			sql`update ${table} set ${sql.identifier(column.name)} = ${column} || ${param} where ${where}`
		);
	}
}
