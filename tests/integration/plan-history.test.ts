import { getSchema } from '@tiptap/core';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table';
import StarterKit from '@tiptap/starter-kit';
import {
	absolutePositionToRelativePosition,
	initProseMirrorDoc,
	relativePositionToAbsolutePosition
} from '@tiptap/y-tiptap';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { tables } from '../../src/lib/server/db/index.ts';
import { startLiveBus, type LiveBus, type LiveEvent } from '../../src/lib/server/live/index.ts';
import {
	createThread,
	listThreads,
	replyToThread,
	setThreadResolved
} from '../../src/lib/server/plans/comments.ts';
import { resolvePlanAccess } from '../../src/lib/server/plans/access.ts';
import {
	AUTO_VERSION_INTERVAL_MS,
	createVersion,
	listVersions,
	maybeAutoVersion,
	restoreUpdate,
	restoreVersion
} from '../../src/lib/server/plans/versions.ts';
import { docFromState, versionText } from '../../src/lib/server/plans/texts.ts';
import { planDocumentName } from '../../src/lib/shared/collab.ts';
import {
	addRow,
	readRows,
	richText,
	SUMMARY_FIELD,
	writeRichText,
	fragmentText
} from '../../src/lib/shared/plan-doc.ts';
import { mentionToken } from '../../src/lib/shared/tokens.ts';
import * as commentsRoute from '../../src/routes/api/plans/[id=id]/comments/+server.ts';
import * as commentRoute from '../../src/routes/api/plans/[id=id]/comments/[commentId=id]/+server.ts';
import * as repliesRoute from '../../src/routes/api/plans/[id=id]/comments/[commentId=id]/replies/+server.ts';
import * as versionsRoute from '../../src/routes/api/plans/[id=id]/versions/+server.ts';
import * as versionRoute from '../../src/routes/api/plans/[id=id]/versions/[versionId=id]/+server.ts';
import * as restoreRoute from '../../src/routes/api/plans/[id=id]/versions/[versionId=id]/restore/+server.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import {
	createTestOrganisation,
	createTestUser,
	type TestOrganisation,
	type TestUser
} from '../support/factories.ts';

const log = pino({ level: 'silent' });
const ORIGIN = 'http://relais.test';
const schema = getSchema([
	StarterKit.configure({ undoRedo: false }),
	TaskList,
	TaskItem.configure({ nested: true }),
	Table,
	TableRow,
	TableHeader,
	TableCell
]);

function sharedDoc(summary: string): Y.Doc {
	const doc = new Y.Doc();
	writeRichText(doc, SUMMARY_FIELD, [{ type: 'paragraph', text: summary }]);
	addRow(doc, 'goals', {
		title: 'Grow revenue',
		metric: 'ARR',
		target: '1M',
		current: '0.5M',
		due: ''
	});
	return doc;
}

/** Replaces the summary's first paragraph text, as an editor would. */
function setSummary(doc: Y.Doc, text: string): void {
	const paragraph = richText(doc, SUMMARY_FIELD).get(0) as Y.XmlElement;
	const node = paragraph.get(0) as Y.XmlText;
	doc.transact(() => {
		node.delete(0, node.length);
		node.insert(0, text);
	});
}

const summaryOf = (doc: Y.Doc) => fragmentText(richText(doc, SUMMARY_FIELD));

