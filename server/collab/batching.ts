import type {
	connectedPayload,
	Document,
	Extension,
	onDisconnectPayload
} from '@hocuspocus/server';

// Outgoing batching for crowded documents (issue 4's "one hot plan" benchmark, bench/collab.ts).
//
// Hocuspocus 4 already merges what arrives within one event-loop turn (`flushDelay: 0`): fine for a
// plan with a few editors, where the latency target is a few milliseconds. A document with hundreds
// of connections is different: every keystroke and every cursor move is one frame to each of them
// (400 clients, 40 typing 5 keys/s with cursors at 2 Hz ≈ 110,000 frames/s, more than one core
// sends), so the loop falls behind and latency grows without bound. Waiting a few tens of
// milliseconds per document merges those updates (Y.mergeUpdates) and collapses the cursors to their
// latest state, so each client gets one frame per window instead of one per change.
//
// The window grows with the audience: none below SMALL connections (small plans keep their instant
// delivery), then ~1 ms per 4 connections, capped at MAX_DELAY_MS. Hocuspocus reads
// `document.flushDelay` at each scheduled flush, so changing it on (dis)connect takes effect at once.

/** Below this many connections, a document keeps per-turn coalescing only. */
export const SMALL = 32;
/** The longest a change waits to go out, whatever the audience. */
export const MAX_DELAY_MS = 100;

/** The batching window of a document with `connections` open connections (0 = same turn). */
export function flushDelayFor(connections: number): number {
	if (connections < SMALL) return 0;
	return Math.min(MAX_DELAY_MS, Math.round(connections / 4));
}

function tune(document: Document): void {
	const delay = flushDelayFor(document.getConnectionsCount());
	// `false` (no batching at all) is left alone: it means the document is being destroyed.
	if (document.flushDelay !== false && document.flushDelay !== delay) document.flushDelay = delay;
}

/**
 * Wire it in server/collab/index.ts's extension list (anywhere: it only reads the connection
 * count), e.g. right before the Logger: `new AdaptiveBatching(),`.
 */
export class AdaptiveBatching implements Extension {
	extensionName = 'relais-batching';

	async connected({ instance, documentName }: connectedPayload): Promise<void> {
		const document = instance.documents.get(documentName);
		if (document) tune(document);
	}

	async onDisconnect({ document }: onDisconnectPayload): Promise<void> {
		tune(document);
	}
}
