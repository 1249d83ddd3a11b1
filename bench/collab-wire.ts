// Raw collaboration clients for bench/collab.ts: a `ws` socket speaking the Hocuspocus wire format
// (every message prefixed with its document name; Auth, Sync, Awareness as @hocuspocus/provider
// sends them) or y-websocket's (no prefix, one document per URL). No Y.Doc per client: a typist's
// keystrokes are encoded directly as Yjs v1 updates (one ContentString item after its previous one,
// checked against Yjs itself by `checkEncoding`), so 5,000 clients fit in one load generator.
// Latency marker: each keystroke is (clientID, clock); the sender records its intended send time
// under that pair and every receiver reads the pairs back from the update it gets (merged or not)
// with Y.parseUpdateMeta.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { nowUs } from './lib.ts';

export type Protocol = 'hocuspocus' | 'ywebsocket';

const SYNC = 0;
const AWARENESS = 1;
const AUTH = 2;
const SYNC_REPLY = 4;
const STEP1 = 0;
const STEP2 = 1;
const UPDATE = 2;
const AUTH_TOKEN = 0;
const AUTH_DENIED = 1;
const RENEW_MS = 15_000;

/** The document every client starts from: the same bytes as in plan_documents, so no-op for Relais. */
export type Template = {
	update: Uint8Array;
	stateVector: Uint8Array;
	tail: { client: number; clock: number };
};

export function makeTemplate(doc: Y.Doc, field = 'summary'): Template {
	// The end of the first paragraph's text: where every typist starts typing.
	const paragraph = doc.getXmlFragment(field).get(0) as Y.XmlElement;
	const text = paragraph.get(0) as Y.XmlText;
	let item = text._start;
	while (item?.right) item = item.right;
	if (!item) throw new Error('template paragraph has no text');
	return {
		update: Y.encodeStateAsUpdate(doc),
		stateVector: Y.encodeStateVector(doc),
		tail: { client: item.id.client, clock: item.id.clock + item.length - 1 }
	};
}

/** One keystroke: a one-character string item by `client` at `clock`, after `origin`. */
export function keystroke(
	client: number,
	clock: number,
	origin: { client: number; clock: number },
	char: string
): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 1); // clients
	encoding.writeVarUint(e, 1); // structs of this client
	encoding.writeVarUint(e, client);
	encoding.writeVarUint(e, clock);
	encoding.writeUint8(e, 0x80 | 4); // has a left origin; ContentString
	encoding.writeVarUint(e, origin.client);
	encoding.writeVarUint(e, origin.clock);
	encoding.writeVarString(e, char);
	encoding.writeVarUint(e, 0); // delete set: no client
	return encoding.toUint8Array(e);
}

/** The hand-made keystrokes are what Yjs itself encodes, and apply to the template's text. */
export function checkEncoding(template: Template): void {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, template.update);
	const text = (doc.getXmlFragment('summary').get(0) as Y.XmlElement).get(0) as Y.XmlText;
	const before = text.toString();
	const typist = new Y.Doc();
	typist.clientID = 123_456_789;
	Y.applyUpdate(typist, template.update);
	const typed: Uint8Array[] = [];
	typist.on('update', (u: Uint8Array) => typed.push(u));
	const t2 = (typist.getXmlFragment('summary').get(0) as Y.XmlElement).get(0) as Y.XmlText;
	t2.insert(t2.length, 'a');
	t2.insert(t2.length, 'b');
	const mine = [
		keystroke(123_456_789, 0, template.tail, 'a'),
		keystroke(123_456_789, 1, { client: 123_456_789, clock: 0 }, 'b')
	];
	for (let i = 0; i < 2; i++) {
		if (Buffer.compare(Buffer.from(mine[i]), Buffer.from(typed[i])) !== 0)
			throw new Error(`keystroke encoding differs from Yjs: ${mine[i]} vs ${typed[i]}`);
		Y.applyUpdate(doc, mine[i]);
	}
	if (text.toString() !== `${before}ab`) throw new Error(`keystrokes did not apply: ${text}`);
}