describe('restoreUpdate (pure)', () => {
	it('makes a diverged document equal to the version, and concurrent copies converge', () => {
		const original = sharedDoc('First summary');
		const versionState = Y.encodeStateAsUpdate(original);
		// Everyone starts from the version, then the document diverges.
		const server = docFromState(versionState);
		setSummary(server, 'Rewritten summary');
		addRow(server, 'actions', { title: 'Call CFO', ownerId: '', due: '', status: 'todo' });
		writeRichText(server, SUMMARY_FIELD, [{ type: 'paragraph', text: 'Second paragraph' }]);
		const otherClient = docFromState(Y.encodeStateAsUpdate(server));

		const update = restoreUpdate(server, versionState);
		// Pure: the current document is untouched.
		expect(summaryOf(server)).toContain('Rewritten summary');
		Y.applyUpdate(server, update);
		expect(versionText(server)).toBe(versionText(original));
		expect(readRows(server, 'actions')).toEqual([]);

		// A client typing concurrently merges the same update and converges with the server.
		writeRichText(otherClient, SUMMARY_FIELD, [{ type: 'paragraph', text: 'Typed offline' }]);
		Y.applyUpdate(otherClient, update);
		Y.applyUpdate(server, Y.encodeStateAsUpdate(otherClient));
		Y.applyUpdate(otherClient, Y.encodeStateAsUpdate(server));
		expect(versionText(otherClient)).toBe(versionText(server));
		expect(summaryOf(server)).toContain('First summary');
		expect(summaryOf(server)).toContain('Typed offline');
		expect(summaryOf(server)).not.toContain('Rewritten');

		// Applying the very same update twice changes nothing (what the live path relies on).
		const before = Y.encodeStateAsUpdate(server);
		Y.applyUpdate(server, update);
		expect(Y.encodeStateAsUpdate(server)).toEqual(before);
	});

	it('is empty of content changes when the document already equals the version', () => {
		const doc = sharedDoc('Same');
		const update = restoreUpdate(doc, Y.encodeStateAsUpdate(doc));
		const copy = docFromState(Y.encodeStateAsUpdate(doc));
		const sv = Y.encodeStateVector(copy);
		Y.applyUpdate(copy, update);
		expect(Y.encodeStateVector(copy)).toEqual(sv);
	});
});

describe('comment anchors (y-prosemirror relative positions)', () => {
	it('follow the text after insertions before it, and collapse when it is deleted', () => {
		const doc = new Y.Doc();
		writeRichText(doc, SUMMARY_FIELD, [
			{ type: 'paragraph', text: 'Intro.' },
			{ type: 'paragraph', text: 'Budget is tight this year.' }
		]);
		const fragment = richText(doc, SUMMARY_FIELD);
		let pm = initProseMirrorDoc(fragment, schema);
		const full = pm.doc.textBetween(0, pm.doc.content.size, '\n');
		expect(full).toContain('Budget');
		// Find "tight" in the ProseMirror document.
		let from = -1;
		pm.doc.descendants((node, pos) => {
			if (node.isText && node.text?.includes('tight')) from = pos + node.text.indexOf('tight');
		});
		const to = from + 'tight'.length;
		const encode = (pos: number) =>
			Y.encodeRelativePosition(absolutePositionToRelativePosition(pos, fragment, pm.mapping));
		const anchor = { start: encode(from), end: encode(to) };

		// Someone inserts text before it, in another paragraph and in the same one.
		const first = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
		first.insert(0, 'A much longer introduction. ');
		const second = (fragment.get(1) as Y.XmlElement).get(0) as Y.XmlText;
		second.insert(0, 'Note: ');

		pm = initProseMirrorDoc(fragment, schema);
		const resolve = (bytes: Uint8Array) =>
			relativePositionToAbsolutePosition(
				doc,
				fragment,
				Y.decodeRelativePosition(bytes),
				pm.mapping
			);
		const start = resolve(anchor.start)!;
		const end = resolve(anchor.end)!;
		expect(pm.doc.textBetween(start, end)).toBe('tight');
		expect(start).toBeGreaterThan(from);

		// The anchored text is deleted: the anchor collapses (the panel shows "text removed").
		second.delete('Note: Budget is '.length, 'tight'.length);
		pm = initProseMirrorDoc(fragment, schema);
		expect(resolve(anchor.start)).toBe(resolve(anchor.end));
	});
});

