import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { WebSocket } from 'ws';
import * as Y from 'yjs';

export type Outcome = { status: 'authenticated' } | { status: 'denied'; reason: string };

export type OpenDocument = {
	doc: Y.Doc;
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
}): OpenDocument {
	const headers: Record<string, string> = {};
	if (options.cookie) headers.cookie = options.cookie;
	if (options.origin) headers.origin = options.origin;
	const closeCodes: number[] = [];
	const socket = new HocuspocusProviderWebsocket({
		url: options.url,
		WebSocketPolyfill: webSocketWith(headers),
		maxAttempts: 1,
		onClose: ({ event }) => closeCodes.push(event.code)
	});
	const doc = new Y.Doc();
	let settle: (outcome: Outcome) => void = () => {};
	const outcome = new Promise<Outcome>((resolve) => {
		settle = resolve;
	});
	const provider = new HocuspocusProvider({
		name: options.name,
		document: doc,
		websocketProvider: socket,
		onAuthenticated: () => settle({ status: 'authenticated' }),
		onAuthenticationFailed: ({ reason }) => settle({ status: 'denied', reason })
	});
	// A v4 provider given a socket of its own making attaches itself; a shared one needs attach().
	if (!provider.isAttached) provider.attach();
	return {
		doc,
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
