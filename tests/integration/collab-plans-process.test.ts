import { PGlite } from '@electric-sql/pglite';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createDb, type Database } from '../../src/lib/server/db/index.ts';
import { richText, SUMMARY_FIELD } from '../../src/lib/shared/plan-doc.ts';
import { openDocument, type OpenDocument } from '../support/collab.ts';
import { drivers, freshDatabase, type Driver } from '../support/db.ts';
import { createTestUser, type TestUser } from '../support/factories.ts';
import { createTestPlan, seededPlanState as seeded, summaryText } from '../support/plans.ts';
import { migratedDataDir, spawnRelais, type RelaisProcess } from '../support/process.ts';
import { docOf, savedCovers, storedState } from '../support/yjs.ts';

// Durability, with the real entry (server/index.ts) as a child process: what a client was told is
// saved survives kill -9; what it was not told stays on the client and reaches the database when
// it reconnects; SIGTERM stores everything before the process exits.

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

describe.each(drivers())('the collaboration process on %s', { timeout: 120_000 }, (driver) => {
	const processes: RelaisProcess[] = [];
	const documents: OpenDocument[] = [];
	const cleanups: (() => Promise<void> | void)[] = [];
	afterEach(async () => {
		for (const document of documents.splice(0)) document.destroy();
		for (const relais of processes.splice(0)) relais.kill();
		for (const cleanup of cleanups.splice(0)) await cleanup();
	});

	/** A database the child processes use, with a user and a plan prepared before they start. */
	async function prepare(kind: Driver) {
		let env: Record<string, string | undefined>;
		let reopen: () => Promise<Database>;
		if (kind === 'postgres') {
			const database = await freshDatabase('postgres');
			cleanups.push(() => database.drop());
			env = { DATABASE_URL: database.url };
			reopen = async () => ({ ...database, close: async () => {} });
		} else {
			const data = await migratedDataDir();
			cleanups.push(data.remove);
			env = { DATABASE_URL: undefined, RELAIS_DATA_DIR: data.dir };
			// PGlite is single-process: open it only while no server runs on it.
			reopen = async () => createDb({ pglite: await PGlite.create(join(data.dir, 'pglite')) });
		}
		const database = await reopen();
		let user: TestUser;
		let name: string;
		try {
			user = await createTestUser(database.db, { role: 'rep' });
			name = (await createTestPlan(database.db, { ownerId: user.user.id, state: seeded() })).shared;
		} finally {
			await database.close();
		}
		return { env, reopen, user, name };
	}

	it('keeps every saved edit through kill -9, and every unsaved one reaches the database after reconnecting', async () => {
		const { env, reopen, user, name } = await prepare(driver);
		const port = await freePort();
		const start = () => {
			const relais = spawnRelais({ env: { ...env, PORT: String(port), LOG_LEVEL: 'error' } });
			processes.push(relais);
			return relais;
		};
		const connect = (url: string, doc?: Y.Doc) => {
			const document = openDocument({
				url: `${url.replace(/^http/, 'ws')}/collab`,
				origin: url,
				name,
				cookie: user.cookie,
				doc,
				reconnect: true
			});
			documents.push(document);
			return document;
		};
		const paragraph = (doc: Y.Doc) => {
			const node = richText(doc, SUMMARY_FIELD).get(0) as Y.XmlElement;
			return node.get(0) as Y.XmlText;
		};

		// 1. Edit, and wait until the server says it is saved.
		let relais = start();
		const url = await relais.listening;
		const client = connect(url);
		expect(await client.outcome).toEqual({ status: 'authenticated' });
		await expect.poll(() => summaryText(client.doc)).toBe('Plan');
		paragraph(client.doc).insert(4, ' saved');
		await expect.poll(() => savedCovers(client), { timeout: 15_000 }).toBe(true);

		// 2. More edits, and kill -9 before the debounced store (about 2 s) can run.
		paragraph(client.doc).insert(0, 'Unsaved ');
		expect(savedCovers(client)).toBe(false);
		relais.kill('SIGKILL');
		await relais.exited;
		client.socket.disconnect();

		// 3. Restart: a fresh client sees exactly what the database holds — the saved edit.
		relais = start();
		expect(await relais.listening).toBe(url);
		const fresh = connect(url);
		expect(await fresh.outcome).toEqual({ status: 'authenticated' });
		await expect.poll(() => summaryText(fresh.doc)).toBe('Plan saved');
		fresh.destroy();

		// 4. The first client, which kept its copy, reconnects: its unsaved edit is stored.
		void client.socket.connect();
		await expect.poll(() => savedCovers(client), { timeout: 15_000 }).toBe(true);
		expect(summaryText(client.doc)).toBe('Unsaved Plan saved');

		// 5. One more edit and SIGTERM at once: the shutdown stores it before the process exits.
		paragraph(client.doc).insert(0, 'Last. ');
		await new Promise((resolve) => setTimeout(resolve, 100));
		relais.child.kill('SIGTERM');
		expect(await relais.exited).toEqual({ code: 0, signal: null });

		const database = await reopen();
		try {
			const state = await storedState(database.db, name);
			expect(state).not.toBeNull();
			const stored = docOf(state!);
			expect(summaryText(stored)).toBe('Last. Unsaved Plan saved');
			expect(Y.snapshotContainsUpdate(Y.snapshot(stored), Y.encodeStateAsUpdate(client.doc))).toBe(
				true
			);
		} finally {
			await database.close();
		}
	});
});
