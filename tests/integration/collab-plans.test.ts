import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { LARGE_FROM_BYTES } from '../../server/collab/large-documents.ts';
import { BYTES_SLICE } from '../../src/lib/server/db/bytes.ts';
import { tables } from '../../src/lib/server/db/index.ts';
import { publishLiveEvent } from '../../src/lib/server/live/events.ts';
import { editorsOf } from '../../src/lib/server/plans/presence.ts';
import { createVersion, restoreVersion } from '../../src/lib/server/plans/versions.ts';
import {
	addRow,
	readRows,
	removeRow,
	richText,
	setCell,
	SUMMARY_FIELD,
	updateRow,
	writeRichText
} from '../../src/lib/shared/plan-doc.ts';
import { openDocument, type OpenDocument } from '../support/collab.ts';
import { drivers } from '../support/db.ts';
import { createTestOrganisation, createTestUser, type TestUser } from '../support/factories.ts';
import { createTestPlan, setTestPersonAccess } from '../support/plans.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
	canonical,
	contents,
	converged,
	docOf,
	prng,
	savedCovers,
	savedMessages,
	storedState,
	testSeed,
	syncUpdateMessage,
	vector
} from '../support/yjs.ts';

// Stores are debounced and go through the database: on a loaded machine a store and its `saved`
// message can take a few seconds, more than expect.poll's default second.
vi.setConfig({ expect: { poll: { timeout: 15_000, interval: 50 } } });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A shared document with a summary paragraph and an action, as a template would start it; with
 * `more`, a second paragraph of that text.
 */
function seededState(more?: string): Uint8Array {
	const doc = new Y.Doc();
	doc.getMap('meta').set('schemaVersion', 1);
	writeRichText(doc, SUMMARY_FIELD, [
		{ type: 'paragraph', text: 'Start' },
		...(more ? [{ type: 'paragraph' as const, text: more }] : [])
	]);
	addRow(doc, 'actions', { id: 'a0', title: 'Kick-off', ownerId: '', due: '', status: 'todo' });
	return Y.encodeStateAsUpdate(doc);
}

/** The text node of the summary's first paragraph. */
function paragraphText(doc: Y.Doc): Y.XmlText | null {
	const paragraph = richText(doc, SUMMARY_FIELD).get(0);
	if (!(paragraph instanceof Y.XmlElement)) return null;
	const text = paragraph.get(0);
	return text instanceof Y.XmlText ? text : null;
}

