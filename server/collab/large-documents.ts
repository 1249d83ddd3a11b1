import * as Y from 'yjs';
import type { Logger } from '../../src/lib/server/log/index.ts';
import { nextTurn } from '../../src/lib/server/turns.ts';
import { ownBytes, workerRpc, type WorkerRpc } from './worker-rpc.ts';

// Large documents without long stalls (issue 4: "loading and storing a 1 MB plan blocks the event
// loop under 20 ms"). Three things cost a large document's size in one synchronous piece on the
// collaboration server's thread: applying its stored state when it loads (8–25 ms for 1 MB here),
// encoding it for a client's first sync, and encoding it to store it (8 ms each, plus the garbage).
// Every live plan of the process waits meanwhile.
//
// A worker thread keeps a copy of each large document (large-documents-worker.ts): it is opened
// from the stored state and follows every update of the server's copy (each 'update' event, posted
// in order). The worker cuts the stored state into small causally closed parts that this thread
// applies a turn apart (state-parts.ts), and encodes the document when a client syncs or when it
// is stored. Whatever the worker answers is checked against this thread's own copy (the snapshot
// taken when asking): on any mismatch or failure, the caller encodes here as before — slower,
// never wrong. Documents under `fromBytes` never leave this thread: for them the trip costs more.

/** Documents whose state is at least this large are copied to the worker. */
export const LARGE_FROM_BYTES = 64 * 1024;

/** `key`: one copy, of one document (a document loaded again under its name gets a new key). */
export type MirrorMessage =
	| { kind: 'open'; key: string; state: Uint8Array; parts: boolean }
	| { kind: 'update'; key: string; update: Uint8Array }
	| { kind: 'encode'; key: string; stateVector: Uint8Array | null }
	| { kind: 'close'; key: string };

export type MirrorReply = {
	id: number;
	error?: string;
	/** open with parts: the stored state as updates to apply in order. */
	parts?: Uint8Array[];
	/** encode: the document's state (from the state vector asked for). */
	state?: Uint8Array;
	/** The worker's copy when it answered (Y.encodeSnapshot). */
	snapshot?: Uint8Array;
};

type Mirror = {
	key: string;
	document: Y.Doc;
	follow: (update: Uint8Array) => void;
	forget: () => void;
	/** The worker that got the copy (a restarted worker has none). */
	generation: number;
};

/** Which LargeDocuments has a copy of a document (large-sync.ts answers their clients' syncs). */
const owners = new WeakMap<Y.Doc, LargeDocuments>();

export function largeDocumentsOf(document: Y.Doc): LargeDocuments | undefined {
	return owners.get(document);
}

/** A state encoded as of `snapshot` (taken when it was asked for). */
export type Encoded = { snapshot: Y.Snapshot; state: Promise<Uint8Array | null> };

export class LargeDocuments {
	private readonly rpc: WorkerRpc<MirrorMessage, MirrorReply>;
	private readonly log: Logger;
	private readonly fromBytes: number;
	private readonly mirrors = new Map<string, Mirror>();
	private serial = 0;
	/**
	 * Answers from the worker; fallbacks here because the copy was missing, failed or differed;
	 * encodings here because updates were pending (tests, diagnostics).
	 */
	readonly counts = { loadedInParts: 0, encoded: 0, fellBack: 0, pending: 0 };

	constructor(log: Logger, options: { fromBytes?: number } = {}) {
		this.log = log;
		this.fromBytes = options.fromBytes ?? LARGE_FROM_BYTES;
		this.rpc = workerRpc<MirrorMessage, MirrorReply>(
			new URL('./large-documents-worker.ts', import.meta.url),
			log,
			'large documents'
		);
	}

	/** Does the worker hold a copy of this very document? */
	has(name: string, document: Y.Doc): boolean {
		const mirror = this.mirrors.get(name);
		return (
			mirror?.document === document &&
			this.rpc.running() &&
			mirror.generation === this.rpc.generation()
		);
	}

