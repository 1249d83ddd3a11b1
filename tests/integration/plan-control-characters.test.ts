import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { tables } from '../../src/lib/server/db/index.ts';
import { hasForbiddenCharacters } from '../../src/lib/shared/text-input.ts';
import { addRow, richText, SUMMARY_FIELD, updateRow } from '../../src/lib/shared/plan-doc.ts';
import { openDocument, type OpenDocument } from '../support/collab.ts';
import { drivers } from '../support/db.ts';
import { createTestUser, type TestUser } from '../support/factories.ts';
import { createTestPlan, seededPlanState } from '../support/plans.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { savedCovers } from '../support/yjs.ts';

// Any client may write any character into a plan document: a NUL (or another control character,
// or half a surrogate pair) typed or pasted into the summary or an action must not stop the
// collaboration server from storing the plan's projections — PostgreSQL refuses NUL in text, and
// before the projections stripped it every later store failed to update the search text.

vi.setConfig({ expect: { poll: { timeout: 15_000, interval: 50 } } });

describe.each(drivers())('control characters in a plan document (%s)', (driver) => {
	let server: TestServer;
	let owner: TestUser;
	const open: OpenDocument[] = [];
	const db = () => server.runtime.db;

	beforeAll(async () => {
		server = await startTestServer({
			driver,
			connectionsPerMinute: 100_000,
			collabOptions: { storeDebounceMs: 100, storeMaxDebounceMs: 400 }
		});
		owner = await createTestUser(db(), { role: 'rep' });
	});
	afterAll(async () => {
		for (const document of open) document.destroy();
		await server?.stop();
	});

	it('stores the search text and actions of a plan holding a NUL, and keeps updating them', async () => {
		const plan = await createTestPlan(db(), { ownerId: owner.user.id, state: seededPlanState() });
		const client = openDocument({
			url: server.collabUrl,
			origin: server.origin,
			name: `plan.${plan.id}`,
			cookie: owner.cookie
		});
		open.push(client);
		expect(await client.outcome).toEqual({ status: 'authenticated' });

		const summary = () => {
			const paragraph = new Y.XmlElement('paragraph');
			paragraph.insert(0, [new Y.XmlText('Nul\u0000 here \u0001and half a pair \ud800 Quokka')]);
			return paragraph;
		};
		client.doc.transact(() => richText(client.doc, SUMMARY_FIELD).push([summary()]));
		addRow(client.doc, 'actions', {
			id: 'nul\u0000id',
			title: 'Call\u0000 the \u001bCFO',
			ownerId: '',
			due: '',
			status: 'todo'
		});
		await expect.poll(() => savedCovers(client)).toBe(true);

		const projections = async () => {
			const [row] = await db()
				.select({ summary: tables.plans.summaryText })
				.from(tables.plans)
				.where(eq(tables.plans.id, plan.id));
			const actions = await db()
				.select({ id: tables.planActions.actionId, title: tables.planActions.title })
				.from(tables.planActions)
				.where(eq(tables.planActions.planId, plan.id));
			return { summary: row?.summary ?? '', actions };
		};
		const found = async (word: string) =>
			(
				await db()
					.select({ id: tables.plans.id })
					.from(tables.plans)
					.where(
						sql`${tables.plans.search} @@ to_tsquery('simple', ${word}) and ${tables.plans.id} = ${plan.id}`
					)
			).length;

		// Stored without the characters PostgreSQL refuses; the rest of the text kept (Yjs carries
		// text as UTF-8: half a pair arrives as U+FFFD).
		await expect.poll(async () => (await projections()).summary).toContain('Quokka');
		const first = await projections();
		expect(first.summary).toContain('Nul here and half a pair \uFFFD Quokka');
		expect(hasForbiddenCharacters(first.summary)).toBe(false);
		expect(first.actions).toContainEqual({ id: 'nulid', title: 'Call the CFO' });
		expect(await found('quokka')).toBe(1);

		// A later edit is stored and searchable too: the NUL still in the document stops nothing.
		updateRow(client.doc, 'actions', 'nul\u0000id', { title: 'Meet\u0000 Wombat' });
		await expect.poll(() => savedCovers(client)).toBe(true);
		await expect.poll(() => found('wombat')).toBe(1);
		expect((await projections()).actions).toContainEqual({ id: 'nulid', title: 'Meet Wombat' });
		// The document itself keeps what the client wrote: only the projections are cleaned.
		const [stored] = await db()
			.select({ bytes: tables.planDocuments.byteSize })
			.from(tables.planDocuments)
			.where(eq(tables.planDocuments.name, `plan.${plan.id}`));
		expect(stored.bytes).toBeGreaterThan(0);
	});
});
