import {
	MessageType,
	type Extension,
	type onAuthenticatePayload,
	type WebSocketLike
} from '@hocuspocus/server';
import * as decoding from 'lib0/decoding';
import * as string from 'lib0/string';
import type { WebSocket } from 'ws';
import { messageYjsSyncStep1, messageYjsSyncStep2 } from 'y-protocols/sync';
import { CollabRefusal, type CollabContext } from '../context.ts';

// What one WebSocket may make this server receive, compute, send and hold.
//
// Hocuspocus answers every "sync step 1" with the diff against the sender's state vector: the
// whole document for an empty one. Nothing in it limits how often a client may ask, and `ws`
// buffers whatever is sent to a client that does not read: 400 tiny requests for a large plan took
// the process from 0.7 to 1.1 GB. Every socket gets a gate between `ws` and Hocuspocus:
//
// - budgets (token buckets) for the messages and bytes it sends, its sync requests, and the bytes
//   of full-document answers it gets back; a connection that spends one is closed with 4429
//   (`budgetExceeded`), which the browser does not retry;
// - coalescing: at most one sync answer per document is on its way to a client; a request that
//   comes while one is, replaces the request already waiting (it would have had the same answer);
// - back-pressure on `bufferedAmount`: above HIGH_WATER_BYTES the gate stops reading the socket and
//   answering sync requests, until the client has read down to LOW_WATER_BYTES; a client whose
//   backlog passes MAX_BUFFERED_BYTES, or that reads nothing for STALL_MS, is cut (it reconnects
//   and syncs from its state vector, which costs less than the backlog).
// - awareness (cursors, "who is here") has its own small byte budget: the server fans every
//   awareness message out to every peer of the document, read-only viewers included, so the
//   general byte budget (made for pastes) would let one viewer push megabytes to everyone. Here a
//   message must fit in what is left: a single one larger than the budget never passes.
// - at most MAX_SOCKETS_PER_SESSION sockets per session at once (a plan page opens one; a person
//   may have several tabs): the next is closed with 4409 (`tooManyConnections`), not retried, so
//   that many sockets cannot multiply the per-socket budgets.
//
// Budgets are per socket, full again on reconnect. Keeping them per session was left out: a
// socket's first frames are counted before its session is known (Hocuspocus authenticates on the
// first message of each document), each app process would hold its own copy anyway (a reconnect
// may land on another one), and what a session can spend is already bounded by the socket cap
// here and the throttle's connections per address per minute.
//
// The budgets leave room for what editors do: typing, pasting a long block (one message up to
// index.ts's MAX_MESSAGE_BYTES always passes while a budget is not spent), an offline client
// flushing thousands of queued edits at once, and bursts of small stateless messages (meeting
// signalling). rate-limiter-flexible is not used here: its API is asynchronous and keyed, and this
// check runs synchronously on every frame of every socket.

const MiB = 1024 * 1024;

/** Messages a connection may send at once (an offline client flushes every queued edit). */
export const MESSAGE_BURST = 10_000;
/** …and then per second, sustained (fast typing with cursors is ~30). */
export const MESSAGES_PER_SECOND = 200;
/** Bytes a connection may send at once (a few long pastes). */
export const RECEIVED_BYTES_BURST = 64 * MiB;
export const RECEIVED_BYTES_PER_SECOND = 1 * MiB;
/** Sync step 1 requests (a page asks once per document and connection; re-authorising asks again). */
export const SYNC_REQUEST_BURST = 20;
export const SYNC_REQUESTS_PER_MINUTE = 6;
/** Bytes of sync answers (step 2, the document or its diff) a connection may be sent. */
export const ANSWER_BYTES_BURST = 64 * MiB;
export const ANSWER_BYTES_PER_SECOND = 1 * MiB;
/** Unread bytes above which the gate stops reading the socket and answering sync requests… */
export const HIGH_WATER_BYTES = 4 * MiB;
/** …until the client has read down to this. */
export const LOW_WATER_BYTES = 1 * MiB;
/** Unread bytes at which a client is cut rather than buffered further. */
export const MAX_BUFFERED_BYTES = 32 * MiB;
/** A client above HIGH_WATER_BYTES that reads nothing for this long is cut. */
export const STALL_MS = 30_000;
/**
 * Awareness bytes a connection may send at once: a cursor move with its person's name and colour
 * is ~200 bytes, so this holds hundreds of moves in a row (a fast typist's burst) and a person's
 * presence state many times over.
 */
