// The worker thread of large-documents.ts: a copy of every large document the collaboration server
// holds, kept up to date with each of its updates, so that encoding one (to store it, or to answer
// a client's sync) and cutting it into parts costs this thread, not the server's event loop.
import { parentPort } from 'node:worker_threads';
import * as Y from 'yjs';
import { stateParts } from './state-parts.ts';
import type { MirrorMessage, MirrorReply } from './large-documents.ts';
import { lowerThisThreadsPriority } from './worker-rpc.ts';

lowerThisThreadsPriority();

const docs = new Map<string, Y.Doc>();

function answer(message: MirrorMessage & { id: number }): MirrorReply {
	const { id } = message;
	if (message.kind === 'open') {
		docs.get(message.name)?.destroy();
		const doc = new Y.Doc();
		Y.applyUpdate(doc, message.state);
		docs.set(message.name, doc);
		return {
			id,
			parts: message.parts ? stateParts(doc) : undefined,
			snapshot: Y.encodeSnapshot(Y.snapshot(doc))
		};
	}
	if (message.kind === 'encode') {
		const doc = docs.get(message.name);
		if (!doc) return { id, error: `no copy of ${message.name}` };
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
		const doc = docs.get(message.name);
		// The server applied this update to its own copy first: it is well-formed.
		if (doc) Y.applyUpdate(doc, message.update);
		return;
	}
	if (message.kind === 'close') {
		docs.get(message.name)?.destroy();
		docs.delete(message.name);
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
