import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { WebSocket } from 'ws';
import * as Y from 'yjs';

export type Outcome = { status: 'authenticated' } | { status: 'denied'; reason: string };

export type OpenDocument = {
	doc: Y.Doc;
	/** Stateless messages received, parsed (the `saved` messages). */
	stateless: unknown[];
	/** Whether the server opened it read-only. */
	readOnly(): boolean;
	provider: HocuspocusProvider;
	socket: HocuspocusProviderWebsocket;
	/** Settles on the server's first answer: authenticated, or permission denied with its reason. */
	outcome: Promise<Outcome>;
	/** Close codes the socket received, in order. */
	closeCodes: number[];
	destroy(): void;
};

/** A `ws` WebSocket that sends the headers a same-site browser page would (cookie, Origin). */
function webSocketWith(headers: Record<string, string>) {
	return class extends WebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols, { headers });
			// Destroying a client whose socket is still connecting makes ws emit an error; the
			// provider reports failures through its own callbacks, so do not let it go uncaught.
			this.on('error', () => {});
		}
	};
}

/**
 * Opens a collaboration document like the browser does: a real HocuspocusProvider over a real
 * WebSocket, with the session cookie and the page's Origin. Retries are off so refusals show.
 */
export function openDocument(options: {
	url: string;
	name: string;
	cookie?: string;
	origin?: string;
	/** An existing Y.Doc to sync (a client that kept its copy across a restart). */
	doc?: Y.Doc;
	/** Reconnect after a close (default: no retries, so refusals show). */
	reconnect?: boolean;
}): OpenDocument {
	const headers: Record<string, string> = {};
	if (options.cookie) headers.cookie = options.cookie;
	if (options.origin) headers.origin = options.origin;
	const closeCodes: number[] = [];
	const socket = new HocuspocusProviderWebsocket({
		url: options.url,
		WebSocketPolyfill: webSocketWith(headers),
		maxAttempts: options.reconnect ? 0 : 1,
		delay: 50,
		minDelay: 50,
		maxDelay: 200,
		onClose: ({ event }) => closeCodes.push(event.code)
	});
	const doc = options.doc ?? new Y.Doc();
	const stateless: unknown[] = [];
	let readOnly = false;
	let settle: (outcome: Outcome) => void = () => {};
	const outcome = new Promise<Outcome>((resolve) => {
		settle = resolve;
	});
	const provider = new HocuspocusProvider({
		name: options.name,
		document: doc,
		websocketProvider: socket,
		onAuthenticated: ({ scope }) => {
			readOnly = scope === 'readonly';
			settle({ status: 'authenticated' });
		},
		onStateless: ({ payload }) => {
			try {
				stateless.push(JSON.parse(payload));
			} catch {
				stateless.push(payload);
			}
		},
		onAuthenticationFailed: ({ reason }) => settle({ status: 'denied', reason })
	});
	// A v4 provider given a socket of its own making attaches itself; a shared one needs attach().
	if (!provider.isAttached) provider.attach();
	return {
		doc,
		stateless,
		readOnly: () => readOnly,
		provider,
		socket,
		outcome,
		closeCodes,
		destroy() {
			provider.destroy();
			socket.destroy();
		}
	};
}
