import * as Y from 'yjs';
import type { CollabStatelessMessage } from '$lib/shared/collab';

// Decides whether this device's edits of one document have reached the database.
//
// A "change" is one local Yjs transaction: a keystroke in the rich text, a field written on blur, a
// row added or removed. Edits that an earlier visit left in this device's IndexedDB and that the
// server has not confirmed count as one change. A change stays pending until a `saved` message
// from the collaboration server proves it is stored:
// - with a stored snapshot (state vector + delete set) in the message, exactly
//   (`Y.snapshotContainsUpdate`: its insertions are under the stored state vector and its
//   deletions in the stored delete set);
// - with a state vector only, its insertions must be under the stored state vector, and a change
//   that deletes something must have been acknowledged by the server before the `saved` message
//   arrived (a state vector says nothing about deletions).
// The document is "saved" only when no change is pending AND the last stored state vector covers
// every entry of the local state vector (nothing from anyone that this copy holds is missing).

type Pending = {
	update: Uint8Array;
	/** The insertions of this change, as a state vector (client → clock after it). */
	inserts: Map<number, number>;
	/** Whether the change deletes anything (invisible in a state vector). */
	deletes: boolean;
	/** When the server acknowledged it (the provider had no unsynced changes left), or null. */
	ackedAt: number | null;
	/** When it was made (ms). */
	at: number;
};

function hasDeletions(update: Uint8Array): boolean {
	return Y.decodeUpdate(update).ds.clients.size > 0;
}

function insertsOf(update: Uint8Array): Map<number, number> {
	return Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update));
}

function covers(stored: Map<number, number>, local: Map<number, number>): boolean {
	for (const [client, clock] of local) {
		if ((stored.get(client) ?? 0) < clock) return false;
	}
	return true;
}

function fromBase64(value: string): Uint8Array {
	const binary = atob(value);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

export type SavedMessage = CollabStatelessMessage & { snapshot?: string };

/** Parses a stateless payload; null when it is not a `saved` message. */
export function parseSavedMessage(payload: string): SavedMessage | null {
	try {
		const message = JSON.parse(payload) as Partial<SavedMessage>;
		if (message?.type !== 'saved' || typeof message.stateVector !== 'string') return null;
		return message as SavedMessage;
	} catch {
		return null;
	}
}

export class SaveTracker {
	private pending: Pending[] = [];
	private storedVector: Map<number, number> | null = null;
	private storedAt: string | null = null;

	private readonly doc: Y.Doc;

	constructor(doc: Y.Doc) {
		this.doc = doc;
	}

	/** A change made on this device (or restored from its IndexedDB). */
	record(update: Uint8Array, now = Date.now()): void {
		this.pending.push({
			update,
			inserts: insertsOf(update),
			deletes: hasDeletions(update),
			ackedAt: null,
			at: now
		});
	}

	/** The server has applied every update this client sent so far. */
	acknowledgeAll(now = Date.now()): void {
		for (const change of this.pending) change.ackedAt ??= now;
	}

	/** A `saved` message: drops the changes it proves stored. */
	saved(message: SavedMessage): void {
		const vector = Y.decodeStateVector(fromBase64(message.stateVector));
		const snapshot = message.snapshot ? Y.decodeSnapshot(fromBase64(message.snapshot)) : null;
		this.storedVector = vector;
		this.storedAt = message.at;
		this.pending = this.pending.filter((change) => {
			if (snapshot) return !Y.snapshotContainsUpdate(snapshot, change.update);
			if (!covers(vector, change.inserts)) return true;
			return change.deletes && change.ackedAt === null;
		});
	}

	/** Number of changes not yet proven stored. */
	get count(): number {
		return this.pending.length;
	}

	/** Time of the oldest pending change, or null. */
	get oldest(): number | null {
		return this.pending[0]?.at ?? null;
	}

	/** When the last `saved` message says the document was stored. */
	get lastSavedAt(): string | null {
		return this.storedAt;
	}

	/** True only when everything this copy holds is known stored. */
	get isSaved(): boolean {
		if (this.pending.length > 0 || !this.storedVector) return false;
		return covers(this.storedVector, Y.decodeStateVector(Y.encodeStateVector(this.doc)));
	}
}
