import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { importChunks } from '../db/schema.ts';
import { CsvReader, CsvRecordTooLongError, type CsvRecord } from '../csv/index.ts';
import { DomainError } from '../errors.ts';
import { nextTurn } from '../turns.ts';

// An import's file streams in and out: stored as raw bytes in chunks while it is uploaded, read
// back a chunk at a time, decoded and parsed as it goes. No step holds the whole file, so memory
// does not grow with its size (a 44 MB file once took the server from 0.6 to 2.3 GB).

/** Bytes per stored chunk: one row of import_chunks, and what a reader holds at a time. */
export const IMPORT_CHUNK_BYTES = 256 * 1024;
/** The encoding is judged from this much of the file (the whole file when it is smaller). */
export const ENCODING_SAMPLE_BYTES = 1024 * 1024;
/** Decoded text parsed between two turns of the event loop (about a millisecond of work). */
const PARSE_SLICE = 65_536;

export type CsvEncoding = 'utf-8' | 'windows-1252';

/**
 * UTF-8 (with or without BOM) when the sample is valid UTF-8, else Windows-1252 (older Excel).
 * `complete` says the sample is the whole file; otherwise a character cut at its end is fine.
 */
export function detectEncoding(sample: Uint8Array, complete: boolean): CsvEncoding {
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: !complete });
		return 'utf-8';
	} catch {
		return 'windows-1252';
	}
}

// PostgreSQL text cannot hold NUL characters.
const withoutNul = (text: string) => (text.includes('\0') ? text.replace(/\0/g, '') : text);

/** The text of a whole file, its encoding judged from its first megabyte (small files, tests). */
export function decodeCsv(bytes: Uint8Array): string {
	const sample = bytes.subarray(0, ENCODING_SAMPLE_BYTES);
	const encoding = detectEncoding(sample, sample.byteLength === bytes.byteLength);
	return withoutNul(new TextDecoder(encoding).decode(bytes));
}

/** Bytes from a string (UTF-8), a byte array, or anything that yields byte arrays. */
export async function* bytesOf(
	source: string | Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>
): AsyncGenerator<Uint8Array> {
	if (typeof source === 'string') source = new TextEncoder().encode(source);
	if (source instanceof Uint8Array) {
		for (let start = 0; start < source.byteLength; start += IMPORT_CHUNK_BYTES)
			yield source.subarray(start, start + IMPORT_CHUNK_BYTES);
		return;
	}
	yield* source;
}

/**
 * The records of a CSV byte stream, a few at a time (those completed by each piece read), with a
 * turn of the event loop between slices of parsing. Without `encoding`, the first megabyte is
 * read before anything is decoded, to choose it; `onEncoding` tells the choice.
 */
export async function* csvRecords(
	source: AsyncIterable<Uint8Array>,
	options: { encoding?: CsvEncoding; onEncoding?: (encoding: CsvEncoding) => void } = {}
): AsyncGenerator<CsvRecord[]> {
	const reader = new CsvReader();
	let decoder: TextDecoder | null = null;
	let sample: Uint8Array[] = [];
	let sampled = 0;

	// A record over MAX_RECORD_CHARS (no line end, a quote never closed) refuses the file.
	const read = (text?: string) => {
		try {
			return text === undefined ? reader.end() : reader.push(text);
		} catch (error) {
			if (error instanceof CsvRecordTooLongError)
				throw new DomainError('LINE_TOO_LONG', { params: { line: error.line } });
			throw error;
		}
	};
	function* parse(text: string): Generator<CsvRecord[]> {
		const clean = withoutNul(text);
		for (let start = 0; start < clean.length; start += PARSE_SLICE) {
			const records = read(clean.slice(start, start + PARSE_SLICE));
			if (records.length) yield records;
		}
	}
	const open = (encoding: CsvEncoding) => {
		options.onEncoding?.(encoding);
		decoder = new TextDecoder(encoding);
	};
	async function* decode(bytes: Uint8Array): AsyncGenerator<CsvRecord[]> {
		for (const records of parse(decoder!.decode(bytes, { stream: true }))) {
			yield records;
			await nextTurn();
		}
	}

	if (options.encoding) open(options.encoding);
	for await (const piece of source) {
		if (decoder) {
			yield* decode(piece);
			continue;
		}
		sample.push(piece);
		sampled += piece.byteLength;
		if (sampled < ENCODING_SAMPLE_BYTES) continue;
		const head = Buffer.concat(sample, sampled);
		sample = [];
		open(detectEncoding(head.subarray(0, ENCODING_SAMPLE_BYTES), false));
		yield* decode(head);
	}
	if (!decoder) {
		const head = Buffer.concat(sample, sampled);
		open(detectEncoding(head, true));
		yield* decode(head);
	}
	yield* parse(decoder!.decode());
	const last = read();
	if (last.length) yield last;
}

/** Groups records into batches of `size` (the last may be smaller). */
export async function* inBatches(
	records: AsyncIterable<CsvRecord[]>,
	size: number
): AsyncGenerator<CsvRecord[]> {
	let batch: CsvRecord[] = [];
	for await (const some of records) {
		for (const record of some) {
			batch.push(record);
			if (batch.length >= size) {
				yield batch;
				batch = [];
			}
		}
	}
	if (batch.length) yield batch;
}

/** An import's stored file, one chunk at a time. */
export async function* storedFile(db: Db, importId: string): AsyncGenerator<Uint8Array> {
	for (let seq = 0; ; seq++) {
		const [chunk] = await db
			.select({ base64: sql<string>`encode(${importChunks.bytes}, 'base64')` })
			.from(importChunks)
			.where(and(eq(importChunks.importId, importId), eq(importChunks.seq, seq)));
		if (!chunk) return;
		yield Buffer.from(chunk.base64, 'base64');
	}
}

/**
 * Passes a byte stream through while writing it to import_chunks in chunks of
 * IMPORT_CHUNK_BYTES; `stored()` tells the bytes written once the stream has ended.
 */
export function storingFile(db: Db, importId: string, source: AsyncIterable<Uint8Array>) {
	let seq = 0;
	let total = 0;
	let pending: Uint8Array[] = [];
	let pendingBytes = 0;
	const flush = async () => {
		if (!pendingBytes) return;
		const bytes = Buffer.concat(pending, pendingBytes);
		pending = [];
		pendingBytes = 0;
		// As base64 text decoded by the database: PGlite turns a bytea parameter into hex in
		// JavaScript, byte by byte (~100 ms for a chunk); base64 is native on both sides.
		await db.insert(importChunks).values({
			importId,
			seq: seq++,
			bytes: sql`decode(${bytes.toString('base64')}, 'base64')`
		});
	};
	async function* pieces(): AsyncGenerator<Uint8Array> {
		for await (const piece of source) {
			total += piece.byteLength;
			pending.push(piece);
			pendingBytes += piece.byteLength;
			if (pendingBytes >= IMPORT_CHUNK_BYTES) await flush();
			yield piece;
		}
		await flush();
	}
	return { pieces: pieces(), stored: () => total };
}