export const AWARENESS_BYTES_BURST = 256 * 1024;
/** …and then per second, sustained (30 cursor moves a second is ~6 KB). */
export const AWARENESS_BYTES_PER_SECOND = 16 * 1024;
/** Sockets one session may hold open at once (a plan page opens one; several tabs, several). */
export const MAX_SOCKETS_PER_SESSION = 20;

export type BudgetLimits = {
	messageBurst: number;
	messagesPerSecond: number;
	receivedBytesBurst: number;
	receivedBytesPerSecond: number;
	syncRequestBurst: number;
	syncRequestsPerMinute: number;
	answerBytesBurst: number;
	answerBytesPerSecond: number;
	highWaterBytes: number;
	lowWaterBytes: number;
	maxBufferedBytes: number;
	stallMs: number;
	awarenessBytesBurst: number;
	awarenessBytesPerSecond: number;
	maxSocketsPerSession: number;
};

export const BUDGET_LIMITS: BudgetLimits = {
	messageBurst: MESSAGE_BURST,
	messagesPerSecond: MESSAGES_PER_SECOND,
	receivedBytesBurst: RECEIVED_BYTES_BURST,
	receivedBytesPerSecond: RECEIVED_BYTES_PER_SECOND,
	syncRequestBurst: SYNC_REQUEST_BURST,
	syncRequestsPerMinute: SYNC_REQUESTS_PER_MINUTE,
	answerBytesBurst: ANSWER_BYTES_BURST,
	answerBytesPerSecond: ANSWER_BYTES_PER_SECOND,
	highWaterBytes: HIGH_WATER_BYTES,
	lowWaterBytes: LOW_WATER_BYTES,
	maxBufferedBytes: MAX_BUFFERED_BYTES,
	stallMs: STALL_MS,
	awarenessBytesBurst: AWARENESS_BYTES_BURST,
	awarenessBytesPerSecond: AWARENESS_BYTES_PER_SECOND,
	maxSocketsPerSession: MAX_SOCKETS_PER_SESSION
};

/**
 * A token bucket: starts full, refills continuously up to its capacity. A take is refused only
 * when the bucket is empty; one larger than what is left passes and leaves a debt the refill pays
 * first, so a single message as large as the capacity is never refused on a fresh connection.
 */
export class Bucket {
	readonly capacity: number;
	readonly perSecond: number;
	private tokens: number;
	private at: number;

	constructor(capacity: number, perSecond: number, now: number) {
		this.capacity = capacity;
		this.perSecond = perSecond;
		this.tokens = capacity;
		this.at = now;
	}

	take(amount: number, now: number): boolean {
		this.refill(now);
		if (this.tokens <= 0) return false;
		this.tokens -= amount;
		return true;
	}

	/** Like `take`, but refused unless the whole amount is left: no debt, no message above capacity. */
	takeWhole(amount: number, now: number): boolean {
		this.refill(now);
		if (this.tokens < amount) return false;
		this.tokens -= amount;
		return true;
	}

	/** What is left (negative: a debt). */
	level(now: number): number {
		this.refill(now);
		return this.tokens;
	}

	private refill(now: number): void {
		const elapsed = Math.max(0, now - this.at);
		this.at = now;
		this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.perSecond) / 1000);
	}
}

/** Which budget a connection spent (the reason of its close, and a log field). */
export type Overspent =
	'messages' | 'received-bytes' | 'sync-requests' | 'answer-bytes' | 'awareness-bytes';

type Frame = { address: string; type: number; sync: number | null };

/** The address, type and (for sync and sync-reply messages) sub-type of a Hocuspocus frame; null if unreadable. */
export function readFrame(data: Uint8Array): Frame | null {
	const kind = kindOf(data);
	return kind && { address: addressOf(data, kind), type: kind.type, sync: kind.sync };
}

type Kind = { type: number; sync: number | null; start: number; end: number };

