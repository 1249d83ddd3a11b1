import { MessageReceiver, MessageType, OutgoingMessage } from '@hocuspocus/server';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { messageYjsSyncStep1, messageYjsSyncStep2 } from 'y-protocols/sync';
import * as Y from 'yjs';
import { largeDocumentsOf } from './large-documents.ts';

// A client's first sync with a large document, answered from the worker's copy
// (large-documents.ts). Hocuspocus 4.7 answers sync step 1 inside its message receiver with
// `Y.encodeStateAsUpdate(document, clientStateVector)`: for a 1 MB plan, 8 ms and a megabyte of
// garbage on the event loop, for every client that opens it. For documents with a copy in the
// worker, the receiver below asks the worker instead and sends what Hocuspocus would have sent, in
// the same order: the server's own step 1, then step 2 with the answer. The connection's next
// messages wait for it (Hocuspocus handles a connection's messages one after another); updates to
// the document meanwhile already go to this connection (it joined the document before its first
// message), so the answer as of the asking instant misses nothing. `beforeSync` hooks still run.

let installed = false;

export function installLargeSync(): void {
	if (installed) return;
	installed = true;
	const original = MessageReceiver.prototype.apply;
	MessageReceiver.prototype.apply = function (this: MessageReceiver, document, connection, reply) {
		const large = largeDocumentsOf(document);
		if (!large || !connection || reply) return original.call(this, document, connection, reply);
		const { decoder } = this.message;
		const start = decoder.pos;
		if (
			decoding.readVarUint(decoder) !== MessageType.Sync ||
			decoding.readVarUint(decoder) !== messageYjsSyncStep1
		) {
			decoder.pos = start;
			return original.call(this, document, connection, reply);
		}
		return (async () => {
			const stateVector = decoding.readVarUint8Array(decoder);
			await connection.callbacks.beforeSync(connection, {
				type: messageYjsSyncStep1,
				payload: stateVector
			});
			const encoded = large.encode(document.name, document, stateVector);
			const address = connection.messageAddress;
			// The server's own step 1 first, as Hocuspocus sends it: the client answers meanwhile.
			connection.send(
				new OutgoingMessage(address)
					.createSyncMessage()
					.writeFirstSyncStepFor(document)
					.toUint8Array()
			);
			const answer = (await encoded.state) ?? Y.encodeStateAsUpdate(document, stateVector);
			const step2 = encoding.createEncoder();
			encoding.writeVarString(step2, address);
			encoding.writeVarUint(step2, MessageType.Sync);
			encoding.writeVarUint(step2, messageYjsSyncStep2);
			encoding.writeVarUint8Array(step2, answer);
			connection.send(encoding.toUint8Array(step2));
		})();
	};
}
