import type {
	afterUnloadDocumentPayload,
	connectedPayload,
	Document,
	Extension,
	Hocuspocus,
	onChangePayload,
	onLoadDocumentPayload,
	onStoreDocumentPayload
} from '@hocuspocus/server';
import { isTransactionOrigin } from '@hocuspocus/server';
import { eq, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import { appendRestOfBytes, firstSliceOf, readBytes } from '../../../src/lib/server/db/bytes.ts';
import type { Db } from '../../../src/lib/server/db/index.ts';
import { planDocuments } from '../../../src/lib/server/db/schema.ts';
import type { Logger } from '../../../src/lib/server/log/index.ts';
import type { StoredPlanDocument } from '../../../src/lib/server/plans/store.ts';
import {
	parsePlanDocumentName,
	type CollabStatelessMessage
} from '../../../src/lib/shared/collab.ts';
import type { CollabContext } from '../context.ts';
import type { LargeDocuments } from '../large-documents.ts';
import { applyPart } from '../state-parts.ts';
import { nextTurn } from '../../../src/lib/server/turns.ts';

/**
 * Applies a stored state without running the document's `update` listeners. Yjs encodes a
 * transaction into an update event only when someone listens, and Hocuspocus always does: for a
 * 1 MB plan that is ~20–30 ms spent re-encoding what was just read, for nobody — a document being
 * loaded has no connection yet, and its state comes from the database (bench/collab.ts
 * "persistence"). The listeners are put back even if the state is malformed.
 */
export function applyStoredState(
	document: Y.Doc,
	state: Uint8Array,
	origin: unknown,
	asPart = false
): void {
	const listeners = document._observers.get('update');
	document._observers.delete('update');
	try {
		// A part of a large state (large-documents.ts) goes in as state-parts.ts applies parts.
		if (asPart) applyPart(document, state, origin);
		else Y.applyUpdate(document, state, origin);
	} finally {
		if (listeners) document._observers.set('update', listeners);
	}
}

// After a failed store (database down, disk full), retry with this backoff, up to the maximum.
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;

// Changes this extension applies itself (merging what another process stored) are stored by the
// store that applies them: no second store is scheduled for them.
const MERGE_ORIGIN = { source: 'local' as const, skipStoreHooks: true };

/** What this process knows was stored for one document. */
type Stored = {
	snapshot: Y.Snapshot;
	/** The `saved` stateless message for it, sent to every client that connects. */
	message: string;
	/** updated_at and byte_size of our last write: if the row still has them, nobody else wrote. */
	mark: { at: number; size: number } | null;
};

export type PersistenceOptions = {
	db: Db;
	log: Logger;
	/** The projections and versions of a stored plan document (store.ts's afterPlanStored). */
	afterStore?: (db: Db, input: StoredPlanDocument) => Promise<void>;
	/** Large documents: loaded in parts, encoded by a worker's copy (large-documents.ts). */
	large?: LargeDocuments;
};

function base64(bytes: Uint8Array): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The stateless message telling clients what the database holds (see CollabStatelessMessage). */
export function savedMessage(snapshot: Y.Snapshot, at: Date): string {
	const message: CollabStatelessMessage = {
		type: 'saved',
		stateVector: base64(Y.encodeStateVector(snapshot.sv)),
		snapshot: base64(Y.encodeSnapshot(snapshot)),
		at: at.toISOString()
	};
	return JSON.stringify(message);
}

/**
 * Plan documents as `bytea` in plan_documents. Hocuspocus debounces stores (about 2 s after the
 * last change, at most 10 s after the first) and runs one store per document at a time.
 *
 * - A store writes the whole state, merged with what the row holds when someone else wrote it since
 *   (another collaboration process, a restore): the row only ever grows, nothing is overwritten.
 * - Unchanged documents are skipped: a document is marked changed by its own `update` event (a
 *   deletion included, which does not move the state vector), so telling costs nothing — comparing
 *   snapshots meant walking every item of the document, ~10 ms for a 1 MB plan.
 * - No synchronous stretch does two expensive things: loading applies the state, then yields
 *   before the snapshot; storing yields before the projections (bench/collab.ts "persistence").
 * - After each store, every client of the document (on every process, through Redis) gets the
 *   `saved` stateless message; a client that connects gets the last one at once.
 * - A failed store keeps the document in memory and is retried; no `saved` is sent for it.
 */
export class Persistence implements Extension {
	extensionName = 'relais-persistence';
	private readonly db: Db;
	private readonly log: Logger;
	private readonly afterStore: PersistenceOptions['afterStore'];
	private readonly large: LargeDocuments | undefined;
	private readonly stored = new Map<string, Stored>();
	private readonly authors = new Map<string, Set<string>>();
	/** Documents changed since they were loaded or last stored. */
	private readonly changed = new Set<string>();
	private readonly retries = new Map<string, { timer: NodeJS.Timeout; delay: number }>();
	private destroyed = false;

	constructor(options: PersistenceOptions) {
		this.db = options.db;
		this.log = options.log;
		this.afterStore = options.afterStore;
		this.large = options.large;
	}

	async onLoadDocument({ documentName, document }: onLoadDocumentPayload<CollabContext>) {
		// Authentication refuses every other name before a document is loaded.
		if (!parsePlanDocumentName(documentName)) throw new Error('not a plan document');
		const where = eq(planDocuments.name, documentName);
		// The mark first, then the state (in slices: readBytes): a state newer than its mark only
		// makes the next store merge what it already has; the other way round could lose a write.
		const [row] = await this.db
			.select({ updatedAt: planDocuments.updatedAt, byteSize: planDocuments.byteSize })
			.from(planDocuments)
			.where(where);
		const state = row && (await readBytes(this.db, planDocuments, planDocuments.state, where));
		if (state) {
			// A large state is applied in parts, a turn apart (large-documents.ts).
			const applyPart = (part: Uint8Array) => applyStoredState(document, part, MERGE_ORIGIN, true);
			if (!(await this.large?.load(documentName, document, state, applyPart)))
				applyStoredState(document, state, MERGE_ORIGIN);
		}
		// Every later change (clients, restores, merges) marks the document as to be stored.
		document.on('update', () => this.changed.add(documentName));
		// A plan document without a row starts empty (plans are created with both rows).
		if (!row) return;
		await nextTurn();
		const snapshot = Y.snapshot(document);
		this.stored.set(documentName, {
			snapshot,
			message: savedMessage(snapshot, row.updatedAt),
			mark: { at: row.updatedAt.getTime(), size: row.byteSize }
		});
	}

	/** Who edited since the last store: the users whose connections sent updates. */
	async onChange({ documentName, transactionOrigin, context }: onChangePayload) {
		if (!isTransactionOrigin(transactionOrigin) || transactionOrigin.source !== 'connection')
			return;
		const userId = (context as CollabContext | undefined)?.user?.id;
		if (!userId) return;
		let set = this.authors.get(documentName);
		if (!set) this.authors.set(documentName, (set = new Set()));
		set.add(userId);
	}

	/** A client that (re)connects learns at once what is stored, so it can tell what is saved. */
	async connected({ documentName, connection }: connectedPayload<CollabContext>) {
		const stored = this.stored.get(documentName);
		if (stored) connection.sendStateless(stored.message);
	}

	async onStoreDocument(payload: onStoreDocumentPayload) {
		const { documentName, document, instance } = payload;
		const parsed = parsePlanDocumentName(documentName);
		if (!parsed || this.destroyed) return;
		const last = this.stored.get(documentName);
		if (last && !this.changed.has(documentName)) return;

		const authors = this.authors.get(documentName) ?? new Set<string>();
		this.authors.delete(documentName);
		let written: { state: Uint8Array; snapshot: Y.Snapshot; at: Date; size: number };
		try {
			written = await this.write(documentName, parsed, document, last?.mark ?? null);
		} catch (error) {
			// Keep the authors for the next attempt, keep the document in memory (Hocuspocus does
			// not unload a document whose store failed), and try again.
			const again = this.authors.get(documentName) ?? new Set<string>();
			for (const id of authors) again.add(id);
			this.authors.set(documentName, again);
			this.changed.add(documentName);
			this.log.error({ err: error, documentName }, 'storing a collaboration document failed');
			this.scheduleRetry(instance, document, payload);
			throw error;
		}
		this.clearRetry(documentName);
		const message = savedMessage(written.snapshot, written.at);
		this.stored.set(documentName, {
			snapshot: written.snapshot,
			message,
			mark: { at: written.at.getTime(), size: written.size }
		});
		// Through Redis too: clients on other processes learn it as well.
		document.broadcastStateless(message);

		if (this.afterStore) {
			await nextTurn();
			try {
				await this.afterStore(this.db, {
					planId: parsed.planId,
					document: parsed.document,
					doc: document,
					state: written.state,
					authorIds: [...authors]
				});
			} catch (error) {
				// The document is safe; the projections are recomputed by the next store.
				this.log.error({ err: error, documentName }, 'updating a stored plan failed');
			}
		}
	}

	private async write(
		name: string,
		parsed: { planId: string; document: 'shared' | 'internal' },
		document: Document,
		mark: Stored['mark']
	) {
		// The snapshot describes what is written: taken now, with the state as of now — encoded by the
		// worker's copy of a large document, or here (then a moment later, so holding more, never less).
		const encoded = this.large?.encode(name, document);
		let snapshot = encoded?.snapshot ?? Y.snapshot(document);
		// What changes from now on is stored by the next store (a failed write marks it again).
		this.changed.delete(name);
		const fromCopy = await encoded?.state;
		let state = fromCopy ?? Y.encodeStateAsUpdate(document);
		// Encoded here: a document that has grown large gets its copy from this state (this turn).
		if (!fromCopy) this.large?.adopt(name, document, state);
		const where = eq(planDocuments.name, name);
		return this.db.transaction(async (tx) => {
			const [row] = await tx
				.select({ updatedAt: planDocuments.updatedAt, byteSize: planDocuments.byteSize })
				.from(planDocuments)
				.where(where)
				.for('update');
			if (!row) {
				// Plans are created with both rows; this is a document whose row went missing. Two
				// processes inserting at once: one fails on the key and retries (then merging).
				const [inserted] = await tx
					.insert(planDocuments)
					.values({
						name,
						planId: parsed.planId,
						document: parsed.document,
						state: firstSliceOf(state),
						stateVector: Y.encodeStateVector(snapshot.sv),
						byteSize: state.byteLength
					})
					.returning({ updatedAt: planDocuments.updatedAt });
				await appendRestOfBytes(tx, planDocuments, planDocuments.state, where, state);
				return { state, snapshot, at: inserted.updatedAt, size: state.byteLength };
			}
			const foreign = !mark || row.updatedAt.getTime() !== mark.at || row.byteSize !== mark.size;
			if (foreign) {
				// Someone else wrote since our last store (another process, a restore): take in what
				// the row has and this copy lacks, so that writing cannot lose it. The row is locked
				// (for update above): its slices cannot change under us.
				const current =
					(await readBytes(tx, planDocuments, planDocuments.state, where)) ?? new Uint8Array(0);
				if (!Y.snapshotContainsUpdate(snapshot, current)) {
					Y.applyUpdate(document, current, MERGE_ORIGIN);
					state = Y.encodeStateAsUpdate(document);
					snapshot = Y.snapshot(document);
					// The merge is written by this very store.
					this.changed.delete(name);
				}
			}
			const [updated] = await tx
				.update(planDocuments)
				.set({
					state: firstSliceOf(state),
					stateVector: Y.encodeStateVector(snapshot.sv),
					byteSize: state.byteLength,
					updatedAt: sql`now()`
				})
				.where(where)
				.returning({ updatedAt: planDocuments.updatedAt });
			await appendRestOfBytes(tx, planDocuments, planDocuments.state, where, state);
			return { state, snapshot, at: updated.updatedAt, size: state.byteLength };
		});
	}

	private scheduleRetry(
		instance: Hocuspocus,
		document: Document,
		payload: onStoreDocumentPayload
	): void {
		const name = payload.documentName;
		const previous = this.retries.get(name);
		if (previous) clearTimeout(previous.timer);
		const delay = previous ? Math.min(previous.delay * 2, RETRY_MAX_MS) : RETRY_FIRST_MS;
		const timer = setTimeout(() => {
			if (this.destroyed || instance.documents.get(name) !== document) {
				this.retries.delete(name);
				return;
			}
			void instance.storeDocumentHooks(document, payload, true);
		}, delay);
		timer.unref();
		this.retries.set(name, { timer, delay });
	}

	/** Shutdown: run every waiting retry now instead of after its backoff. */
	retryNow(instance: Hocuspocus): void {
		for (const [name, retry] of this.retries) {
			clearTimeout(retry.timer);
			this.retries.delete(name);
			const document = instance.documents.get(name);
			if (!document) continue;
			void instance.storeDocumentHooks(document, {
				instance,
				clientsCount: document.getConnectionsCount(),
				document,
				documentName: name,
				lastContext: {},
				lastTransactionOrigin: undefined
			});
		}
	}

	private clearRetry(name: string): void {
		const retry = this.retries.get(name);
		if (retry) clearTimeout(retry.timer);
		this.retries.delete(name);
	}

	async afterUnloadDocument({ documentName, instance }: afterUnloadDocumentPayload) {
		if (instance.documents.has(documentName)) return;
		this.stored.delete(documentName);
		this.authors.delete(documentName);
		this.changed.delete(documentName);
		this.clearRetry(documentName);
	}

	async onDestroy() {
		this.destroyed = true;
		for (const retry of this.retries.values()) clearTimeout(retry.timer);
		this.retries.clear();
	}

	/** Is every change of this document stored? (tests, shutdown diagnostics) */
	isStored(documentName: string, document: Y.Doc): boolean {
		const stored = this.stored.get(documentName);
		return !!stored && Y.equalSnapshots(stored.snapshot, Y.snapshot(document));
	}
}