// Every frame in and out passes here: the address is skipped, and decoded only for the few frames
// the gate keeps track of (a string per frame would be garbage on the broadcast path).
function kindOf(data: Uint8Array): Kind | null {
	try {
		const decoder = decoding.createDecoder(data);
		const length = decoding.readVarUint(decoder);
		const start = decoder.pos;
		const end = start + length;
		if (end > data.byteLength) return null;
		decoder.pos = end;
		const type = decoding.readVarUint(decoder);
		const sync =
			type === MessageType.Sync || type === MessageType.SyncReply
				? decoding.readVarUint(decoder)
				: null;
		return { type, sync, start, end };
	} catch {
		return null;
	}
}

function addressOf(data: Uint8Array, kind: Kind): string {
	return string.decodeUtf8(data.subarray(kind.start, kind.end));
}

const OPEN = 1;

export type GateEvents = {
	/** Hand a frame to Hocuspocus (ClientConnection.handleMessage). */
	deliver(data: Uint8Array): void;
	/** A budget is spent: close with COLLAB_CLOSE_CODES.budgetExceeded. */
	overspent(what: Overspent): void;
	/** The client does not read: cut it. */
	stalled(bufferedBytes: number): void;
	/** Its session already holds maxSocketsPerSession sockets: close with tooManyConnections. */
	crowded(sessionId: string): void;
};

/** One socket's budgets, sync coalescing and back-pressure (see the top of this file). */
export class ConnectionGate {
	/** What Hocuspocus sends through: every frame to this client passes here. */
	readonly socket: WebSocketLike;
	/** Sync requests waiting for their document's previous answer to leave, by address. */
	readonly held = new Map<string, Uint8Array>();
	/** Documents whose sync request went to Hocuspocus and whose answer has not left yet. */
	readonly asked = new Set<string>();
	/** Answers written to `ws` and not yet flushed to the kernel: address → bytes. */
	readonly sending = new Map<string, number>();
	/** Set while the client's backlog is above the high-water mark. */
	pressured = false;
	/** When the client last read something while pressured (a send callback ran). */
	lastProgress: number;
	closed = false;
	/** The session it counts against, once a document authenticated (ConnectionBudget.onAuthenticate). */
	session: string | null = null;

	readonly ws: WebSocket;
	private readonly limits: BudgetLimits;
	private readonly events: GateEvents;
	private readonly onPeak: (bytes: number) => void;
	private readonly messages: Bucket;
	private readonly receivedBytes: Bucket;
	private readonly syncRequests: Bucket;
	private readonly answerBytes: Bucket;
	private readonly awarenessBytes: Bucket;
	// One callback for every frame (no closure per send): it only looks at the backlog.
	private readonly flushed = (): void => this.progress();

	constructor(
		ws: WebSocket,
		limits: BudgetLimits,
		events: GateEvents,
		onPeak: (bytes: number) => void
	) {
		const now = Date.now();
		this.ws = ws;
		this.limits = limits;
		this.events = events;
		this.onPeak = onPeak;
		this.lastProgress = now;
		this.messages = new Bucket(limits.messageBurst, limits.messagesPerSecond, now);
		this.receivedBytes = new Bucket(limits.receivedBytesBurst, limits.receivedBytesPerSecond, now);
		this.syncRequests = new Bucket(limits.syncRequestBurst, limits.syncRequestsPerMinute / 60, now);
		this.answerBytes = new Bucket(limits.answerBytesBurst, limits.answerBytesPerSecond, now);
		this.awarenessBytes = new Bucket(
			limits.awarenessBytesBurst,
			limits.awarenessBytesPerSecond,
			now
		);
		this.socket = {
			get readyState() {
				return ws.readyState;
			},
			send: (data) => this.send(data as Uint8Array),
			close: (code, reason) => ws.close(code, reason)
		};
	}

