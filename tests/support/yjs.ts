import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { tables, type Db } from '../../src/lib/server/db/index.ts';
import {
	readRows,
	richText,
	rowList,
	SUMMARY_FIELD,
	whitespaceCells
} from '../../src/lib/shared/plan-doc.ts';
import type { OpenDocument } from './collab.ts';

/** A Y.Doc from a stored state. */
export function docOf(state: Uint8Array): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, state);
	return doc;
}

/** The content of the plan types the tests edit, as plain values. */
export function contents(doc: Y.Doc) {
	return {
		summary: richText(doc, SUMMARY_FIELD).toJSON(),
		actions: readRows(doc, 'actions'),
		goals: readRows(doc, 'goals'),
		products: rowList(doc, 'whitespace.products').toJSON(),
		cells: whitespaceCells(doc).toJSON(),
		meta: doc.getMap('meta').toJSON()
	};
}

/** JSON with object keys sorted: Y.Map keys come in the order each copy integrated them. */
export function canonical(value: unknown): string {
	return JSON.stringify(value, (_key, item: unknown) =>
		item && typeof item === 'object' && !Array.isArray(item)
			? Object.fromEntries(
					Object.entries(item as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))
				)
			: item
	);
}

/** The state vector as a comparable string. */
export function vector(doc: Y.Doc): string {
	return [...Y.decodeStateVector(Y.encodeStateVector(doc)).entries()]
		.sort(([a], [b]) => a - b)
		.map(([client, clock]) => `${client}:${clock}`)
		.join(',');
}

/** What plan_documents holds for a document name, or null. */
/** Every copy holds the same updates and the same content as the first one. */
export function converged(docs: Y.Doc[]): boolean {
	const [first] = docs;
	const reference = canonical(contents(first));
	return docs.every(
		(doc) => vector(doc) === vector(first) && canonical(contents(doc)) === reference
	);
}

export async function storedState(db: Db, name: string): Promise<Uint8Array | null> {
	const [row] = await db
		.select({ state: tables.planDocuments.state })
		.from(tables.planDocuments)
		.where(eq(tables.planDocuments.name, name));
	return row?.state ?? null;
}

type Saved = { type: 'saved'; stateVector: string; snapshot: string; at: string };

/** The `saved` messages a client received. */
export function savedMessages(document: OpenDocument): Saved[] {
	return document.stateless.filter(
		(message): message is Saved => (message as Saved | null)?.type === 'saved'
	);
}

/** Whether the last `saved` message proves this client's whole copy is stored. */
export function savedCovers(document: OpenDocument): boolean {
	const last = savedMessages(document).at(-1);
	if (!last) return false;
	const snapshot = Y.decodeSnapshot(new Uint8Array(Buffer.from(last.snapshot, 'base64')));
	return Y.snapshotContainsUpdate(snapshot, Y.encodeStateAsUpdate(document.doc));
}

// The Hocuspocus wire format, for sending what a well-behaved provider never would.
function varUint(value: number): number[] {
	const bytes: number[] = [];
	while (value > 0x7f) {
		bytes.push(0x80 | (value & 0x7f));
		value = Math.floor(value / 128);
	}
	bytes.push(value);
	return bytes;
}

function varBytes(bytes: Uint8Array): number[] {
	return [...varUint(bytes.byteLength), ...bytes];
}

/** A Hocuspocus sync "update" message for a document carrying these bytes as the Yjs update. */
export function syncUpdateMessage(documentName: string, update: Uint8Array): Uint8Array {
	const name = new TextEncoder().encode(documentName);
	// MessageType.Sync (0), then y-protocols' messageYjsUpdate (2).
	return new Uint8Array([...varBytes(name), 0, 2, ...varBytes(update)]);
}

/**
 * The seed of a randomised test: its own, or TEST_SEED to replay a failed run. Printed once, so a
 * failure's log says how to replay it (`TEST_SEED=<seed> npx vitest run <file>`).
 */
export function testSeed(label: string, fallback: number): number {
	const raw = process.env.TEST_SEED;
	if (raw !== undefined && !/^\d{1,10}$/.test(raw)) {
		throw new Error(`TEST_SEED must be a whole number, not ${JSON.stringify(raw)}`);
	}
	const seed = raw === undefined ? fallback : Number(raw);
	console.log(`${label}: seed ${seed} (replay with TEST_SEED=${seed})`);
	return seed;
}

/** A small deterministic PRNG (mulberry32), so a failing random run can be replayed. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
