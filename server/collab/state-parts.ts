import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

// A large document's state cut into small updates that apply one after another (issue 4's "loading
// a 1 MB plan blocks the event loop under 20 ms"). Applying a 1 MB state is one synchronous Yjs
// transaction of 8–25 ms on this project's machines; in parts of ~64 KiB, a turn apart, each step
// is about a millisecond and live plans of the same process keep flowing in between.
//
// The parts are causally closed: every struct's dependencies (its left and right origins, its
// parent) are in the same part or an earlier one, so a part never leaves structs pending when the
// parts are applied in order. The last part is the delete set. Yjs's own update format, written
// with Yjs's own struct encoders (the same bytes `writeStructs` writes, cut into ranges).

/** Roughly how many bytes of content a part holds before the next one starts. */
export const PART_BYTES = 64 * 1024;

type Struct = Y.Item | Y.GC;

/** The ids a struct needs integrated before it can be. */
function dependencies(struct: Struct): (Y.ID | null)[] {
	if (!(struct instanceof Y.Item)) return [];
	const parent = struct.parent;
	const parentItem =
		parent instanceof Y.ID ? parent : parent instanceof Y.AbstractType ? parent._item?.id : null;
	return [struct.origin, struct.rightOrigin, parentItem ?? null];
}

/** A rough size of a struct once encoded, to cut parts of about `partBytes`. */
function weight(struct: Struct): number {
	if (!(struct instanceof Y.Item)) return 12;
	const { content } = struct;
	if (content instanceof Y.ContentString) return 12 + content.str.length;
	if (content instanceof Y.ContentBinary) return 12 + content.content.byteLength;
	if (content instanceof Y.ContentAny || content instanceof Y.ContentEmbed)
		return 12 + (JSON.stringify(content.getContent()) ?? '').length;
	return 12 + struct.length;
}

/**
 * Applies one part (or a whole state) as a local transaction. After a remote transaction that
 * touched formatted text, Yjs deletes formatting marks it finds redundant — between two parts, the
 * text a mark surrounds may not have arrived yet, and the mark would be deleted for good (found in
 * review). A stored state only adds what its writer already had: nothing to clean up. The server's
 * copy (parts) and the worker's (whole state) are built this same way, so they stay identical.
 */
export function applyPart(doc: Y.Doc, update: Uint8Array, origin: unknown): void {
	Y.transact(
		doc,
		(transaction) => {
			Y.applyUpdate(doc, update, origin);
			// applyUpdate marks the transaction remote; it ends local (no formatting clean-up).
			transaction.local = true;
		},
		origin
	);
}

function encodePart(runs: Map<number, Struct[]>): Uint8Array {
	const encoder = new Y.UpdateEncoderV1();
	encoding.writeVarUint(encoder.restEncoder, runs.size);
	// Higher client ids first, as Yjs writes them.
	for (const [client, structs] of [...runs].sort((a, b) => b[0] - a[0])) {
		encoding.writeVarUint(encoder.restEncoder, structs.length);
		encoder.writeClient(client);
		encoding.writeVarUint(encoder.restEncoder, structs[0].id.clock);
		for (const struct of structs) struct.write(encoder, 0);
	}
	encoding.writeVarUint(encoder.restEncoder, 0); // no deletions: the last part has them all
	return encoder.toUint8Array();
}

/**
 * The state of `doc` as updates to apply in order: parts of about `partBytes` of structs, then
 * its delete set. Applied in order to an empty document, they give `doc`'s state.
 */
export function stateParts(doc: Y.Doc, partBytes = PART_BYTES): Uint8Array[] {
	const clients = [...doc.store.clients.keys()].sort((a, b) => b - a);
	/** Per client: the clock up to which its structs are in a part (emitted). */
	const emitted = new Map<number, number>(clients.map((c) => [c, 0]));
	const next = new Map<number, number>(clients.map((c) => [c, 0]));
	const ready = (id: Y.ID | null) => !id || (emitted.get(id.client) ?? 0) > id.clock;
	const parts: Uint8Array[] = [];
	let runs = new Map<number, Struct[]>();
	let bytes = 0;
	const flush = () => {
		if (runs.size > 0) parts.push(encodePart(runs));
		runs = new Map();
		bytes = 0;
	};
	// Clients with structs not in a part yet: only they are swept again.
	let unfinished = clients;
	while (unfinished.length > 0) {
		let progressed = false;
		for (const client of unfinished) {
			const structs = doc.store.clients.get(client)! as Struct[];
			let i = next.get(client)!;
			while (i < structs.length && dependencies(structs[i]).every(ready)) {
				const struct = structs[i++];
				let run = runs.get(client);
				if (!run) runs.set(client, (run = []));
				run.push(struct);
				emitted.set(client, struct.id.clock + struct.length);
				progressed = true;
				bytes += weight(struct);
				if (bytes >= partBytes) {
					next.set(client, i);
					flush();
				}
			}
			next.set(client, i);
		}
		// A store whose structs wait on each other cannot come out of a real document; should it,
		// the rest goes in one part (Yjs resolves dependencies inside one update).
		if (!progressed) {
			for (const client of unfinished) {
				const structs = doc.store.clients.get(client)! as Struct[];
				const rest = structs.slice(next.get(client)!);
				const run = runs.get(client);
				if (run) run.push(...rest);
				else runs.set(client, rest);
			}
			break;
		}
		unfinished = unfinished.filter((c) => next.get(c)! < doc.store.clients.get(c)!.length);
	}
	flush();
	// The delete set alone: an update with every struct already known and all the deletions.
	parts.push(Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc)));
	return parts;
}
