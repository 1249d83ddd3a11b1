import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
	AWARENESS_BYTES_BURST,
	AWARENESS_BYTES_PER_SECOND,
	MAX_BUFFERED_BYTES,
	MAX_SOCKETS_PER_SESSION,
	readFrame,
	SYNC_REQUEST_BURST
} from '../../server/collab/extensions/budget.ts';
import { LARGE_FROM_BYTES } from '../../server/collab/large-documents.ts';
import { COLLAB_CLOSE_CODES } from '../../src/lib/shared/collab.ts';
import { richText, SUMMARY_FIELD, writeRichText } from '../../src/lib/shared/plan-doc.ts';
import { openDocument, type OpenDocument } from '../support/collab.ts';
import { drivers } from '../support/db.ts';
import { createTestOrganisation, createTestUser, type TestUser } from '../support/factories.ts';
import { createTestPlan } from '../support/plans.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

vi.setConfig({ expect: { poll: { timeout: 20_000, interval: 50 } } });

// Hocuspocus framing: the document's address, the message type, then its content.
const SYNC = 0;
const SYNC_REPLY = 4;
const AWARENESS = 1;
const AUTH = 2;
const STEP_1 = 0;
const STEP_2 = 1;
const AUTHENTICATED = 2;

function authFrame(name: string): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, name);
	encoding.writeVarUint(encoder, AUTH);
	encoding.writeVarUint(encoder, 0);
	// The session cookie authenticates; the token is not read.
	encoding.writeVarString(encoder, '');
	return encoding.toUint8Array(encoder);
}

/**
 * "Send me everything": a sync step 1 with an empty state vector. As a SyncReply (type 4) too:
 * Hocuspocus answers it the same way, without its own step 1.
 */
function emptyStep1(name: string, type = SYNC): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, name);
	encoding.writeVarUint(encoder, type);
	encoding.writeVarUint(encoder, STEP_1);
	encoding.writeVarUint8Array(encoder, Y.encodeStateVector(new Y.Doc()));
	return encoding.toUint8Array(encoder);
}

/** An awareness message carrying this client's new state (its clock goes up: peers apply it). */
function awarenessFrame(name: string, awareness: Awareness, state: Record<string, unknown>) {
	awareness.setLocalState(state);
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, name);
	encoding.writeVarUint(encoder, AWARENESS);
	encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(awareness, [awareness.clientID]));
	return encoding.toUint8Array(encoder);
}

/** A socket opened with this cookie that asks for one document: its close code, or 'authenticated'. */
function firstAnswer(server: TestServer, user: TestUser, name: string) {
	const ws = new WebSocket(server.collabUrl, {
		headers: { cookie: user.cookie, origin: server.origin }
	});
	ws.on('error', () => {});
	ws.once('open', () => ws.send(authFrame(name)));
	const answer = new Promise<number | 'authenticated'>((resolve) => {
		ws.on('close', (code) => resolve(code));
		ws.on('message', (data: Buffer) => {
			const decoder = decoding.createDecoder(new Uint8Array(data));
			decoding.readVarString(decoder);
			if (decoding.readVarUint(decoder) !== AUTH) return;
			if (decoding.readVarUint(decoder) === AUTHENTICATED) resolve('authenticated');
		});
	});
	return { ws, answer };
}

/**
 * A hand-made client, as an attacker would write one: it authenticates one document with the
 * session cookie, then sends what the test tells it to, and counts the sync answers it gets.
 */
async function rawClient(server: TestServer, user: TestUser, name: string) {
	const ws = new WebSocket(server.collabUrl, {
		headers: { cookie: user.cookie, origin: server.origin }
	});
	const answers: number[] = [];
	/** Bytes of the awareness messages it was sent (its peers' cursors and presence). */
	const awareness = { bytes: 0 };
	let authenticated = () => {};
	const ready = new Promise<void>((resolve) => (authenticated = resolve));
	const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
	ws.on('error', () => {});
	ws.on('message', (data: Buffer) => {
		const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
		const frame = readFrame(bytes);
		if (frame?.type === SYNC && frame.sync === STEP_2) answers.push(bytes.byteLength);
		if (frame?.type === AWARENESS) awareness.bytes += bytes.byteLength;
		if (frame?.type === AUTH) {
			const decoder = decoding.createDecoder(bytes);
			decoding.readVarString(decoder);
			decoding.readVarUint(decoder);
			if (decoding.readVarUint(decoder) === AUTHENTICATED) authenticated();
		}
	});
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});
	ws.send(authFrame(name));
	await ready;
	return { ws, answers, awareness, closed };
}

