import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { directAwarenessCount } from '../../server/collab/awareness.ts';
import { openDocument, type OpenDocument } from '../support/collab.ts';
import { drivers } from '../support/db.ts';
import { createTestUser, type TestUser } from '../support/factories.ts';
import { createTestPlan } from '../support/plans.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

vi.setConfig({ expect: { poll: { timeout: 15_000, interval: 50 } } });

// Cursors and "who is here" (Yjs awareness) take server/collab/awareness.ts's direct path: no
// scratch document per message, the same states, origins and clean-up as Hocuspocus's own path.
describe.each(drivers())('awareness on the collaboration server (%s)', (driver) => {
	let server: TestServer;
	let owner: TestUser;
	const open: OpenDocument[] = [];

	beforeAll(async () => {
		server = await startTestServer({ driver, connectionsPerMinute: 100_000 });
		owner = await createTestUser(server.runtime.db, { role: 'rep' });
	});
	afterAll(async () => {
		for (const document of open) document.destroy();
		await server?.stop();
	});

	const connect = (name: string) => {
		const document = openDocument({
			url: server.collabUrl,
			origin: server.origin,
			name,
			cookie: owner.cookie
		});
		open.push(document);
		return document;
	};

	it('relays cursors through the direct path, and forgets a client that leaves', async () => {
		const { shared } = await createTestPlan(server.runtime.db, { ownerId: owner.user.id });
		const anne = connect(shared);
		const bruno = connect(shared);
		expect(await anne.outcome).toEqual({ status: 'authenticated' });
		expect(await bruno.outcome).toEqual({ status: 'authenticated' });
		const before = directAwarenessCount();

		anne.provider.setAwarenessField('user', { name: 'Anne', color: '#0a7' });
		anne.provider.setAwarenessField('cursor', { anchor: 3, head: 7 });
		const anneId = anne.doc.clientID;
		await expect
			.poll(() => bruno.provider.awareness?.getStates().get(anneId))
			.toEqual({ user: { name: 'Anne', color: '#0a7' }, cursor: { anchor: 3, head: 7 } });
		// It went through the direct path (a scratch Y.Doc per message before).
		expect(directAwarenessCount()).toBeGreaterThan(before);

		// The server tied Anne's client id to her connection: when she leaves, the others learn it.
		anne.destroy();
		await expect.poll(() => bruno.provider.awareness?.getStates().has(anneId)).toBe(false);
	});

	it('closes only the connection that sends a malformed awareness update', async () => {
		const { shared } = await createTestPlan(server.runtime.db, { ownerId: owner.user.id });
		const good = connect(shared);
		const bad = connect(shared);
		expect(await good.outcome).toEqual({ status: 'authenticated' });
		expect(await bad.outcome).toEqual({ status: 'authenticated' });

		// Hocuspocus framing: document name, message type 1 (awareness), then a byte array that
		// claims three clients and ends after the first varint.
		const name = new TextEncoder().encode(shared);
		const frame = new Uint8Array([name.length, ...name, 1, 2, 3, 0x81]);
		const connections = () =>
			server.collab?.hocuspocus.documents.get(shared)?.getConnectionsCount() ?? 0;
		// Authenticated comes before the document is loaded and the connection attached to it.
		await expect.poll(connections).toBe(2);
		bad.socket.send(frame);
		await expect.poll(connections).toBe(1);

		good.provider.setAwarenessField('user', { name: 'Still here' });
		const watcher = connect(shared);
		expect(await watcher.outcome).toEqual({ status: 'authenticated' });
		await expect
			.poll(() => watcher.provider.awareness?.getStates().get(good.doc.clientID))
			.toEqual({ user: { name: 'Still here' } });
	});
});
