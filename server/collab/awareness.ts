import {
	MessageReceiver,
	MessageType,
	type afterLoadDocumentPayload,
	type Document,
	type Extension,
	type onConfigurePayload
} from '@hocuspocus/server';
import { applyAwarenessUpdate } from 'y-protocols/awareness';

// Awareness messages (cursors, selections, "who is here") without a scratch document.
//
// Hocuspocus 4.7 applies every incoming awareness message to a throw-away Y.Doc + Awareness first,
// so that `beforeHandleAwareness` hooks can read and rewrite the states, then re-encodes it. That
// copy is the most expensive part of a cursor move: a Y.Doc draws a 128-bit guid through 32
// `crypto.getRandomValues` calls, an Awareness starts (and stops) an interval timer. bench/collab.ts
// measured ~20 % of the server's CPU in it with 1,000 editors on 500 plans (docs/performance.md).
// Relais has no `beforeHandleAwareness` hook, so for its documents the receiver applies the update
// straight to the document's awareness — what Hocuspocus itself does after the hook — with the same
// transaction origin; everything downstream (connection ↔ client bookkeeping, onAwarenessUpdate,
// batching, Redis) is unchanged. A malformed update still throws and closes only that connection;
// the states decoded before the bad byte may have been applied (they are well-formed states).

/** Documents whose server has no `beforeHandleAwareness` hook (see DirectAwareness). */
const direct = new WeakSet<Document>();
let applied = 0;

/** How many awareness messages took the direct path in this process (tests read it). */
export function directAwarenessCount(): number {
	return applied;
}

let installed = false;
function install(): void {
	if (installed) return;
	installed = true;
	const original = MessageReceiver.prototype.apply;
	MessageReceiver.prototype.apply = function (this: MessageReceiver, document, connection, reply) {
		if (!direct.has(document)) return original.call(this, document, connection, reply);
		const { decoder } = this.message;
		const start = decoder.pos;
		try {
			if (this.message.readVarUint() !== MessageType.Awareness) {
				decoder.pos = start;
				return original.call(this, document, connection, reply);
			}
			const update = this.message.readVarUint8Array();
			const origin = connection
				? { source: 'connection' as const, connection }
				: (this.defaultTransactionOrigin ?? { source: 'local' as const });
			applyAwarenessUpdate(document.awareness, update, origin);
			applied += 1;
			return Promise.resolve();
		} catch (error) {
			return Promise.reject(error);
		}
	};
}

/**
 * Puts the documents of this Hocuspocus instance on the direct awareness path — unless another
 * extension defines `beforeHandleAwareness`, whose hook must keep running: then it stays off.
 */
export class DirectAwareness implements Extension {
	extensionName = 'relais-direct-awareness';
	private enabled = false;

	async onConfigure({ instance }: onConfigurePayload) {
		// The last entry is Hocuspocus's own configuration turned into an extension (no-op hooks).
		this.enabled = !instance.configuration.extensions
			.slice(0, -1)
			.some((extension) => extension !== this && extension.beforeHandleAwareness);
		if (this.enabled) install();
	}

	async afterLoadDocument({ document }: afterLoadDocumentPayload) {
		if (this.enabled) direct.add(document);
	}
}