	/** A frame from the client. */
	receive(data: Uint8Array): void {
		if (this.closed) return;
		const now = Date.now();
		if (!this.messages.take(1, now)) return this.overspend('messages');
		if (!this.receivedBytes.take(data.byteLength, now)) return this.overspend('received-bytes');
		const kind = kindOf(data);
		// Hocuspocus refuses what it cannot read; the gate only needs to know sync requests.
		if (!kind) return this.events.deliver(data);
		if (kind.type === MessageType.Auth) {
			// A document (re)authenticating starts a new sync: a request refused before it (its
			// document was denied) will never be answered.
			const address = addressOf(data, kind);
			this.asked.delete(address);
			this.held.delete(address);
		} else if (kind.sync === messageYjsSyncStep1) {
			// Sync or SyncReply: Hocuspocus answers both with the document.
			if (!this.syncRequests.take(1, now)) return this.overspend('sync-requests');
			const address = addressOf(data, kind);
			if (this.pressured || this.asked.has(address) || this.sending.has(address)) {
				this.held.set(address, data);
				return;
			}
			this.asked.add(address);
		} else if (kind.type === MessageType.Awareness) {
			if (!this.awarenessBytes.takeWhole(data.byteLength, now)) {
				return this.overspend('awareness-bytes');
			}
		}
		this.events.deliver(data);
	}

	/** Stops everything: held requests are dropped, later frames ignored. */
	close(): void {
		this.closed = true;
		this.held.clear();
		this.asked.clear();
		this.sending.clear();
	}

	/** Its session has no place left for it: stop everything, the server closes it. */
	crowd(sessionId: string): void {
		this.close();
		this.events.crowded(sessionId);
	}

	private overspend(what: Overspent): void {
		this.close();
		this.events.overspent(what);
	}

	private send(data: Uint8Array): void {
		if (this.ws.readyState !== OPEN) return;
		// Once closed, only Hocuspocus's own closing frames go out.
		if (this.closed) return void this.ws.send(data);
		const kind = kindOf(data);
		if (kind?.type === MessageType.Sync && kind.sync === messageYjsSyncStep2) {
			// The answer to this client's sync request: it counts against its budget, and the next
			// request for this document waits until this answer has left.
			if (!this.answerBytes.take(data.byteLength, Date.now())) {
				return this.overspend('answer-bytes');
			}
			const address = addressOf(data, kind);
			const bytes = data.byteLength;
			this.asked.delete(address);
			this.sending.set(address, (this.sending.get(address) ?? 0) + bytes);
			this.ws.send(data, () => {
				// Two can be on their way when the document re-authenticated in between.
				const left = (this.sending.get(address) ?? 0) - bytes;
				if (left > 0) this.sending.set(address, left);
				else this.sending.delete(address);
				this.progress();
			});
		} else {
			this.ws.send(data, this.flushed);
		}
		const buffered = this.ws.bufferedAmount;
		this.onPeak(buffered);
		if (buffered > this.limits.maxBufferedBytes) {
			this.stall();
		} else if (!this.pressured && buffered > this.limits.highWaterBytes) {
			this.pressured = true;
			this.lastProgress = Date.now();
			this.ws.pause();
		}
	}

	/** Something was flushed to the client: resume below the low-water mark, release requests. */
	private progress(): void {
		if (this.closed) return;
		if (this.pressured) {
			this.lastProgress = Date.now();
			if (this.ws.bufferedAmount > this.limits.lowWaterBytes) return;
			this.pressured = false;
			this.ws.resume();
		}
		for (const [address, data] of this.held) {
			if (this.asked.has(address) || this.sending.has(address)) continue;
			this.held.delete(address);
			this.asked.add(address);
			this.events.deliver(data);
		}
	}

	/** The client does not read: stop everything and let the server cut it. */
	stall(): void {
		const buffered = this.ws.bufferedAmount;
		this.close();
		this.events.stalled(buffered);
	}

	/** Whether the client has read nothing for `stallMs` while above the high-water mark. */
	isStalled(now: number): boolean {
		return this.pressured && now - this.lastProgress > this.limits.stallMs;
	}
}

/** What the gates hold now and what they did (tests and logs read it). */
export type BudgetStats = {
	/** Open gates (sockets). */
	gates: number;
	/** Sync requests waiting for their document's previous answer. */
	held: number;
	/** Answers on their way (written, not flushed) and their bytes. */
	answersSending: number;
	answerBytesSending: number;
	/** Connections closed for a spent budget, and cut for their backlog. */
	overspent: number;
	stalled: number;
	/** Sockets closed because their session held MAX_SOCKETS_PER_SESSION already. */
	crowded: number;
	/** Sessions with an open socket. */
	sessions: number;
	/** The largest backlog seen on one socket. */
	peakBufferedBytes: number;
};

