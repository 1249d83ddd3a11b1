import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { editorsOf } from '../../src/lib/server/plans/presence.ts';
import {
	addRow,
	readRows,
	richText,
	setCell,
	SUMMARY_FIELD,
	writeRichText
} from '../../src/lib/shared/plan-doc.ts';
import { openDocument, type OpenDocument } from '../support/collab.ts';
import { createTestUser } from '../support/factories.ts';
import { createTestPlan } from '../support/plans.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
	contents,
	converged,
	docOf,
	prng,
	savedCovers,
	storedState,
	testSeed,
	vector
} from '../support/yjs.ts';

// Stores are debounced and go through the database: on a loaded machine a store and its `saved`
// message can take a few seconds, more than expect.poll's default second.
vi.setConfig({ expect: { poll: { timeout: 15_000, interval: 50 } } });

// Several collaboration processes share documents through Redis (REDIS_URL, set by .ci/run). Two
// servers here, on one database: clients on either converge, the stored state is theirs, and
// `saved` reaches the clients of the process that did not store.
describe.skipIf(!process.env.REDIS_URL)('collaboration processes sharing Redis', () => {
	it(
		'converges clients on two processes and stores what they hold',
		{ timeout: 90_000 },
		async () => {
			const redisUrl = process.env.REDIS_URL;
			const options = {
				config: { redisUrl },
				connectionsPerMinute: 10_000,
				collabOptions: { storeDebounceMs: 100, storeMaxDebounceMs: 400, presenceDebounceMs: 50 }
			};
			const one: TestServer = await startTestServer(options);
			// The second process uses the same database; the first one drops it at the end.
			const two: TestServer = await startTestServer({
				...options,
				database: { ...one.database, close: async () => {}, drop: async () => {} }
			});
			const documents: OpenDocument[] = [];
			try {
				const alice = await createTestUser(one.runtime.db, { role: 'rep', name: 'Alice' });
				const bruno = await createTestUser(one.runtime.db, { role: 'admin', name: 'Bruno' });
				const seed = new Y.Doc();
				writeRichText(seed, SUMMARY_FIELD, [{ type: 'paragraph', text: 'Lyon' }]);
				const plan = await createTestPlan(one.runtime.db, {
					ownerId: alice.user.id,
					state: Y.encodeStateAsUpdate(seed)
				});
				const on = (server: TestServer, cookie: string) => {
					const document = openDocument({
						url: server.collabUrl,
						origin: server.origin,
						name: plan.shared,
						cookie
					});
					documents.push(document);
					return document;
				};
				const clients = [
					on(one, alice.cookie),
					on(two, bruno.cookie),
					on(one, bruno.cookie),
					on(two, alice.cookie)
				];
				for (const client of clients) {
					expect(await client.outcome).toEqual({ status: 'authenticated' });
				}
				const text = (doc: Y.Doc) =>
					(richText(doc, SUMMARY_FIELD).get(0) as Y.XmlElement | undefined)?.get(0) as
						Y.XmlText | undefined;
				await expect
					.poll(() => clients.every((c) => text(c.doc)?.toString() === 'Lyon'))
					.toBe(true);

				// Who is on the plan: the union of both processes.
				await expect
					.poll(() =>
						editorsOf([plan.id])
							.get(plan.id)
							?.map((u) => u.name)
					)
					.toEqual(['Alice', 'Bruno']);

				const random = prng(testSeed('two processes at random', 4242));
				for (let step = 0; step < 120; step += 1) {
					const doc = clients[Math.floor(random() * clients.length)].doc;
					const roll = random();
					const node = text(doc);
					if (roll < 0.5 && node) node.insert(Math.floor(random() * (node.length + 1)), 'x');
					else if (roll < 0.65 && node && node.length > 1) node.delete(0, 1);
					else if (roll < 0.85)
						addRow(doc, 'actions', { title: `A${step}`, ownerId: '', due: '', status: 'todo' });
					else setCell(doc, `p${step % 3}`, 'u1', 'owned');
					if (step % 8 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
				}

				await expect
					.poll(() => converged(clients.map((c) => c.doc)), { timeout: 20_000 })
					.toBe(true);
				// Every client, on either process, learns that everything it holds is stored.
				await expect.poll(() => clients.every(savedCovers), { timeout: 15_000 }).toBe(true);
				const row = docOf((await storedState(one.runtime.db, plan.shared))!);
				expect(vector(row)).toBe(vector(clients[0].doc));
				expect(contents(row)).toEqual(contents(clients[0].doc));
				expect(readRows(row, 'actions').length).toBeGreaterThan(0);
			} finally {
				for (const document of documents) document.destroy();
				await two.stop();
				await one.stop();
			}
		}
	);
});