/** An awareness update shaped like y-prosemirror's: a user and a cursor (relative positions). */
export function awarenessUpdate(
	client: number,
	clock: number,
	name: string,
	at: number
): Uint8Array {
	const pos = (n: number) => ({ type: null, tname: null, item: { client, clock: n }, assoc: 0 });
	const state = {
		user: { name, colour: '#3b6ea5' },
		cursor: { anchor: pos(at), head: pos(at) }
	};
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 1);
	encoding.writeVarUint(e, client);
	encoding.writeVarUint(e, clock);
	encoding.writeVarString(e, JSON.stringify(state));
	return encoding.toUint8Array(e);
}

/** Where a sender's keystrokes were meant to go out: intended time (nowUs) by clock. */
export type SendLog = { intended: Float64Array };

/** What every receiver records into: shared by all clients of one load generator. */
export const recorder = {
	senders: new Map<number, SendLog>(),
	lat: new Float64Array(0),
	n: 0,
	/** Only keystrokes intended at or after this instant count (earlier rounds still draining). */
	from: 0,
	expected: 0,
	onDone: () => {},
	reset(capacity: number, expected: number) {
		if (this.lat.length < capacity) this.lat = new Float64Array(capacity);
		this.n = 0;
		this.expected = expected;
		this.from = nowUs();
	}
};

function recordUpdate(self: Client, update: Uint8Array): void {
	const now = nowUs();
	const { to } = Y.parseUpdateMeta(update);
	for (const [client, end] of to) {
		if (client === self.clientId) continue;
		const log = recorder.senders.get(client);
		if (!log) continue;
		const start = self.seen.get(client) ?? 0;
		for (let clock = start; clock < end; clock++) {
			const t = log.intended[clock];
			if (t >= recorder.from && recorder.n < recorder.lat.length) {
				recorder.lat[recorder.n++] = now - t;
				if (recorder.n === recorder.expected) recorder.onDone();
			}
		}
		if (end > start) self.seen.set(client, end);
	}
}

export type ClientOptions = {
	protocol: Protocol;
	url: string;
	document: string;
	template: Template;
	headers?: Record<string, string>;
	localAddress?: string;
	name: string;
};

/** One raw client on one document. */
export class Client {
	readonly options: ClientOptions;
	ws: WebSocket | null = null;
	/** The Yjs client id its keystrokes carry now (a fresh one per round, like a new tab). */
	clientId = 0;
	clock = 0;
	origin: { client: number; clock: number };
	awarenessClock = 0;
	seen = new Map<number, number>();
	synced = false;
	denied: string | null = null;
	closes = 0;
	private prefix: Uint8Array;
	private onSynced: (() => void) | null = null;
	private onFail: ((error: Error) => void) | null = null;
	log: SendLog | null = null;

	constructor(options: ClientOptions) {
		this.options = options;
		this.origin = options.template.tail;
		const e = encoding.createEncoder();
		if (options.protocol === 'hocuspocus') encoding.writeVarString(e, options.document);
		this.prefix = encoding.toUint8Array(e);
	}

	private frame(write: (e: encoding.Encoder) => void): Uint8Array {
		const e = encoding.createEncoder();
		encoding.writeUint8Array(e, this.prefix);
		write(e);
		return encoding.toUint8Array(e);
	}

	/** Opens the socket and resolves once the server's state arrived (sync step 2). */
	connect(): Promise<void> {
		this.synced = false;
		this.denied = null;
		return new Promise<void>((resolve, reject) => {
			this.onSynced = resolve;
			this.onFail = reject;
			const { protocol, url, headers, localAddress } = this.options;
			const ws = new WebSocket(url, { headers, localAddress, perMessageDeflate: false });
			this.ws = ws;
			ws.binaryType = 'nodebuffer';
			ws.on('open', () => this.hello());
			// y-protocols' Awareness renews the local state every 15 s, so a silent reader still sends
			// something (Hocuspocus closes connections that sent nothing for 60 s).
			const renew = setInterval(() => this.sendAwareness(), RENEW_MS);
			ws.on('close', () => clearInterval(renew));
			ws.on('message', (data: Buffer) => this.receive(data));
			ws.on('error', (error) => this.fail(error));
			ws.on('close', (code) => {
				if (this.ws === ws) {
					this.closes++;
					this.fail(new Error(`closed ${code}`));
				}
			});
			void protocol;
		});
	}