	/**
	 * Applies a stored state to a document being loaded, in parts a turn apart, and keeps a copy in
	 * the worker. False (nothing applied) when the state is small or the worker cannot: the caller
	 * applies it itself. `apply` applies one update the way the caller applies stored states.
	 */
	async load(
		name: string,
		document: Y.Doc,
		state: Uint8Array,
		apply: (update: Uint8Array) => void
	): Promise<boolean> {
		if (state.byteLength < this.fromBytes) return false;
		const key = this.keyFor(name);
		let reply: MirrorReply;
		try {
			reply = await this.rpc.ask({ kind: 'open', key, state: ownBytes(state), parts: true });
		} catch (error) {
			this.log.warn({ err: error, documentName: name }, 'large document loaded in one piece');
			return false;
		}
		// Following from now: what changes the document between parts reaches the copy too (the
		// parts themselves are applied without update listeners, see applyStoredState).
		this.follow(name, document, key);
		try {
			for (const part of reply.parts ?? []) {
				apply(part);
				await nextTurn();
			}
		} catch (error) {
			this.forget(name, document);
			throw error;
		}
		const copy = reply.snapshot && Y.decodeSnapshot(reply.snapshot);
		const complete =
			!document.store.pendingStructs &&
			!document.store.pendingDs &&
			!!copy &&
			Y.equalSnapshots(copy, Y.snapshot(document));
		if (!complete) {
			// Not expected (a part left structs pending, or something changed the document while it
			// was loading): apply the whole state too — Yjs takes what it already has as a no-op.
			this.log.warn({ documentName: name }, 'large document parts incomplete: applied whole');
			apply(state);
			this.forget(name, document);
			return true;
		}
		this.counts.loadedInParts++;
		return true;
	}

	/**
	 * A document just encoded here (`state`, this very turn) that is large: copy it to the worker
	 * so that its next encodings are done there.
	 */
	adopt(name: string, document: Y.Doc, state: Uint8Array): void {
		if (state.byteLength < this.fromBytes || this.has(name, document)) return;
		const key = this.keyFor(name);
		this.rpc
			.ask({ kind: 'open', key, state: ownBytes(state), parts: false })
			.catch(() => this.forget(name, document));
		this.follow(name, document, key);
	}

	/**
	 * The document's state (from `stateVector` when given) as of now, encoded by the worker: the
	 * snapshot now, the bytes later. The bytes are null when this document has no copy or the copy
	 * did not match: encode it here then.
	 */
	encode(name: string, document: Y.Doc, stateVector?: Uint8Array): Encoded {
		const snapshot = Y.snapshot(document);
		if (!this.has(name, document)) return { snapshot, state: Promise.resolve(null) };
		// Updates waiting for what they depend on are in no update event, so not in the copy (and
		// not in a snapshot either): Yjs's own encoding carries them.
		if (document.store.pendingStructs || document.store.pendingDs) {
			this.counts.pending++;
			return { snapshot, state: Promise.resolve(null) };
		}
		const { key } = this.mirrors.get(name)!;
		const state = this.rpc
			.ask({ kind: 'encode', key, stateVector: stateVector ? ownBytes(stateVector) : null })
			.then((reply) => {
				const copy = reply.snapshot && Y.decodeSnapshot(reply.snapshot);
				if (reply.state && copy && Y.equalSnapshots(copy, snapshot)) {
					this.counts.encoded++;
					return reply.state;
				}
				this.log.error({ documentName: name }, 'large document copy differs: encoded here');
				this.forget(name, document);
				return null;
			})
			.catch((error: unknown) => {
				this.log.warn({ err: error, documentName: name }, 'large document encoded here');
				this.forget(name, document);
				return null;
			})
			.then((bytes) => {
				if (!bytes) this.counts.fellBack++;
				return bytes;
			});
		return { snapshot, state };
	}

	/**
	 * The copy of this document is no longer wanted (it is destroyed, i.e. unloaded) or trusted:
	 * drop it — only if it is still this document's (a new load under the same name has its own).
	 */
	forget(name: string, document: Y.Doc): void {
		const mirror = this.mirrors.get(name);
		if (mirror?.document !== document) return;
		document.off('update', mirror.follow);
		document.off('destroy', mirror.forget);
		owners.delete(document);
		this.mirrors.delete(name);
		this.rpc.tell({ kind: 'close', key: mirror.key } satisfies MirrorMessage);
	}

	close(): Promise<void> {
		for (const [name, mirror] of [...this.mirrors]) this.forget(name, mirror.document);
		return this.rpc.close();
	}

	private keyFor(name: string): string {
		return `${name}#${++this.serial}`;
	}

	/** Posts every update of `document` to the worker's copy `key`, in order, from now on. */
	private follow(name: string, document: Y.Doc, key: string): void {
		const previous = this.mirrors.get(name);
		// A document loaded again under its name: the earlier copy goes (its document is unloading).
		if (previous) this.forget(name, previous.document);
		const follow = (update: Uint8Array) =>
			this.rpc.tell({ kind: 'update', key, update } satisfies MirrorMessage);
		// Hocuspocus destroys a document when it unloads it (a failed load included).
		const forget = () => this.forget(name, document);
		document.on('update', follow);
		document.on('destroy', forget);
		owners.set(document, this);
		this.mirrors.set(name, { key, document, follow, forget, generation: this.rpc.generation() });
	}
}