describe.each(drivers())('plan documents on the collaboration server (%s)', (driver) => {
	let server: TestServer;
	let owner: TestUser;
	let partnerOrg: Awaited<ReturnType<typeof createTestOrganisation>>;
	const open: OpenDocument[] = [];
	const connect = (options: {
		name: string;
		user?: TestUser;
		doc?: Y.Doc;
		reconnect?: boolean;
	}) => {
		const document = openDocument({
			url: server.collabUrl,
			origin: server.origin,
			name: options.name,
			cookie: options.user?.cookie,
			doc: options.doc,
			reconnect: options.reconnect
		});
		open.push(document);
		return document;
	};
	const db = () => server.runtime.db;
	const plan = (options: Partial<Parameters<typeof createTestPlan>[1]> = {}) =>
		createTestPlan(db(), { ownerId: owner.user.id, state: seededState(), ...options });
	const stored = async (name: string) => {
		const state = await storedState(db(), name);
		if (!state) throw new Error(`no row for ${name}`);
		return state;
	};

	beforeAll(async () => {
		server = await startTestServer({
			driver,
			connectionsPerMinute: 100_000,
			collabOptions: {
				storeDebounceMs: 100,
				storeMaxDebounceMs: 400,
				presenceDebounceMs: 50,
				// Every document of this file stays open until afterAll, most with one person's
				// session: far more sockets than a person's tabs (collab-budget tests the cap).
				budget: { maxSocketsPerSession: 1000 }
			}
		});
		owner = await createTestUser(db(), { role: 'rep' });
		partnerOrg = await createTestOrganisation(db());
	});
	afterAll(async () => {
		for (const document of open) document.destroy();
		await server?.stop();
	});

	describe('who may open what', () => {
		it('refuses an expired session', async () => {
			const { shared } = await plan();
			const expired = await createTestUser(db(), { role: 'admin' });
			await db()
				.update(tables.sessions)
				.set({ expiresAt: new Date(Date.now() - 60_000) })
				.where(eq(tables.sessions.id, expired.session.id));
			const document = connect({ name: shared, user: expired });
			expect(await document.outcome).toEqual({ status: 'denied', reason: 'session-invalid' });
		});

		it('refuses a partner company the plan is not shared with', async () => {
			const alpha = await createTestOrganisation(db(), { name: 'Alpha' });
			const beta = await createTestOrganisation(db(), { name: 'Beta' });
			const { shared } = await plan({ sharedWithId: beta.id });
			for (const role of ['partner_admin', 'partner_member'] as const) {
				const alphaUser = await createTestUser(db(), { role, organisation: alpha });
				const document = connect({ name: shared, user: alphaUser });
				expect(await document.outcome).toEqual({
					status: 'denied',
					reason: 'document-forbidden'
				});
			}
			const betaUser = await createTestUser(db(), { role: 'partner_member', organisation: beta });
			expect(await connect({ name: shared, user: betaUser }).outcome).toEqual({
				status: 'authenticated'
			});
		});

		it('refuses host people outside the plan, and lets its owner in', async () => {
			const { shared, internal } = await plan();
			const outsider = await createTestUser(db(), { role: 'rep' });
			expect(await connect({ name: shared, user: outsider }).outcome).toEqual({
				status: 'denied',
				reason: 'document-forbidden'
			});
			expect(await connect({ name: internal, user: outsider }).outcome).toEqual({
				status: 'denied',
				reason: 'document-forbidden'
			});
			const mine = connect({ name: internal, user: owner });
			expect(await mine.outcome).toEqual({ status: 'authenticated' });
			expect(mine.readOnly()).toBe(false);
		});

		it('refuses internal notes to every partner person, the shared partner included', async () => {
			const { shared, internal } = await plan({ sharedWithId: partnerOrg.id, shareMode: 'editor' });
			const other = await createTestOrganisation(db());
			const people = [
				await createTestUser(db(), { role: 'partner_admin', organisation: partnerOrg }),
				await createTestUser(db(), { role: 'partner_member', organisation: partnerOrg }),
				await createTestUser(db(), { role: 'partner_admin', organisation: other })
			];
			for (const person of people) {
				expect(await connect({ name: internal, user: person }).outcome).toEqual({
					status: 'denied',
					reason: 'document-forbidden'
				});
			}
			// The shared document is theirs to edit.
			const editor = connect({ name: shared, user: people[1] });
			expect(await editor.outcome).toEqual({ status: 'authenticated' });
			expect(editor.readOnly()).toBe(false);
		});

		it('opens the plan read-only to a partner person narrowed to viewer, and drops their updates', async () => {
			const { shared } = await plan({ sharedWithId: partnerOrg.id, shareMode: 'editor' });
			const viewer = await createTestUser(db(), {
				role: 'partner_member',
				organisation: partnerOrg
			});
			await setTestPersonAccess(db(), (await planIdOf(shared)) ?? '', viewer.user.id, 'viewer');
			const before = await stored(shared);

			const host = connect({ name: shared, user: owner });
			const reader = connect({ name: shared, user: viewer });
			expect(await host.outcome).toEqual({ status: 'authenticated' });
			expect(await reader.outcome).toEqual({ status: 'authenticated' });
			expect(reader.readOnly()).toBe(true);
			await expect.poll(() => paragraphText(reader.doc)?.toString()).toBe('Start');

			// What a modified client would send anyway: text, a row, a deletion.
			paragraphText(reader.doc)?.insert(0, 'Hacked ');
			addRow(reader.doc, 'actions', { title: 'Sneaky', ownerId: '', due: '', status: 'todo' });
			removeRow(reader.doc, 'actions', 'a0');
			await sleep(600);

			const live = server.collab?.hocuspocus.documents.get(shared);
			expect(live && paragraphText(live)?.toString()).toBe('Start');
			expect(paragraphText(host.doc)?.toString()).toBe('Start');
			expect(readRows(host.doc, 'actions').map((a) => a.title)).toEqual(['Kick-off']);
			expect(Buffer.from(await stored(shared)).equals(Buffer.from(before))).toBe(true);
		});
	});

	describe('persistence and the saved message', () => {
		it('stores edits with their projections and tells every client what is saved', async () => {
			const { shared, id } = await plan();
			const a = connect({ name: shared, user: owner });
			const b = connect({ name: shared, user: owner });
			await a.outcome;
			await b.outcome;
			await expect.poll(() => paragraphText(a.doc)?.toString()).toBe('Start');
			await expect.poll(() => readRows(b.doc, 'actions').length).toBe(1);
			// A client that connects learns at once what is stored (here: the plan as created).
			await expect.poll(() => savedMessages(a).length).toBeGreaterThan(0);
			expect(savedCovers(a)).toBe(true);

			paragraphText(a.doc)?.insert(5, ' of the year');
			addRow(b.doc, 'actions', {
				id: 'a1',
				title: 'Call the CFO',
				ownerId: owner.user.id,
				due: '2026-12-01',
				status: 'in_progress'
			});
			addRow(b.doc, 'actions', {
				id: 'a2',
				title: 'Bad owner',
				ownerId: 'nobody',
				due: 'soon',
				status: 'todo'
			});
			expect(savedCovers(a)).toBe(false);
			await expect.poll(() => savedCovers(a) && savedCovers(b)).toBe(true);

			const row = docOf(await stored(shared));
			expect(contents(row)).toEqual(contents(a.doc));
			expect(vector(row)).toBe(vector(a.doc));

			// The projections follow the store (after the saved message).
			const mirrored = async () =>
				(
					await db()
						.select()
						.from(tables.planActions)
						.where(eq(tables.planActions.planId, id))
						.orderBy(tables.planActions.position)
				).map((x) => [x.actionId, x.title, x.ownerId, x.dueDate, x.status]);
			await expect.poll(mirrored).toEqual([
				['a0', 'Kick-off', null, null, 'todo'],
				['a1', 'Call the CFO', owner.user.id, '2026-12-01', 'in_progress'],
				['a2', 'Bad owner', null, null, 'todo']
			]);
			const summary = async () =>
				(
					await db()
						.select({ summary: tables.plans.summaryText })
						.from(tables.plans)
						.where(eq(tables.plans.id, id))
				)[0]?.summary;
			await expect.poll(summary).toContain('Start of the year');
			expect(await summary()).toContain('Call the CFO');
			const [found] = await db()
				.select({ id: tables.plans.id })
				.from(tables.plans)
				.where(
					sql`${tables.plans.search} @@ to_tsquery('simple', 'cfo') and ${tables.plans.id} = ${id}`
				);
			expect(found?.id).toBe(id);

			// A removed action leaves plan_actions; a deletion alone (no new insert) is stored too.
			removeRow(a.doc, 'actions', 'a2');
			await expect.poll(() => savedCovers(a)).toBe(true);
			paragraphText(a.doc)?.delete(0, 6);
			expect(savedCovers(a)).toBe(false);
			await expect.poll(() => savedCovers(a)).toBe(true);
			expect(paragraphText(docOf(await stored(shared)))?.toString()).toBe('of the year');
			await expect
				.poll(async () => (await mirrored()).map(([actionId]) => actionId))
				.toEqual(['a0', 'a1']);
		});

		it('stores and reloads a plan larger than a bytea slice, its texts computed in the worker', async () => {
			const { shared, id } = await plan();
			const a = connect({ name: shared, user: owner });
			await a.outcome;
			await expect.poll(() => paragraphText(a.doc)?.toString()).toBe('Start');
			// ~420 KB: four slices of 128 KiB each way, and above the worker's 64 KiB.
			const long = ' pipeline renewal Zéphyr'.repeat(17_500);
			paragraphText(a.doc)!.insert(5, long);
			addRow(a.doc, 'actions', {
				id: 'big',
				title: 'Quarterly Zanzibar review',
				ownerId: '',
				due: '',
				status: 'todo'
			});
			await expect.poll(() => savedCovers(a)).toBe(true);

			const state = await stored(shared);
			expect(state.byteLength).toBeGreaterThan(3 * BYTES_SLICE);
			expect(contents(docOf(state))).toEqual(contents(a.doc));
			const [row] = await db()
				.select({ byteSize: tables.planDocuments.byteSize })
				.from(tables.planDocuments)
				.where(eq(tables.planDocuments.name, shared));
			expect(row.byteSize).toBe(state.byteLength);
			// The search text came back from the worker: folded, searchable.
			const found = async () =>
				db()
					.select({ id: tables.plans.id })
					.from(tables.plans)
					.where(
						sql`${tables.plans.search} @@ to_tsquery('simple', 'zanzibar & zephyr') and ${tables.plans.id} = ${id}`
					);
			await expect.poll(async () => (await found()).length).toBe(1);

			// Reopened by a fresh client after the unload: read back in slices, whole.
			a.destroy();
			await expect.poll(() => server.collab?.hocuspocus.documents.has(shared)).toBe(false);
			const b = connect({ name: shared, user: owner });
			await b.outcome;
			await expect.poll(() => paragraphText(b.doc)?.length).toBe(5 + long.length);
			expect(contents(b.doc)).toEqual(contents(docOf(state)));
		});

		it('keeps a large plan in the worker: syncs, stores and reloads (in parts) come from its copy', async () => {
			const large = server.collab!.large;
			const { shared } = await plan();
			const a = connect({ name: shared, user: owner });
			await a.outcome;
			await expect.poll(() => paragraphText(a.doc)?.toString()).toBe('Start');
			const long = ' territoire Zéphyr'.repeat(6_000); // ~110 KB: over the 64 KiB threshold
			paragraphText(a.doc)!.insert(5, long);
			await expect.poll(() => savedCovers(a)).toBe(true);
			// That store encoded it here, and gave the worker its copy.
			await expect
				.poll(() => large.has(shared, server.collab!.hocuspocus.documents.get(shared)!))
				.toBe(true);
			const counts = { ...large.counts };

			// A second editor's first sync is answered by the copy.
			const b = connect({ name: shared, user: owner });
			await b.outcome;
			await expect.poll(() => paragraphText(b.doc)?.length).toBe(5 + long.length);
			expect(large.counts.encoded).toBeGreaterThan(counts.encoded);

			// Both edit at once; the next store is encoded by the copy, and holds both.
			const encoded = large.counts.encoded;
			paragraphText(a.doc)!.insert(0, 'A:');
			paragraphText(b.doc)!.insert(0, 'B:');
			addRow(b.doc, 'actions', {
				id: 'large',
				title: 'Large',
				ownerId: '',
				due: '',
				status: 'todo'
			});
			const same = () => JSON.stringify(contents(a.doc)) === JSON.stringify(contents(b.doc));
			await expect.poll(same).toBe(true);
			await expect.poll(() => savedCovers(a) && savedCovers(b)).toBe(true);
			expect(large.counts.encoded).toBeGreaterThan(encoded);
			expect(large.counts.fellBack).toBe(counts.fellBack);
			expect(contents(docOf(await stored(shared)))).toEqual(contents(a.doc));

			// Unloaded, then opened again: loaded in parts, whole.
			a.destroy();
			b.destroy();
			await expect.poll(() => server.collab?.hocuspocus.documents.has(shared)).toBe(false);
			const loaded = large.counts.loadedInParts;
			const c = connect({ name: shared, user: owner });
			await c.outcome;
			await expect.poll(() => contents(c.doc)).toEqual(contents(docOf(await stored(shared))));
			expect(large.counts.loadedInParts).toBe(loaded + 1);
			expect(
				paragraphText(c.doc)!.toString().startsWith('B:A:Start') ||
					paragraphText(c.doc)!.toString().startsWith('A:B:Start')
			).toBe(true);
		});

		it('does not write a document nobody changed', async () => {
			const { shared } = await plan();
			const [before] = await db()
				.select({ at: tables.planDocuments.updatedAt })
				.from(tables.planDocuments)
				.where(eq(tables.planDocuments.name, shared));
			const a = connect({ name: shared, user: owner });
			await a.outcome;
			await expect.poll(() => paragraphText(a.doc)?.toString()).toBe('Start');
			// Re-setting the same values writes nothing either (plan-doc.ts skips them).
			updateRow(a.doc, 'actions', 'a0', { title: 'Kick-off' });
			a.destroy();
			await expect.poll(() => server.collab?.hocuspocus.documents.has(shared)).toBe(false);
			const [after] = await db()
				.select({ at: tables.planDocuments.updatedAt })
				.from(tables.planDocuments)
				.where(eq(tables.planDocuments.name, shared));
			expect(after.at.getTime()).toBe(before.at.getTime());
		});

		it('sends no saved message while the database refuses to store, and stores once it accepts', async () => {
			const { shared } = await plan();
			const a = connect({ name: shared, user: owner });
			await a.outcome;
			await expect.poll(() => savedCovers(a)).toBe(true);
			const trigger = `refuse_${shared.replace(/[^0-9a-f]/g, '')}`;
			// A real failure: the database itself rejects writes to this document's row.
			await db().execute(
				sql.raw(`create or replace function ${trigger}() returns trigger language plpgsql as $$
					begin raise exception 'writes refused by the test'; end $$`)
			);
			await db().execute(
				sql.raw(`create trigger ${trigger} before update on plan_documents for each row
					when (new.name = '${shared}') execute function ${trigger}()`)
			);
			const count = savedMessages(a).length;
			paragraphText(a.doc)?.insert(0, 'Unsaved ');
			await sleep(1500);
			expect(savedMessages(a).length).toBe(count);
			expect(savedCovers(a)).toBe(false);
			expect(paragraphText(docOf(await stored(shared)))?.toString()).toBe('Start');

			await db().execute(sql.raw(`drop trigger ${trigger} on plan_documents`));
			// The failed store is retried on its own, without any new edit.
			await expect.poll(() => savedCovers(a), { timeout: 10_000 }).toBe(true);
			expect(paragraphText(docOf(await stored(shared)))?.toString()).toBe('Unsaved Start');
		});

		it('merges what another writer stored instead of overwriting it', async () => {
			const { shared } = await plan();
			const a = connect({ name: shared, user: owner });
			await a.outcome;
			await expect.poll(() => savedCovers(a)).toBe(true);
			// Another process stored an edit this one never received.
			const elsewhere = docOf(await stored(shared));
			addRow(elsewhere, 'goals', {
				id: 'g1',
				title: 'Grow 20%',
				metric: 'revenue',
				target: '1.2M',
				current: '1M',
				due: ''
			});
			const state = Y.encodeStateAsUpdate(elsewhere);
			await db()
				.update(tables.planDocuments)
				.set({ state, stateVector: Y.encodeStateVector(elsewhere), byteSize: state.byteLength })
				.where(eq(tables.planDocuments.name, shared));

			paragraphText(a.doc)?.insert(0, 'Mine ');
			await expect.poll(() => readRows(a.doc, 'goals').map((g) => g.title)).toEqual(['Grow 20%']);
			await expect.poll(() => savedCovers(a)).toBe(true);
			const row = docOf(await stored(shared));
			expect(readRows(row, 'goals').map((g) => g.title)).toEqual(['Grow 20%']);
			expect(paragraphText(row)?.toString()).toBe('Mine Start');
		});
	});

	it.each([
		['a plan', () => seededState()],
		// Over the large-documents threshold: loaded in parts, synced and stored from the worker's copy.
		['a large plan', () => seededState(' relation partenaire'.repeat(5_000))]
	])(
		'converges five clients editing %s at random with disconnections, and stores what they hold',
		async (_, state) => {
			const large = server.collab!.large;
			const before = { ...large.counts };
			const { shared } = await plan({ state: state() });
			const random = prng(testSeed('five clients at random', 20261127));
			const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
			const clients = Array.from({ length: 5 }, () =>
				connect({ name: shared, user: owner, reconnect: true })
			);
			for (const client of clients)
				expect(await client.outcome).toEqual({ status: 'authenticated' });
			await expect.poll(() => clients.every((c) => paragraphText(c.doc) !== null)).toBe(true);
			const online = clients.map(() => true);
			const products = ['p1', 'p2', 'p3'];
			const units = ['u1', 'u2'];

			for (let step = 0; step < 300; step += 1) {
				const i = Math.floor(random() * clients.length);
				const doc = clients[i].doc;
				const text = paragraphText(doc);
				const roll = random();
				if (roll < 0.3 && text) {
					const at = Math.floor(random() * (text.length + 1));
					text.insert(at, pick(['a', 'bc', ' déf', 'Ω', '\n']));
				} else if (roll < 0.45 && text && text.length > 0) {
					const at = Math.floor(random() * text.length);
					text.delete(at, Math.min(1 + Math.floor(random() * 3), text.length - at));
				} else if (roll < 0.55) {
					addRow(doc, 'actions', {
						title: `Action ${step}`,
						ownerId: '',
						due: '',
						status: 'todo'
					});
				} else if (roll < 0.65) {
					const actions = readRows(doc, 'actions');
					if (actions.length > 0) {
						updateRow(doc, 'actions', pick(actions).id, {
							title: `Renamed ${step}`,
							status: pick(['todo', 'in_progress', 'done'] as const)
						});
					}
				} else if (roll < 0.72) {
					const actions = readRows(doc, 'actions');
					if (actions.length > 1) removeRow(doc, 'actions', pick(actions).id);
				} else if (roll < 0.85) {
					setCell(
						doc,
						pick(products),
						pick(units),
						pick(['none', 'opportunity', 'owned'] as const)
					);
				} else if (roll < 0.93) {
					// Go offline or come back; edits made offline are kept and sent on reconnect.
					if (online[i]) {
						clients[i].socket.disconnect();
						online[i] = false;
					} else if (clients[i].socket.status === 'disconnected') {
						void clients[i].socket.connect();
						online[i] = true;
					}
				}
				if (step % 10 === 0) await sleep(5);
			}
			for (let i = 0; i < clients.length; i += 1) {
				if (online[i]) continue;
				await expect.poll(() => clients[i].socket.status).toBe('disconnected');
				void clients[i].socket.connect();
			}

			await expect.poll(() => converged(clients.map((c) => c.doc)), { timeout: 20_000 }).toBe(true);
			await expect.poll(() => clients.every(savedCovers), { timeout: 10_000 }).toBe(true);
			const row = docOf(await stored(shared));
			expect(vector(row)).toBe(vector(clients[0].doc));
			expect(contents(row)).toEqual(contents(clients[0].doc));
			// Same insertions and same deletions.
			expect(Y.equalSnapshots(Y.snapshot(row), Y.snapshot(clients[0].doc))).toBe(true);
			if (state().byteLength >= LARGE_FROM_BYTES) {
				expect(large.counts.loadedInParts).toBeGreaterThan(before.loadedInParts);
				expect(large.counts.encoded).toBeGreaterThan(before.encoded);
				expect(large.counts.fellBack).toBe(before.fellBack);
			}
		},
		90_000
	);

	describe('access changes and restores', () => {
		it('closes a partner connection with 4403 when the plan is no longer shared with them', async () => {
			const { shared, id } = await plan({ sharedWithId: partnerOrg.id, shareMode: 'editor' });
			const partner = await createTestUser(db(), {
				role: 'partner_member',
				organisation: partnerOrg
			});
			const host = connect({ name: shared, user: owner });
			const guest = connect({ name: shared, user: partner });
			expect(await host.outcome).toEqual({ status: 'authenticated' });
			expect(await guest.outcome).toEqual({ status: 'authenticated' });

			await db().transaction(async (tx) => {
				await tx
					.update(tables.plans)
					.set({ sharedWithId: null, shareMode: null })
					.where(eq(tables.plans.id, id));
				await publishLiveEvent(tx, {
					type: 'plan.access.changed',
					audience: { organisation: null },
					data: { planId: id }
				});
			});
			await expect.poll(() => guest.closeCodes).toContain(4403);
			expect(host.closeCodes).toEqual([]);
			expect(await connect({ name: shared, user: partner }).outcome).toEqual({
				status: 'denied',
				reason: 'document-forbidden'
			});
		});

		it('reopens a partner made viewer read-only', async () => {
			const { shared, id } = await plan({ sharedWithId: partnerOrg.id, shareMode: 'editor' });
			const partner = await createTestUser(db(), {
				role: 'partner_member',
				organisation: partnerOrg
			});
			const guest = connect({ name: shared, user: partner });
			await guest.outcome;
			expect(guest.readOnly()).toBe(false);
			await db().update(tables.plans).set({ shareMode: 'viewer' }).where(eq(tables.plans.id, id));
			await publishLiveEvent(db(), {
				type: 'plan.access.changed',
				audience: { organisation: null },
				data: { planId: id }
			});
			await expect.poll(() => guest.closeCodes).toContain(4403);
			const again = connect({ name: shared, user: partner });
			expect(await again.outcome).toEqual({ status: 'authenticated' });
			expect(again.readOnly()).toBe(true);
		});

		it('applies a restored version to the live document on every client', async () => {
			const { shared, id } = await plan();
			const a = connect({ name: shared, user: owner });
			const b = connect({ name: shared, user: owner });
			await a.outcome;
			await b.outcome;
			await expect.poll(() => paragraphText(b.doc)?.toString()).toBe('Start');
			paragraphText(a.doc)?.insert(5, ', version one');
			addRow(a.doc, 'goals', {
				id: 'g1',
				title: 'One',
				metric: '',
				target: '',
				current: '',
				due: ''
			});
			await expect.poll(() => savedCovers(a) && savedCovers(b)).toBe(true);
			const version = await createVersion(db(), {
				planId: id,
				document: 'shared',
				kind: 'named',
				name: 'One',
				state: await stored(shared),
				authorIds: [owner.user.id]
			});
			const versionContent = contents(docOf(await stored(shared)));

			paragraphText(b.doc)?.insert(0, 'Later: ');
			removeRow(b.doc, 'goals', 'g1');
			addRow(b.doc, 'actions', { title: 'Later', ownerId: '', due: '', status: 'todo' });
			setCell(b.doc, 'p1', 'u1', 'owned');
			await expect.poll(() => savedCovers(a) && savedCovers(b)).toBe(true);
			expect(contents(a.doc)).not.toEqual(versionContent);

			await restoreVersion(db(), {
				planId: id,
				document: 'shared',
				versionId: version.id,
				restoredById: owner.user.id,
				safetyName: 'Before restoring',
				sharedWithId: null
			});
			await expect.poll(() => contents(a.doc)).toEqual(versionContent);
			await expect.poll(() => contents(b.doc)).toEqual(versionContent);
			await expect.poll(() => savedCovers(a)).toBe(true);
			expect(contents(docOf(await stored(shared)))).toEqual(versionContent);
		});
	});

	describe('bad input', () => {
		it('closes only the socket that sends more than 10 MB', async () => {
			const { shared } = await plan();
			const good = connect({ name: shared, user: owner });
			const bad = connect({ name: shared, user: owner });
			await good.outcome;
			await bad.outcome;
			bad.socket.webSocket?.send(
				syncUpdateMessage(shared, new Uint8Array(10 * 1024 * 1024 + 1)) as Uint8Array<ArrayBuffer>
			);
			await expect.poll(() => bad.closeCodes, { timeout: 20_000 }).toContain(1009);
			// `outcome` is the authentication: the content may still be on its way.
			await expect.poll(() => paragraphText(good.doc)?.toString()).toBe('Start');
			paragraphText(good.doc)!.insert(0, 'Still ');
			await expect.poll(() => savedCovers(good)).toBe(true);
			expect(good.closeCodes).toEqual([]);
			expect(paragraphText(docOf(await stored(shared)))?.toString()).toBe('Still Start');
		}, 90_000);

		it('drops a connection that sends a malformed update; the document and the others carry on', async () => {
			const { shared } = await plan();
			const good = connect({ name: shared, user: owner });
			const other = connect({ name: shared, user: owner });
			const bad = connect({ name: shared, user: owner });
			for (const client of [good, other, bad]) await client.outcome;
			await expect.poll(() => paragraphText(bad.doc)?.toString()).toBe('Start');
			const live = server.collab?.hocuspocus.documents.get(shared);
			const before = live ? Y.encodeStateAsUpdate(live) : null;

			for (const garbage of [
				new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]),
				new Uint8Array([1, 1, 0xde, 0xad, 0xbe, 0xef]),
				new Uint8Array([])
			]) {
				bad.socket.webSocket?.send(syncUpdateMessage(shared, garbage) as Uint8Array<ArrayBuffer>);
			}
			await expect.poll(() => bad.closeCodes).toContain(1007);
			expect(good.closeCodes).toEqual([]);
			expect(other.closeCodes).toEqual([]);
			// Nothing of it reached the document.
			expect(live && Buffer.from(Y.encodeStateAsUpdate(live)).equals(Buffer.from(before!))).toBe(
				true
			);
			paragraphText(good.doc)?.insert(0, 'Good ');
			addRow(other.doc, 'actions', { title: 'Other', ownerId: '', due: '', status: 'todo' });
			await expect.poll(() => vector(good.doc) === vector(other.doc)).toBe(true);
			await expect
				.poll(() => canonical(contents(good.doc)) === canonical(contents(other.doc)))
				.toBe(true);
			expect(paragraphText(other.doc)?.toString()).toBe('Good Start');
			await expect.poll(() => savedCovers(good)).toBe(true);
			expect(contents(docOf(await stored(shared)))).toEqual(contents(good.doc));
		});
	});

	it('tells the plans list who is on a plan right now', async () => {
		const { shared, id } = await plan();
		const colleague = await createTestUser(db(), { role: 'admin', name: 'Ada Admin' });
		const a = connect({ name: shared, user: owner });
		const b = connect({ name: shared, user: colleague });
		await a.outcome;
		await b.outcome;
		await expect
			.poll(() =>
				editorsOf([id])
					.get(id)
					?.map((u) => u.id)
					.sort()
			)
			.toEqual([owner.user.id, colleague.user.id].sort());
		b.destroy();
		await expect
			.poll(() =>
				editorsOf([id])
					.get(id)
					?.map((u) => u.id)
			)
			.toEqual([owner.user.id]);
		a.destroy();
		await expect.poll(() => editorsOf([id]).has(id)).toBe(false);
	});

	async function planIdOf(name: string): Promise<string | null> {
		const [row] = await db()
			.select({ planId: tables.planDocuments.planId })
			.from(tables.planDocuments)
			.where(eq(tables.planDocuments.name, name));
		return row?.planId ?? null;
	}
});
