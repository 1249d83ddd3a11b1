import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type Database } from '../../src/lib/server/db/index.ts';
import { richText, SUMMARY_FIELD } from '../../src/lib/shared/plan-doc.ts';
import { openDocument, type OpenDocument } from '../support/collab.ts';
import { drivers } from '../support/db.ts';
import { createTestUser, type TestUser } from '../support/factories.ts';
import { createTestPlan, seededPlanState as seeded, summaryText } from '../support/plans.ts';
import { childDatabase, spawnRelais, type RelaisProcess } from '../support/process.ts';
import { docOf, savedCovers, storedState } from '../support/yjs.ts';

// `npm run collab` (server/collab.ts): the collaboration server alone, as a real child process,
// the way it runs for scale-out. It answers /healthz and /collab only, authenticates sockets with
// the app's session cookie, syncs and stores plan documents, and stops cleanly on SIGTERM.

describe.each(drivers())('the collaboration server alone on %s', { timeout: 120_000 }, (driver) => {
	let relais: RelaisProcess;
	let url: string;
	let user: TestUser;
	let name: string;
	/** Opens the database the process uses (PGlite: only once the process has stopped). */
	let reopen: () => Promise<Database>;
	const documents: OpenDocument[] = [];
	const cleanups: (() => Promise<void> | void)[] = [];

	const connect = (cookie?: string) => {
		const document = openDocument({
			url: `${url.replace(/^http/, 'ws')}/collab`,
			origin: url,
			name,
			cookie
		});
		documents.push(document);
		return document;
	};

	beforeAll(async () => {
		const child = await childDatabase(driver);
		cleanups.push(child.remove);
		const { env } = child;
		reopen = child.open;
		// The user, their session and the plan exist before the process opens the database.
		const database = await reopen();
		try {
			user = await createTestUser(database.db, { role: 'rep' });
			name = (await createTestPlan(database.db, { ownerId: user.user.id, state: seeded() })).shared;
		} finally {
			await database.close();
		}
		relais = spawnRelais({ script: 'server/collab.ts', env: { ...env, LOG_LEVEL: 'error' } });
		url = await relais.listening;
	});

	afterAll(async () => {
		for (const document of documents) document.destroy();
		relais?.kill();
		await relais?.exited;
		for (const cleanup of cleanups) await cleanup();
	});

	it('says it is the collaboration server, and answers /healthz', async () => {
		expect(relais.stdout()).toContain(`Relais collaboration server is listening on ${url}`);
		const response = await fetch(`${url}/healthz`);
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
	});

	it('serves no app page: / and /login are 404', async () => {
		for (const path of ['/', '/login']) {
			const response = await fetch(`${url}${path}`);
			expect(response.status, path).toBe(404);
			expect(await response.text()).toBe('Not Found');
		}
	});

	it('refuses a socket without a session cookie', async () => {
		const document = connect();
		expect(await document.outcome).toEqual({ status: 'denied', reason: 'session-required' });
		expect(summaryText(document.doc)).toBe('');
	});

	it('syncs a plan document between two signed-in clients and says when it is saved', async () => {
		const a = connect(user.cookie);
		const b = connect(user.cookie);
		expect(await a.outcome).toEqual({ status: 'authenticated' });
		expect(await b.outcome).toEqual({ status: 'authenticated' });
		// The stored content arrives, then one client's edit reaches the other.
		await expect.poll(() => summaryText(a.doc)).toBe('Plan');
		const paragraph = richText(a.doc, SUMMARY_FIELD).get(0) as Y.XmlElement;
		(paragraph.get(0) as Y.XmlText).insert(4, ' from the collaboration server');
		await expect.poll(() => summaryText(b.doc)).toBe('Plan from the collaboration server');
		await expect.poll(() => savedCovers(a), { timeout: 15_000 }).toBe(true);
	});

	it('stops on SIGTERM with code 0, the edits stored', async () => {
		relais.child.kill('SIGTERM');
		expect(await relais.exited).toEqual({ code: 0, signal: null });
		const database = await reopen();
		try {
			const state = await storedState(database.db, name);
			expect(summaryText(docOf(state!))).toBe('Plan from the collaboration server');
		} finally {
			await database.close();
		}
	});
});