/**
 * Gives every socket its ConnectionGate (index.ts calls `open` as it accepts one) and cuts those
 * that stopped reading. An extension for its place in the chain and its life cycle: it holds no
 * Hocuspocus hook of the per-message kind, because what it guards happens before Hocuspocus (a
 * frame it holds never reaches it) and after (what Hocuspocus sends goes through the gate).
 */
export class ConnectionBudget implements Extension {
	extensionName = 'relais-budget';
	readonly limits: BudgetLimits;
	private readonly gates = new Map<WebSocket, ConnectionGate>();
	/** The open sockets of each session (a socket counts once one of its documents authenticated). */
	private readonly sessions = new Map<string, Set<ConnectionGate>>();
	private readonly counts = { overspent: 0, stalled: 0, crowded: 0, peakBufferedBytes: 0 };
	private readonly sweeper: NodeJS.Timeout;

	constructor(limits: Partial<BudgetLimits> = {}) {
		this.limits = { ...BUDGET_LIMITS, ...limits };
		this.sweeper = setInterval(() => this.sweep(), Math.max(1_000, this.limits.stallMs / 4));
		this.sweeper.unref();
	}

	open(ws: WebSocket, events: GateEvents): ConnectionGate {
		const gate: ConnectionGate = new ConnectionGate(
			ws,
			this.limits,
			{
				deliver: (data) => events.deliver(data),
				overspent: (what) => {
					this.counts.overspent += 1;
					this.forget(gate);
					events.overspent(what);
				},
				stalled: (bytes) => {
					this.counts.stalled += 1;
					this.forget(gate);
					events.stalled(bytes);
				},
				crowded: (sessionId) => {
					this.counts.crowded += 1;
					this.forget(gate);
					events.crowded(sessionId);
				}
			},
			(bytes) => {
				if (bytes > this.counts.peakBufferedBytes) this.counts.peakBufferedBytes = bytes;
			}
		);
		this.gates.set(ws, gate);
		return gate;
	}

	/** The socket closed (whoever closed it). */
	release(gate: ConnectionGate): void {
		gate.close();
		this.forget(gate);
	}

	/**
	 * Counts the socket against its session when its first document authenticates: the
	 * authentication extension's onConnect (all onConnect hooks run before any onAuthenticate) has
	 * put the session on the transport. Synchronous, so two sockets of one session authenticating
	 * at once cannot both take the last place.
	 */
	async onAuthenticate({ context }: onAuthenticatePayload<CollabContext>): Promise<void> {
		const { transport } = context;
		const gate = this.gates.get(transport.ws);
		const sessionId = transport.sessionId;
		if (!gate || gate.session !== null || sessionId === null) return;
		const sockets = this.sessions.get(sessionId) ?? new Set<ConnectionGate>();
		if (sockets.size >= this.limits.maxSocketsPerSession) {
			gate.crowd(sessionId);
			throw new CollabRefusal('too-many-connections');
		}
		gate.session = sessionId;
		sockets.add(gate);
		this.sessions.set(sessionId, sockets);
	}

	stats(): BudgetStats {
		let held = 0;
		let answersSending = 0;
		let answerBytesSending = 0;
		for (const gate of this.gates.values()) {
			held += gate.held.size;
			answersSending += gate.sending.size;
			for (const bytes of gate.sending.values()) answerBytesSending += bytes;
		}
		return {
			gates: this.gates.size,
			held,
			answersSending,
			answerBytesSending,
			sessions: this.sessions.size,
			...this.counts
		};
	}

	async onDestroy(): Promise<void> {
		clearInterval(this.sweeper);
	}

	private sweep(): void {
		const now = Date.now();
		for (const gate of this.gates.values()) {
			if (gate.isStalled(now)) gate.stall();
		}
	}

	private forget(gate: ConnectionGate): void {
		if (this.gates.get(gate.ws) === gate) this.gates.delete(gate.ws);
		if (gate.session === null) return;
		const sockets = this.sessions.get(gate.session);
		sockets?.delete(gate);
		if (sockets?.size === 0) this.sessions.delete(gate.session);
	}
}
