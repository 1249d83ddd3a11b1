import { eq, sql } from 'drizzle-orm';
import { customType, integer, pgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	appendRestOfBytes,
	BYTES_SLICE,
	firstSliceOf,
	readBytes
} from '../../src/lib/server/db/bytes.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
	dataType: () => 'bytea',
	toDriver: (value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
	fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
});
const blobs = pgTable('bytes_test', { id: integer('id').primaryKey(), value: bytea('value') });

/** Bytes that differ at every offset, so that a slice out of place shows. */
function pattern(length: number, seed: number): Uint8Array {
	const out = new Uint8Array(length);
	let x = seed;
	for (let i = 0; i < length; i++) {
		x = (x * 1_103_515_245 + 12_345) >>> 0;
		out[i] = x >>> 24;
	}
	return out;
}

describe.each(drivers())('large bytea values in slices on %s', (driver) => {
	let database: TestDatabase;
	const db = () => database.db;
	const write = (id: number, bytes: Uint8Array) =>
		db().transaction(async (tx) => {
			await tx
				.insert(blobs)
				.values({ id, value: firstSliceOf(bytes) })
				.onConflictDoUpdate({ target: blobs.id, set: { value: firstSliceOf(bytes) } });
			await appendRestOfBytes(tx, blobs, blobs.value, eq(blobs.id, id), bytes);
		});
	const read = (id: number) => readBytes(db(), blobs, blobs.value, eq(blobs.id, id));

	beforeAll(async () => {
		database = await freshDatabase(driver);
		await db().execute(sql`create table bytes_test (id integer primary key, value bytea)`);
	});
	afterAll(async () => {
		await database.drop();
	});

	it('writes and reads back a value of several slices, byte for byte', async () => {
		const bytes = pattern(3 * BYTES_SLICE + 12_345, 1);
		await write(1, bytes);
		const [{ size }] = await db()
			.select({ size: sql<number>`octet_length(${blobs.value})`.mapWith(Number) })
			.from(blobs)
			.where(eq(blobs.id, 1));
		expect(size).toBe(bytes.byteLength);
		expect(Buffer.from((await read(1))!).equals(Buffer.from(bytes))).toBe(true);
	});

	it('handles values of exactly one slice, under one, and empty', async () => {
		for (const [id, length] of [
			[2, BYTES_SLICE],
			[3, BYTES_SLICE + 1],
			[4, 10],
			[5, 0]
		]) {
			const bytes = pattern(length, id);
			await write(id, bytes);
			expect(Buffer.from((await read(id))!).equals(Buffer.from(bytes))).toBe(true);
		}
	});

	it('rewrites a value with a shorter one completely', async () => {
		await write(6, pattern(2 * BYTES_SLICE + 5, 6));
		const shorter = pattern(BYTES_SLICE + 7, 7);
		await write(6, shorter);
		expect(Buffer.from((await read(6))!).equals(Buffer.from(shorter))).toBe(true);
	});

	it('answers null for a row that does not exist', async () => {
		expect(await read(999)).toBeNull();
	});

	it('leaves nothing half written when the transaction fails', async () => {
		const before = pattern(BYTES_SLICE + 3, 8);
		await write(7, before);
		await expect(
			db().transaction(async (tx) => {
				const next = pattern(3 * BYTES_SLICE, 9);
				await tx
					.update(blobs)
					.set({ value: firstSliceOf(next) })
					.where(eq(blobs.id, 7));
				await appendRestOfBytes(tx, blobs, blobs.value, eq(blobs.id, 7), next);
				throw new Error('refused');
			})
		).rejects.toThrow('refused');
		expect(Buffer.from((await read(7))!).equals(Buffer.from(before))).toBe(true);
	});
});
