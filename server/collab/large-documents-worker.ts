// The worker thread of large-documents.ts: a copy of every large document the collaboration server
// holds, kept up to date with each of its updates, so that encoding one (to store it, or to answer
// a client's sync) and cutting it into parts costs this thread, not the server's event loop.
import { parentPort } from 'node:worker_threads';
import * as Y from 'yjs';
import { applyPart, stateParts } from './state-parts.ts';
import type { MirrorMessage, MirrorReply } from './large-documents.ts';
import { lowerThisThreadsPriority } from './worker-rpc.ts';

lowerThisThreadsPriority();

const docs = new Map<string, Y.Doc>();

function answer(message: MirrorMessage & { id: number }): MirrorReply {
	const { id } = message;
	if (message.kind === 'open') {
		docs.get(message.key)?.destroy();
		docs.delete(message.key);
		// Built as the server builds its copy from the parts: local, no formatting clean-up.
		const doc = new Y.Doc();
		applyPart(doc, message.state, null);
		const parts = message.parts ? stateParts(doc) : undefined;
		docs.set(message.key, doc);
		return { id, parts, snapshot: parts && Y.encodeSnapshot(Y.snapshot(doc)) };
	}
	if (message.kind === 'encode') {
		const doc = docs.get(message.key);
		if (!doc) return { id, error: `no copy of ${message.key}` };
		return {
			id,
			state: Y.encodeStateAsUpdate(doc, message.stateVector ?? undefined),
			snapshot: Y.encodeSnapshot(Y.snapshot(doc))
		};
	}
	return { id, error: `unknown request ${message.kind}` };
}

parentPort!.on('message', (message: MirrorMessage & { id?: number }) => {
	if (message.kind === 'update') {
		const doc = docs.get(message.key);
		// The server applied this update to its own copy first: it is well-formed.
		if (doc) Y.applyUpdate(doc, message.update);
		return;
	}
	if (message.kind === 'close') {
		docs.get(message.key)?.destroy();
		docs.delete(message.key);
		return;
	}
	if (message.id === undefined) return;
	let reply: MirrorReply;
	try {
		reply = answer(message as MirrorMessage & { id: number });
	} catch (error) {
		reply = { id: message.id, error: error instanceof Error ? error.message : String(error) };
	}
	const transfer = [...(reply.parts ?? []), ...(reply.state ? [reply.state] : [])].map(
		(bytes) => bytes.buffer as ArrayBuffer
	);
	parentPort!.postMessage(reply, transfer);
});
