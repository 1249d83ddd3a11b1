import type { LiveMessage } from '$lib/shared/live';

// One EventSource per tab, shared by every listener. It opens with the first listener and closes
// with the last. EventSource reconnects by itself after a dropped connection; when it gives up
// (an error status such as a proxy's 502) we retry with a growing delay.

type AnyHandler = (data: unknown) => void;

const handlers = new Map<string, Set<AnyHandler>>();
let source: EventSource | null = null;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let retryDelay = 2_000;
const MAX_RETRY_DELAY = 60_000;
let onStatus: (connected: boolean) => void = () => {};

/** Tells the reactive wrapper when the stream opens and closes. */
export function watchStatus(callback: (connected: boolean) => void): void {
	onStatus = callback;
}

function listenerCount(): number {
	let n = 0;
	for (const set of handlers.values()) n += set.size;
	return n;
}

function dispatch(message: LiveMessage): void {
	for (const handler of handlers.get(message.type) ?? []) {
		try {
			handler(message.data);
		} catch (error) {
			console.error(`live event handler for ${message.type} failed`, error);
		}
	}
}

function connect(): void {
	if (typeof EventSource === 'undefined' || source || retryTimer) return;
	const es = new EventSource('/api/events');
	source = es;
	es.onopen = () => {
		onStatus(true);
		retryDelay = 2_000;
	};
	es.onmessage = (event: MessageEvent<string>) => {
		let message: LiveMessage;
		try {
			message = JSON.parse(event.data) as LiveMessage;
		} catch {
			return;
		}
		dispatch(message);
		// The server ended the session (logout elsewhere, deactivation): stop, do not reconnect.
		if (message.type === 'session.ended') disconnect();
	};
	es.onerror = () => {
		onStatus(false);
		if (es.readyState !== EventSource.CLOSED) return;
		source = null;
		retryTimer = setTimeout(() => {
			retryTimer = null;
			if (listenerCount() > 0) connect();
		}, retryDelay);
		retryDelay = Math.min(MAX_RETRY_DELAY, retryDelay * 2);
	};
}

function disconnect(): void {
	if (retryTimer) clearTimeout(retryTimer);
	retryTimer = null;
	source?.close();
	source = null;
	onStatus(false);
}

/** Adds a listener for one event type (opening the stream if needed); returns its removal. */
export function addListener(type: string, handler: AnyHandler): () => void {
	let set = handlers.get(type);
	if (!set) {
		set = new Set();
		handlers.set(type, set);
	}
	const own = set;
	own.add(handler);
	connect();
	return () => {
		own.delete(handler);
		if (listenerCount() === 0) disconnect();
	};
}