/** A shared document of ~300 KB: over the large-documents threshold (answered by its worker). */
function largeState(): Uint8Array {
	const doc = new Y.Doc();
	doc.getMap('meta').set('schemaVersion', 1);
	writeRichText(doc, SUMMARY_FIELD, [
		{ type: 'paragraph', text: ' relation partenaire Zéphyr'.repeat(11_000) }
	]);
	return Y.encodeStateAsUpdate(doc);
}

describe.each(drivers())('what one collaboration connection may cost (%s)', (driver) => {
	let server: TestServer;
	let owner: TestUser;
	const open: OpenDocument[] = [];
	const sockets: WebSocket[] = [];

	beforeAll(async () => {
		server = await startTestServer({ driver, connectionsPerMinute: 100_000 });
		owner = await createTestUser(server.runtime.db, { role: 'rep' });
	});
	afterAll(async () => {
		for (const document of open) document.destroy();
		for (const ws of sockets) ws.terminate();
		await server?.stop();
	});

	const budget = () => server.collab!.budget;
	const connect = (name: string, reconnect = false) => {
		const document = openDocument({
			url: server.collabUrl,
			origin: server.origin,
			name,
			cookie: owner.cookie,
			reconnect
		});
		open.push(document);
		return document;
	};
	const connectionsTo = (name: string) =>
		server.collab!.hocuspocus.documents.get(name)?.getConnectionsCount() ?? 0;

	it('answers 400 sync requests from a reader of a large plan a bounded number of times, then closes with 4429', async () => {
		const state = largeState();
		expect(state.byteLength).toBeGreaterThan(LARGE_FROM_BYTES);
		const partner = await createTestOrganisation(server.runtime.db);
		const { shared } = await createTestPlan(server.runtime.db, {
			ownerId: owner.user.id,
			state,
			sharedWithId: partner.id,
			shareMode: 'viewer'
		});
		const reader = await createTestUser(server.runtime.db, {
			role: 'partner_member',
			organisation: partner
		});
		const overspent = budget().stats().overspent;
		const client = await rawClient(server, reader, shared);
		sockets.push(client.ws);
		await expect.poll(() => connectionsTo(shared)).toBe(1);

		for (let i = 0; i < 400; i += 1) client.ws.send(emptyStep1(shared, i % 2 ? SYNC_REPLY : SYNC));

		expect(await client.closed).toBe(COLLAB_CLOSE_CODES.budgetExceeded);
		expect(COLLAB_CLOSE_CODES.budgetExceeded).toBe(4429);
		// Each answer is the whole document: without the budget, 400 of them (~120 MB). The close
		// may even come before the first answer has left the worker.
		expect(client.answers.length).toBeLessThanOrEqual(SYNC_REQUEST_BURST);
		const bytes = client.answers.reduce((sum, n) => sum + n, 0);
		expect(bytes).toBeLessThanOrEqual(SYNC_REQUEST_BURST * (state.byteLength + 1024));
		expect(budget().stats().overspent).toBe(overspent + 1);
	});

	it('holds no request or answer of a closed abuser: its gate, queue and document connection are gone', async () => {
		const { shared } = await createTestPlan(server.runtime.db, {
			ownerId: owner.user.id,
			state: largeState()
		});
		const client = await rawClient(server, owner, shared);
		sockets.push(client.ws);
		await expect.poll(() => connectionsTo(shared)).toBe(1);
		// Ten requests in one go, under the budget: one answered, the others coalesced into one.
		for (let i = 0; i < 10; i += 1) client.ws.send(emptyStep1(shared));
		await expect.poll(() => client.answers.length).toBeGreaterThanOrEqual(1);
		expect(client.answers.length).toBeLessThanOrEqual(2);
		for (let i = 0; i < 400; i += 1) client.ws.send(emptyStep1(shared));
		expect(await client.closed).toBe(COLLAB_CLOSE_CODES.budgetExceeded);
		expect(client.answers.length).toBeLessThanOrEqual(SYNC_REQUEST_BURST);

		await expect.poll(() => server.collab!.socketCount()).toBe(0);
		expect(connectionsTo(shared)).toBe(0);
		expect(budget().stats()).toMatchObject({ gates: 0, held: 0, answersSending: 0 });
		expect(budget().stats().answerBytesSending).toBe(0);
	});

	it('lets ordinary editing through: hundreds of edits, a long paste, cursors, 100 stateless messages and an offline backlog', async () => {
		const { shared } = await createTestPlan(server.runtime.db, { ownerId: owner.user.id });
		const editor = connect(shared, true);
		const reader = connect(shared);
		expect(await editor.outcome).toEqual({ status: 'authenticated' });
		expect(await reader.outcome).toEqual({ status: 'authenticated' });
		await expect.poll(() => connectionsTo(shared)).toBe(2);
		const overspent = budget().stats().overspent;
		const text = () => {
			const paragraph = richText(editor.doc, SUMMARY_FIELD).get(0);
			return paragraph instanceof Y.XmlElement ? (paragraph.get(0) as Y.XmlText) : null;
		};
		writeRichText(editor.doc, SUMMARY_FIELD, [{ type: 'paragraph', text: '.' }]);

		// Typing fast: 500 keystrokes, each its own update, with a cursor move each.
		for (let i = 0; i < 500; i += 1) {
			text()!.insert(i + 1, 'a');
			editor.provider.setAwarenessField('cursor', { anchor: i, head: i });
		}
		// A long block pasted at once (2 MB).
		text()!.insert(501, 'collé '.repeat(350_000));
		// Meeting signalling: 100 small stateless messages at once.
		for (let i = 0; i < 100; i += 1) editor.provider.sendStateless(JSON.stringify({ to: 'x', i }));
		// Offline, then back with its queued edits (the provider flushes them on reconnect).
		editor.socket.disconnect();
		await expect.poll(() => editor.socket.status).toBe('disconnected');
		for (let i = 0; i < 300; i += 1) text()!.insert(0, 'b');
		await editor.socket.connect();

		const expected = text()!.toString();
		expect(expected.length).toBe(801 + 'collé '.length * 350_000);
		await expect
			.poll(() => {
				const paragraph = richText(reader.doc, SUMMARY_FIELD).get(0);
				return paragraph instanceof Y.XmlElement ? paragraph.get(0)?.toString().length : 0;
			})
			.toBe(expected.length);
		// The editor's own disconnect only.
		expect(editor.closeCodes).toHaveLength(1);
		expect(editor.closeCodes).not.toContain(COLLAB_CLOSE_CODES.budgetExceeded);
		expect(reader.closeCodes).toEqual([]);
		expect(budget().stats().overspent).toBe(overspent);
		expect(connectionsTo(shared)).toBe(2);
	});

	it('cuts a client that never reads instead of buffering for it without bound', async () => {
		const { shared } = await createTestPlan(server.runtime.db, { ownerId: owner.user.id });
		const stalled = budget().stats().stalled;
		const writer = connect(shared);
		expect(await writer.outcome).toEqual({ status: 'authenticated' });
		writeRichText(writer.doc, SUMMARY_FIELD, [{ type: 'paragraph', text: '.' }]);
		const sleeper = await rawClient(server, owner, shared);
		sockets.push(sleeper.ws);
		sleeper.ws.send(emptyStep1(shared));
		await expect.poll(() => sleeper.answers.length).toBe(1);
		await expect.poll(() => connectionsTo(shared)).toBe(2);
		// It stops reading; every edit of the writer (1 MB pasted, then deleted so that the document
		// stays small) is sent to it too.
		sleeper.ws.pause();
		const paragraph = richText(writer.doc, SUMMARY_FIELD).get(0) as Y.XmlElement;
		const text = paragraph.get(0) as Y.XmlText;

		let sent = 0;
		while (connectionsTo(shared) === 2 && sent < 100) {
			const block = `${sent}`.padEnd(1024 * 1024, '.');
			text.insert(0, block);
			text.delete(0, block.length);
			sent += 1;
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
		await expect.poll(() => connectionsTo(shared)).toBe(1);
		expect(budget().stats().stalled).toBe(stalled + 1);
		// Never more than the limit plus the frame that crossed it.
		expect(budget().stats().peakBufferedBytes).toBeLessThanOrEqual(
			MAX_BUFFERED_BYTES + 2 * 1024 * 1024
		);
		// The writer carries on.
		expect(writer.closeCodes).toEqual([]);
		sleeper.ws.resume();
		expect(await sleeper.closed).toBe(1006);
	});

	it('closes a read-only viewer flooding awareness with 4429 within its awareness budget; its peers get no more of it', async () => {
		const partner = await createTestOrganisation(server.runtime.db);
		const { shared } = await createTestPlan(server.runtime.db, {
			ownerId: owner.user.id,
			sharedWithId: partner.id,
			shareMode: 'viewer'
		});
		const viewer = await createTestUser(server.runtime.db, {
			role: 'partner_member',
			organisation: partner
		});
		const peer = await rawClient(server, owner, shared);
		const flooder = await rawClient(server, viewer, shared);
		sockets.push(peer.ws, flooder.ws);
		await expect.poll(() => connectionsTo(shared)).toBe(2);
		const overspent = budget().stats().overspent;
		const before = peer.awareness.bytes;

		// 64 states of 32 KB each (2 MB): far under the general byte budget, far over awareness's.
		const awareness = new Awareness(new Y.Doc());
		const frames = Array.from({ length: 64 }, (_, i) =>
			awarenessFrame(shared, awareness, { blob: `${i}`.padEnd(32 * 1024, '.') })
		);
		const started = performance.now();
		for (const frame of frames) flooder.ws.send(frame);
		expect(await flooder.closed).toBe(COLLAB_CLOSE_CODES.budgetExceeded);
		const seconds = (performance.now() - started) / 1000;
		// A round trip after the close: what the server relayed before it has reached the peer.
		peer.ws.send(emptyStep1(shared));
		await expect.poll(() => peer.answers.length).toBe(1);

		const relayed = peer.awareness.bytes - before;
		// What refilled while the frames were read (the budget passes no frame beyond it).
		const allowed = AWARENESS_BYTES_BURST + AWARENESS_BYTES_PER_SECOND * seconds;
		expect(relayed).toBeGreaterThan(frames[0].byteLength - 1024);
		expect(relayed).toBeLessThanOrEqual(allowed + 64);
		expect(relayed).toBeLessThan(frames.reduce((sum, frame) => sum + frame.byteLength, 0) / 4);
		expect(budget().stats().overspent).toBe(overspent + 1);
		expect(connectionsTo(shared)).toBe(1);
	});

	it("lets a reader's cursor and presence through: 500 cursor moves at once with name and colour", async () => {
		const partner = await createTestOrganisation(server.runtime.db);
		const { shared } = await createTestPlan(server.runtime.db, {
			ownerId: owner.user.id,
			sharedWithId: partner.id,
			shareMode: 'viewer'
		});
		const viewer = await createTestUser(server.runtime.db, {
			role: 'partner_member',
			organisation: partner
		});
		const host = connect(shared);
		const reader = openDocument({
			url: server.collabUrl,
			origin: server.origin,
			name: shared,
			cookie: viewer.cookie
		});
		open.push(reader);
		expect(await host.outcome).toEqual({ status: 'authenticated' });
		expect(await reader.outcome).toEqual({ status: 'authenticated' });
		expect(reader.readOnly()).toBe(true);
		const overspent = budget().stats().overspent;

		reader.provider.setAwarenessField('user', {
			id: viewer.user.id,
			name: 'Zoé Lecteur-Partenaire',
			colour: '#0a7f5c'
		});
		for (let i = 0; i < 500; i += 1) {
			reader.provider.setAwarenessField('cursor', {
				anchor: { type: { client: 1, clock: i }, tname: null, item: null, assoc: 0 },
				head: { type: { client: 1, clock: i }, tname: null, item: null, assoc: 0 }
			});
		}
		const readerId = reader.provider.awareness!.clientID;
		await expect
			.poll(() => host.provider.awareness?.getStates().get(readerId)?.cursor?.head?.type?.clock)
			.toBe(499);
		expect(reader.closeCodes).toEqual([]);
		expect(budget().stats().overspent).toBe(overspent);
	});

	it('refuses a session its socket past MAX_SOCKETS_PER_SESSION with 4409, and takes one again once a socket closed', async () => {
		const person = await createTestUser(server.runtime.db, { role: 'rep' });
		const other = await createTestUser(server.runtime.db, { role: 'rep' });
		const { shared } = await createTestPlan(server.runtime.db, { ownerId: person.user.id });
		const { shared: theirs } = await createTestPlan(server.runtime.db, { ownerId: other.user.id });
		const crowded = budget().stats().crowded;

		const tabs = [];
		for (let i = 0; i < MAX_SOCKETS_PER_SESSION; i += 1) {
			const tab = firstAnswer(server, person, shared);
			sockets.push(tab.ws);
			tabs.push(tab);
		}
		const answers = await Promise.all(tabs.map((tab) => tab.answer));
		expect(answers).toEqual(Array(MAX_SOCKETS_PER_SESSION).fill('authenticated'));

		const extra = firstAnswer(server, person, shared);
		sockets.push(extra.ws);
		expect(await extra.answer).toBe(COLLAB_CLOSE_CODES.tooManyConnections);
		expect(COLLAB_CLOSE_CODES.tooManyConnections).toBe(4409);
		expect(budget().stats().crowded).toBe(crowded + 1);
		expect(connectionsTo(shared)).toBe(MAX_SOCKETS_PER_SESSION);

		// Another person's session has its own places.
		const elsewhere = firstAnswer(server, other, theirs);
		sockets.push(elsewhere.ws);
		expect(await elsewhere.answer).toBe('authenticated');

		// A tab closed frees its place.
		tabs[0].ws.close();
		await expect.poll(() => connectionsTo(shared)).toBe(MAX_SOCKETS_PER_SESSION - 1);
		const again = firstAnswer(server, person, shared);
		sockets.push(again.ws);
		expect(await again.answer).toBe('authenticated');
		expect(connectionsTo(shared)).toBe(MAX_SOCKETS_PER_SESSION);
	});
});