describe.each(drivers())('plan history and comments on %s', (driver) => {
	let database: TestDatabase;
	let bus: LiveBus;
	let events: LiveEvent[];
	let alpha: TestOrganisation;
	let beta: TestOrganisation;
	let admin: TestUser;
	let outsider: TestUser; // host rep with no tie to the plan
	let alphaMember: TestUser;
	let betaMember: TestUser;
	let alphaPlanId: string;
	let betaPlanId: string;

	const db = () => database.db;
	const actor = (person: TestUser) => ({
		...person.user,
		organisationKind: person.organisation.kind,
		organisationName: person.organisation.name
	});

	async function insertPlan(partner: TestOrganisation, summary: string): Promise<string> {
		const [plan] = await db()
			.insert(tables.plans)
			.values({
				kind: 'partner',
				partnerId: partner.id,
				title: `Plan ${partner.name}`,
				locale: 'en',
				ownerId: admin.user.id,
				sharedWithId: partner.id,
				shareMode: 'editor'
			})
			.returning({ id: tables.plans.id });
		for (const document of ['shared', 'internal'] as const) {
			const doc = document === 'shared' ? sharedDoc(summary) : new Y.Doc();
			if (document === 'internal') {
				writeRichText(doc, 'notes', [{ type: 'paragraph', text: 'Margin 40%' }]);
			}
			const state = Y.encodeStateAsUpdate(doc);
			await db()
				.insert(tables.planDocuments)
				.values({
					name: planDocumentName(plan.id, document),
					planId: plan.id,
					document,
					state,
					stateVector: Y.encodeStateVectorFromUpdate(state),
					byteSize: state.byteLength
				});
		}
		return plan.id;
	}

	async function storedState(planId: string, document: 'shared' | 'internal' = 'shared') {
		const [row] = await db()
			.select({ state: tables.planDocuments.state })
			.from(tables.planDocuments)
			.where(eq(tables.planDocuments.name, planDocumentName(planId, document)));
		return row.state;
	}

	async function versionsOf(planId: string, document: 'shared' | 'internal' = 'shared') {
		return db()
			.select()
			.from(tables.planVersions)
			.where(
				and(eq(tables.planVersions.planId, planId), eq(tables.planVersions.document, document))
			)
			.orderBy(tables.planVersions.createdAt);
	}

	beforeAll(async () => {
		database = await freshDatabase(driver);
		bus = await startLiveBus(database, log);
		bus.subscribe((event) => events.push(event));
		alpha = await createTestOrganisation(db(), { name: 'Alpha' });
		beta = await createTestOrganisation(db(), { name: 'Beta' });
		admin = await createTestUser(db(), { role: 'admin', name: 'Ada Admin' });
		outsider = await createTestUser(db(), { role: 'rep', name: 'Otto Outsider' });
		alphaMember = await createTestUser(db(), {
			role: 'partner_member',
			organisation: alpha,
			name: 'Marie Alpha'
		});
		betaMember = await createTestUser(db(), {
			role: 'partner_member',
			organisation: beta,
			name: 'Bob Beta'
		});
		alphaPlanId = await insertPlan(alpha, 'Alpha summary');
		betaPlanId = await insertPlan(beta, 'Beta summary');
	});
	afterAll(async () => {
		await bus.stop();
		await database.drop();
	});
	beforeEach(() => {
		events = [];
	});

	it('takes at most one automatic version per 10 minutes, with the authors since the last', async () => {
		const sharedName = planDocumentName(alphaPlanId, 'shared');
		await db()
			.update(tables.planDocuments)
			.set({ pendingAuthorIds: [] })
			.where(eq(tables.planDocuments.name, sharedName));
		const pending = async () =>
			(
				await db()
					.select({ ids: tables.planDocuments.pendingAuthorIds })
					.from(tables.planDocuments)
					.where(eq(tables.planDocuments.name, sharedName))
			)[0].ids;
		const doc = docFromState(await storedState(alphaPlanId));
		const t0 = new Date('2030-01-01T10:00:00Z');
		const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
		const store = (minutes: number, authorIds: string[]) =>
			maybeAutoVersion(db(), {
				planId: alphaPlanId,
				document: 'shared',
				state: Y.encodeStateAsUpdate(doc),
				authorIds,
				now: at(minutes)
			});

		setSummary(doc, 'Alpha summary, edited');
		expect(await store(0, [admin.user.id])).not.toBeNull(); // the first version
		setSummary(doc, 'Alpha summary, edited again');
		expect(await store(2, [alphaMember.user.id])).toBeNull();
		setSummary(doc, 'Alpha summary, edited a third time');
		expect(await store(9, [admin.user.id])).toBeNull();
		// Kept on the document's row, not in this process: another process storing it next (or
		// this one restarted) takes the version with them.
		expect([...(await pending())].sort()).toEqual([admin.user.id, alphaMember.user.id].sort());
		// Ten minutes after the last version, the next store takes one, with both authors.
		const id = await store(10, []);
		expect(id).not.toBeNull();
		expect(await pending()).toEqual([]);
		// Unchanged content: no version even much later.
		expect(await store(45, [admin.user.id])).toBeNull();

		const versions = await versionsOf(alphaPlanId);
		expect(versions.map((v) => v.kind)).toEqual(['auto', 'auto']);
		expect(versions[1].id).toBe(id);
		expect([...versions[1].authorIds].sort()).toEqual([admin.user.id, alphaMember.user.id].sort());
		expect(versions[1].createdAt.getTime() - versions[0].createdAt.getTime()).toBe(
			AUTO_VERSION_INTERVAL_MS
		);
		expect(versions[1].charsAdded).toBeGreaterThan(0);
		// Keep the stored document in line with the last version for the restore test.
		await db()
			.update(tables.planDocuments)
			.set({ state: Y.encodeStateAsUpdate(doc) })
			.where(eq(tables.planDocuments.name, planDocumentName(alphaPlanId, 'shared')));
	});

	it('restores a version without destroying anything, and announces it', async () => {
		const [first] = await versionsOf(alphaPlanId);
		const firstText = versionText(docFromState(first.state));
		const before = await storedState(alphaPlanId);
		const beforeText = versionText(docFromState(before));
		expect(beforeText).not.toBe(firstText);

		const result = await restoreVersion(db(), {
			planId: alphaPlanId,
			document: 'shared',
			versionId: first.id,
			restoredById: admin.user.id,
			safetyName: 'Before restoring the first version',
			sharedWithId: alpha.id
		});
		expect(result).not.toBeNull();
		const versions = await versionsOf(alphaPlanId);
		const safety = versions.find((v) => v.id === result!.safetyVersionId)!;
		const restore = versions.find((v) => v.id === result!.restoreVersionId)!;
		// The previous state is kept, byte for byte, as a named version.
		expect(safety.kind).toBe('named');
		expect(safety.name).toBe('Before restoring the first version');
		expect(safety.state).toEqual(before);
		expect(restore.kind).toBe('restore');
		expect(restore.createdAt.getTime()).toBeGreaterThan(safety.createdAt.getTime());
		// The stored document now reads like the version, and contains everything it had.
		const after = await storedState(alphaPlanId);
		expect(versionText(docFromState(after))).toBe(firstText);
		expect(after).toEqual(restore.state);
		const merged = docFromState(before);
		Y.applyUpdate(merged, after);
		expect(versionText(merged)).toBe(firstText);
		// A live copy still holding the old state converges when the restore state is applied.
		const live = docFromState(before);
		Y.applyUpdate(live, restore.state);
		expect(versionText(live)).toBe(firstText);
		await expect
			.poll(() => events.find((e) => e.type === 'plan.restore'))
			.toEqual({
				type: 'plan.restore',
				audience: { organisation: alpha.id },
				data: { planId: alphaPlanId, document: 'shared', versionId: restore.id }
			});
	});

	it('names in a version list only the people the viewer may see (canSeePlanParticipant)', async () => {
		// The plan may have been shared with another company before: Alpha's person wrote in Beta's plan.
		const planId = betaPlanId;
		const version = await createVersion(db(), {
			planId,
			document: 'shared',
			kind: 'named',
			name: 'Before the change of partner',
			state: Y.encodeStateAsUpdate(new Y.Doc()),
			createdById: alphaMember.user.id,
			authorIds: [alphaMember.user.id, betaMember.user.id]
		});
		const seenBy = async (person: TestUser) =>
			(await listVersions(db(), planId, 'shared', { viewer: actor(person) }))[0];
		expect(await seenBy(betaMember)).toMatchObject({ createdByName: null, authors: ['Bob Beta'] });
		expect(await seenBy(admin)).toMatchObject({
			createdByName: 'Marie Alpha',
			authors: ['Bob Beta', 'Marie Alpha']
		});
		// The endpoints' tests below expect the plan's own versions only.
		await db().delete(tables.planVersions).where(eq(tables.planVersions.id, version.id));
	});

	it('notifies mentions only for people who may open the plan, and participants on reply', async () => {
		const resolved = (await resolvePlanAccess(db(), actor(admin), alphaPlanId))!;
		const anchor = { field: 'summary', start: 'AAAA', end: 'AAAA' };
		const body = `Please check ${mentionToken(alphaMember.user.id)} and ${mentionToken(
			betaMember.user.id
		)} and ${mentionToken(outsider.user.id)}`;
		const created = await createThread(db(), actor(admin), resolved, {
			document: 'shared',
			anchor,
			quote: 'Alpha summary',
			body
		});
		expect(typeof created).toBe('object');
		const threadId = (created as { id: string }).id;
		const notified = async (person: TestUser) =>
			db()
				.select()
				.from(tables.notifications)
				.where(eq(tables.notifications.userId, person.user.id));
		expect((await notified(alphaMember)).map((n) => n.kind)).toEqual(['plan_mention']);
		expect(await notified(betaMember)).toEqual([]);
		expect(await notified(outsider)).toEqual([]);
		// The body is stored as written: the one token format, no name inside.
		const [stored] = await db()
			.select({ body: tables.planComments.body })
			.from(tables.planComments)
			.where(eq(tables.planComments.id, threadId));
		expect(stored.body).toBe(body);
		// Each reader gets the names the rules let them see: the host sees everyone...
		const [thread] = await listThreads(db(), actor(admin), resolved, 'shared');
		expect(thread.comments[0].body).toBe(body);
		const labels = (tokens: { id: string; label: string | null }[]) =>
			Object.fromEntries(tokens.map((t) => [t.id, t.label]));
		expect(labels(thread.comments[0].tokens)).toEqual({
			[alphaMember.user.id]: 'Marie Alpha',
			[betaMember.user.id]: 'Bob Beta',
			[outsider.user.id]: 'Otto Outsider'
		});
		// ...a partner person never another partner company's people ("someone" on the page).
		const [seenByAlpha] = await listThreads(
			db(),
			actor(alphaMember),
			(await resolvePlanAccess(db(), actor(alphaMember), alphaPlanId))!,
			'shared'
		);
		expect(labels(seenByAlpha.comments[0].tokens)).toEqual({
			[alphaMember.user.id]: 'Marie Alpha',
			[betaMember.user.id]: null,
			[outsider.user.id]: 'Otto Outsider'
		});
		// A renamed person shows their new name: labels are never stored.
		await db()
			.update(tables.users)
			.set({ name: 'Otto Renamed' })
			.where(eq(tables.users.id, outsider.user.id));
		const [renamed] = await listThreads(db(), actor(admin), resolved, 'shared');
		expect(labels(renamed.comments[0].tokens)[outsider.user.id]).toBe('Otto Renamed');
		await db()
			.update(tables.users)
			.set({ name: 'Otto Outsider' })
			.where(eq(tables.users.id, outsider.user.id));
		// On PostgreSQL the event comes back through LISTEN/NOTIFY, after the call returns.
		await expect.poll(() => events.some((e) => e.type === 'plan.comment')).toBe(true);

		// Marie replies: the admin (participant) is told.
		const marie = (await resolvePlanAccess(db(), actor(alphaMember), alphaPlanId))!;
		expect(
			await replyToThread(db(), actor(alphaMember), marie, threadId, { body: 'Done.' })
		).toMatchObject({ id: expect.any(String) });
		expect((await notified(admin)).map((n) => n.kind)).toEqual(['plan_reply']);

		// Resolve and reopen.
		await setThreadResolved(db(), actor(alphaMember), marie, threadId, true);
		let [again] = await listThreads(db(), actor(admin), resolved, 'shared');
		expect(again.resolvedAt).not.toBeNull();
		expect(again.resolvedByName).toBe('Marie Alpha');
		await setThreadResolved(db(), actor(admin), resolved, threadId, false);
		[again] = await listThreads(db(), actor(admin), resolved, 'shared');
		expect(again.resolvedAt).toBeNull();
		expect(again.comments.map((c) => c.body)).toEqual([expect.any(String), 'Done.']);

		// Mentions in internal notes notify host people only.
		const internalBody = `${mentionToken(alphaMember.user.id)} ${mentionToken(outsider.user.id)}`;
		await createThread(db(), actor(admin), resolved, {
			document: 'internal',
			anchor: { field: 'notes', start: 'AAAA', end: 'AAAA' },
			quote: 'Margin',
			body: internalBody
		});
		expect((await notified(alphaMember)).length).toBe(1);
		const internalEvent = () =>
			events.find(
				(e) =>
					e.type === 'plan.comment' && (e.data as { document?: string }).document === 'internal'
			);
		await expect.poll(internalEvent).toBeDefined();
		expect(internalEvent()!.audience).toEqual({ organisation: null });
	});

	describe('endpoints', () => {
		const runtime = () => ({ db: db(), bus, log });
		type Handler = (event: never) => Promise<Response> | Response;
		function call(
			handler: Handler,
			person: TestUser | null,
			path: string,
			params: Record<string, string>,
			init: { method?: string; body?: unknown; origin?: string } = {}
		): Promise<Response> {
			const url = new URL(`${ORIGIN}${path}`);
			const request = new Request(url, {
				method: init.method ?? 'GET',
				headers:
					init.body === undefined
						? { origin: init.origin ?? ORIGIN }
						: { origin: init.origin ?? ORIGIN, 'content-type': 'application/json' },
				body: init.body === undefined ? undefined : JSON.stringify(init.body)
			});
			return Promise.resolve(
				handler({
					locals: { user: person && actor(person), runtime: runtime() },
					request,
					url,
					params
				} as never)
			);
		}

		it('answers 404 to a partner on another partner plan, and on internal versions and comments', async () => {
			const p = { id: alphaPlanId };
			const base = `/api/plans/${alphaPlanId}`;
			// Beta on Alpha's plan: everything is a 404.
			for (const [handler, path] of [
				[versionsRoute.GET, `${base}/versions`],
				[commentsRoute.GET, `${base}/comments`]
			] as const) {
				expect((await call(handler, betaMember, path, p)).status).toBe(404);
			}
			expect(
				(
					await call(commentsRoute.POST, betaMember, `${base}/comments`, p, {
						method: 'POST',
						body: {
							document: 'shared',
							anchor: { field: 'summary', start: 'AAAA', end: 'AAAA' },
							quote: '',
							body: 'Hi'
						}
					})
				).status
			).toBe(404);
			// The host outsider too.
			expect((await call(versionsRoute.GET, outsider, `${base}/versions`, p)).status).toBe(404);
			// Alpha on its own plan: the shared document yes, the internal notes never.
			expect((await call(versionsRoute.GET, alphaMember, `${base}/versions`, p)).status).toBe(200);
			expect(
				(await call(versionsRoute.GET, alphaMember, `${base}/versions?document=internal`, p)).status
			).toBe(404);
			expect(
				(await call(commentsRoute.GET, alphaMember, `${base}/comments?document=internal`, p)).status
			).toBe(404);
			// An internal version by id is a 404 to the partner, a 200 to the host.
			await db()
				.insert(tables.planVersions)
				.values({
					planId: alphaPlanId,
					document: 'internal',
					kind: 'named',
					name: 'Secret',
					state: await storedState(alphaPlanId, 'internal')
				});
			const [internalVersion] = await versionsOf(alphaPlanId, 'internal');
			const vp = { id: alphaPlanId, versionId: internalVersion.id };
			expect(
				(await call(versionRoute.GET, alphaMember, `${base}/versions/${internalVersion.id}`, vp))
					.status
			).toBe(404);
			expect(
				(await call(versionRoute.GET, admin, `${base}/versions/${internalVersion.id}`, vp)).status
			).toBe(200);
			// An internal thread cannot be replied to, resolved or read by the partner.
			const [internalThread] = await db()
				.select()
				.from(tables.planComments)
				.where(
					and(
						eq(tables.planComments.planId, alphaPlanId),
						eq(tables.planComments.document, 'internal')
					)
				);
			const cp = { id: alphaPlanId, commentId: internalThread.id };
			expect(
				(
					await call(
						repliesRoute.POST,
						alphaMember,
						`${base}/comments/${internalThread.id}/replies`,
						cp,
						{
							method: 'POST',
							body: { body: 'peek' }
						}
					)
				).status
			).toBe(404);
			expect(
				(
					await call(commentRoute.PATCH, alphaMember, `${base}/comments/${internalThread.id}`, cp, {
						method: 'PATCH',
						body: { resolved: true }
					})
				).status
			).toBe(404);
			// Alpha never sees Beta's plan either.
			expect(
				(
					await call(versionsRoute.GET, alphaMember, `/api/plans/${betaPlanId}/versions`, {
						id: betaPlanId
					})
				).status
			).toBe(404);
		});

		it('names versions for editors, restores for managers only, and checks the body', async () => {
			const p = { id: betaPlanId };
			const base = `/api/plans/${betaPlanId}`;
			const named = await call(versionsRoute.POST, betaMember, `${base}/versions`, p, {
				method: 'POST',
				body: { document: 'shared', name: 'Kick-off' }
			});
			expect(named.status).toBe(201);
			const { id } = (await named.json()) as { id: string };
			expect(
				(
					await call(versionsRoute.POST, betaMember, `${base}/versions`, p, {
						method: 'POST',
						body: { document: 'shared', name: '' }
					})
				).status
			).toBe(400);
			// Another origin is refused by handleOrigin before any route (security-http.test.ts).
			const list = (await (await call(versionsRoute.GET, admin, `${base}/versions`, p)).json()) as {
				versions: { id: string; name: string; authors: string[] }[];
			};
			expect(list.versions[0]).toMatchObject({ id, name: 'Kick-off', authors: ['Bob Beta'] });
			const preview = (await (
				await call(versionRoute.GET, betaMember, `${base}/versions/${id}`, { ...p, versionId: id })
			).json()) as { state: string };
			expect(
				summaryOf(docFromState(new Uint8Array(Buffer.from(preview.state, 'base64'))))
			).toContain('Beta summary');

			// A partner editor may not restore; a host admin may.
			const restorePath = `${base}/versions/${id}/restore`;
			const vp = { ...p, versionId: id };
			expect(
				(await call(restoreRoute.POST, betaMember, restorePath, vp, { method: 'POST', body: {} }))
					.status
			).toBe(403);
			const restored = await call(restoreRoute.POST, admin, restorePath, vp, {
				method: 'POST',
				body: { label: 'Kick-off' }
			});
			expect(restored.status).toBe(200);
			const kinds = (await versionsOf(betaPlanId)).map((v) => v.kind);
			expect(kinds).toEqual(['named', 'named', 'restore']);
		});
	});
});