	private fail(error: Error) {
		const reject = this.onFail;
		this.onFail = null;
		this.onSynced = null;
		reject?.(error);
	}

	private hello() {
		const { protocol, template } = this.options;
		if (protocol === 'hocuspocus') {
			this.send(
				this.frame((e) => {
					encoding.writeVarUint(e, AUTH);
					encoding.writeVarUint(e, AUTH_TOKEN);
					encoding.writeVarString(e, '');
				})
			);
		}
		// What a provider with the template already in its Y.Doc sends: its state vector, then what
		// it has (a no-op where the server loaded the same bytes from the database).
		this.send(
			this.frame((e) => {
				encoding.writeVarUint(e, SYNC);
				encoding.writeVarUint(e, STEP1);
				encoding.writeVarUint8Array(e, template.stateVector);
			})
		);
		this.send(
			this.frame((e) => {
				encoding.writeVarUint(e, SYNC);
				encoding.writeVarUint(e, STEP2);
				encoding.writeVarUint8Array(e, template.update);
			})
		);
		this.sendAwareness();
	}

	private receive(data: Buffer) {
		const d = decoding.createDecoder(data);
		if (this.options.protocol === 'hocuspocus') decoding.readVarString(d);
		const type = decoding.readVarUint(d);
		if (type === SYNC || type === SYNC_REPLY) {
			const step = decoding.readVarUint(d);
			if (step === UPDATE) recordUpdate(this, decoding.readVarUint8Array(d));
			else if (step === STEP2 && !this.synced) {
				this.synced = true;
				this.syncedBytes = decoding.readVarUint8Array(d).length;
				const resolve = this.onSynced;
				this.onSynced = null;
				this.onFail = null;
				resolve?.();
			}
		} else if (type === AUTH) {
			if (decoding.readVarUint(d) === AUTH_DENIED) {
				this.denied = decoding.readVarString(d);
				this.fail(new Error(`permission denied: ${this.denied}`));
			}
		}
	}

	/** Size of the state the server sent on sync (what it had loaded). */
	syncedBytes = 0;

	send(message: Uint8Array) {
		if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(message);
	}

	/** Starts typing under a new client id with room for `count` keystrokes. */
	newSession(clientId: number, count: number) {
		if (this.log) recorder.senders.delete(this.clientId);
		this.clientId = clientId;
		this.clock = 0;
		this.origin = this.options.template.tail;
		this.log = { intended: new Float64Array(count).fill(-1) };
		recorder.senders.set(clientId, this.log);
	}

	type(intendedUs: number) {
		if (!this.log || this.clock >= this.log.intended.length) return false;
		const clock = this.clock++;
		const update = keystroke(
			this.clientId,
			clock,
			this.origin,
			String.fromCharCode(97 + (clock % 26))
		);
		this.origin = { client: this.clientId, clock };
		this.log.intended[clock] = intendedUs;
		this.send(
			this.frame((e) => {
				encoding.writeVarUint(e, SYNC);
				encoding.writeVarUint(e, UPDATE);
				encoding.writeVarUint8Array(e, update);
			})
		);
		return true;
	}

	sendAwareness() {
		const update = awarenessUpdate(
			this.awarenessId,
			++this.awarenessClock,
			this.options.name,
			this.clock
		);
		this.send(
			this.frame((e) => {
				encoding.writeVarUint(e, AWARENESS);
				encoding.writeVarUint8Array(e, update);
			})
		);
	}

	/** The awareness id before any typing session: stable per client. */
	awarenessId = 0;

	close() {
		const ws = this.ws;
		this.ws = null;
		this.onSynced = null;
		this.onFail = null;
		ws?.terminate();
	}
}
