import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import type { Actor } from '../access/actor.ts';
import { canSeePlanParticipant } from '../access/plan-policy.ts';
import type { Db } from '../db/client.ts';
import { organisations, planDocuments, planVersions, users } from '../db/schema.ts';
import { publishLiveEvent, type LiveAudience } from '../live/events.ts';
import { planDocumentName } from '../../shared/collab.ts';
import type { PlanDocument, PlanVersionKind } from '../../shared/enums.ts';
import type { PlanVersionItem } from '../../shared/plan-history.ts';
import { appendRestOfBytes, firstSliceOf, readBytes } from '../db/bytes.ts';
import { nextTurn } from '../turns.ts';
import { ROW_LISTS, SUMMARY_FIELD } from '../../shared/plan-doc.ts';
import {
	docFromState,
	isFragmentName,
	MAP_TYPES,
	planTextsInThread,
	type PlanTexts
} from './texts.ts';

// Version history of plan documents, built on Yjs itself (Tiptap Pro's history is not an option).
//
// - Automatic versions: the collaboration server calls `maybeAutoVersion` after each store; a
//   version is taken when the document changed and the last one is at least 10 minutes old, so a
//   burst of editing yields one version, and never more than one per 10 minutes per document.
// - Named versions: someone who may edit names the stored state (`createVersion` kind 'named').
// - Restore never destroys anything: a 'named' safety version of the current state first, then a
//   NEW Yjs update that makes the content equal to the version's is computed once
//   (`restoreUpdate`), merged into plan_documents, and the merged (full) state is written as a
//   'restore' version. The live event `plan.restore` {planId, document, versionId} tells the
//   collaboration server to `Y.applyUpdate(liveDoc, restoreRow.state)`: the structs are the very
//   same ones already merged into plan_documents, so applying them twice (or loading the stored
//   state and receiving the event) changes nothing — Yjs updates are idempotent.

export const AUTO_VERSION_INTERVAL_MS = 10 * 60 * 1000;

/** Characters added and removed between two texts, roughly: what lies between the common ends. */
export function roughTextDiff(before: string, after: string): { added: number; removed: number } {
	let prefix = 0;
	const max = Math.min(before.length, after.length);
	while (prefix < max && before[prefix] === after[prefix]) prefix += 1;
	let suffix = 0;
	while (
		suffix < max - prefix &&
		before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
	)
		suffix += 1;
	return { added: after.length - prefix - suffix, removed: before.length - prefix - suffix };
}

function sameStateVector(a: Uint8Array, b: Uint8Array): boolean {
	const va = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(a));
	const vb = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(b));
	if (va.size !== vb.size) return false;
	for (const [client, clock] of va) if (vb.get(client) !== clock) return false;
	return true;
}

/** Did the content change between two states? Inserts move the state vector; deletions the text. */
export async function contentChanged(
	before: Uint8Array,
	after: Uint8Array,
	texts: PlanTexts = planTextsInThread
): Promise<boolean> {
	if (!sameStateVector(before, after)) return true;
	return (await texts.version(before)) !== (await texts.version(after));
}

/** Remembers each state's text for the length of one operation (states are compared by identity). */
function rememberTexts(texts: PlanTexts): PlanTexts {
	const known = new WeakMap<Uint8Array, Promise<string>>();
	return {
		version(state) {
			let text = known.get(state);
			if (!text) known.set(state, (text = texts.version(state)));
			return text;
		},
		search: (input) => texts.search(input)
	};
}

// --- Restoring -------------------------------------------------------------------------------

function sameJson(a: unknown, b: unknown): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/** The [start, endExclusive) range of `before` to replace with `after`'s middle (common ends kept). */
function middle<T>(before: T[], after: T[], same: (a: T, b: T) => boolean) {
	let prefix = 0;
	const max = Math.min(before.length, after.length);
	while (prefix < max && same(before[prefix], after[prefix])) prefix += 1;
	let suffix = 0;
	while (
		suffix < max - prefix &&
		same(before[before.length - 1 - suffix], after[after.length - 1 - suffix])
	)
		suffix += 1;
	return { prefix, removeCount: before.length - prefix - suffix, insertEnd: after.length - suffix };
}

function replaceFragment(target: Y.XmlFragment, source: Y.XmlFragment): void {
	const before = target.toArray() as Array<Y.XmlElement | Y.XmlText>;
	const after = source.toArray() as Array<Y.XmlElement | Y.XmlText>;
	// Unchanged blocks at both ends stay as they are, so comment anchors in them survive.
	const span = middle(before, after, (a, b) => a.toString() === b.toString());
	if (span.removeCount > 0) target.delete(span.prefix, span.removeCount);
	const inserted = after.slice(span.prefix, span.insertEnd).map((node) => node.clone());
	if (inserted.length > 0) target.insert(span.prefix, inserted);
}

function mapFromJson(values: Record<string, unknown>): Y.Map<unknown> {
	const row = new Y.Map<unknown>();
	for (const [key, value] of Object.entries(values)) row.set(key, value);
	return row;
}

function replaceRows(target: Y.Array<Y.Map<unknown>>, source: Y.Array<Y.Map<unknown>>): void {
	const before = target.toArray().map((row) => row.toJSON());
	const after = source.toArray().map((row) => row.toJSON());
	const span = middle(before, after, sameJson);
	if (span.removeCount > 0) target.delete(span.prefix, span.removeCount);
	const inserted = after.slice(span.prefix, span.insertEnd).map(mapFromJson);
	if (inserted.length > 0) target.insert(span.prefix, inserted);
}

function replaceMap(target: Y.Map<unknown>, source: Y.Map<unknown>): void {
	const wanted = source.toJSON();
	for (const key of [...target.keys()]) if (!(key in wanted)) target.delete(key);
	for (const [key, value] of Object.entries(wanted)) {
		if (!sameJson(target.get(key), value)) target.set(key, value);
	}
}

/**
 * The Yjs update that turns `currentDoc`'s content into the content of `versionState`, as NEW
 * operations on top of the current state (nothing is rewound, so it merges with concurrent edits
 * like any other update). Pure: `currentDoc` is not modified. Computed ONCE per restore: a second
 * computation would carry different operations, and merging both would duplicate content.
 */
export function restoreUpdate(currentDoc: Y.Doc, versionState: Uint8Array): Uint8Array {
	const work = new Y.Doc();
	Y.applyUpdate(work, Y.encodeStateAsUpdate(currentDoc));
	const before = Y.encodeStateVector(work);
	const version = docFromState(versionState);
	const names = new Set<string>([
		...ROW_LISTS,
		...MAP_TYPES,
		SUMMARY_FIELD,
		...[...work.share.keys(), ...version.share.keys()].filter(isFragmentName)
	]);
	work.transact(() => {
		for (const name of names) {
			if (isFragmentName(name)) {
				replaceFragment(work.getXmlFragment(name), version.getXmlFragment(name));
			} else if ((MAP_TYPES as readonly string[]).includes(name)) {
				replaceMap(work.getMap(name), version.getMap(name));
			} else {
				replaceRows(work.getArray(name), version.getArray(name));
			}
		}
	}, 'restore');
	// Root types created only to be compared must not leave empty entries behind: they carry no
	// content, and an update never includes them.
	return Y.encodeStateAsUpdate(work, before);
}

/** What the collaboration server does on `plan.restore`: apply the restore row's full state. */
export function applyRestoredState(doc: Y.Doc, restoredState: Uint8Array): void {
	Y.applyUpdate(doc, restoredState, 'restore');
}

// --- Rows ------------------------------------------------------------------------------------

export type CreateVersionInput = {
	planId: string;
	document: PlanDocument;
	kind: PlanVersionKind;
	name?: string | null;
	state: Uint8Array;
	createdById?: string | null;
	authorIds: string[];
	/** Tests inject time. */
	at?: Date;
	/** Where the texts for the diff are computed (the collaboration server: a worker). */
	texts?: PlanTexts;
	/** The document's latest version, when the caller has just read it. */
	previous?: LatestVersion | null;
};

export type CreatedVersion = {
	id: string;
	createdAt: Date;
	charsAdded: number;
	charsRemoved: number;
};

type LatestVersion = { id: string; createdAt: Date; state: Uint8Array };

/** The newest version of a document; its state is read only when asked for (it may be 1 MB). */
async function latestVersion(db: Db, planId: string, document: PlanDocument) {
	const [row] = await db
		.select({ id: planVersions.id, createdAt: planVersions.createdAt })
		.from(planVersions)
		.where(and(eq(planVersions.planId, planId), eq(planVersions.document, document)))
		.orderBy(desc(planVersions.createdAt))
		.limit(1);
	return row ?? null;
}

async function withState(db: Db, version: { id: string; createdAt: Date }) {
	const state = await readBytes(
		db,
		planVersions,
		planVersions.state,
		eq(planVersions.id, version.id)
	);
	return { ...version, state: state ?? new Uint8Array(0) };
}

/** Inserts a version with the characters added and removed since the previous one. */
export async function createVersion(db: Db, input: CreateVersionInput): Promise<CreatedVersion> {
	const texts = input.texts ?? planTextsInThread;
	let previous = input.previous;
	if (previous === undefined) {
		const latest = await latestVersion(db, input.planId, input.document);
		previous = latest && (await withState(db, latest));
	}
	// Two decodes of a 1 MB plan in one turn would block the event loop for ~30 ms: in this
	// thread, let sockets and timers run between them.
	const before = previous ? await texts.version(previous.state) : '';
	if (previous) await nextTurn();
	const diff = roughTextDiff(before, await texts.version(input.state));
	// The rest of a large state goes in slices (bytes.ts), in one transaction with the row.
	const row = await db.transaction(async (tx) => {
		const [inserted] = await tx
			.insert(planVersions)
			.values({
				planId: input.planId,
				document: input.document,
				kind: input.kind,
				name: input.name?.trim() || null,
				state: firstSliceOf(input.state),
				authorIds: [...new Set(input.authorIds)],
				charsAdded: diff.added,
				charsRemoved: diff.removed,
				createdById: input.createdById ?? null,
				...(input.at ? { createdAt: input.at } : {})
			})
			.returning({ id: planVersions.id, createdAt: planVersions.createdAt });
		const where = eq(planVersions.id, inserted.id);
		await appendRestOfBytes(tx, planVersions, planVersions.state, where, input.state);
		return inserted;
	});
	return {
		id: row.id,
		createdAt: row.createdAt,
		charsAdded: diff.added,
		charsRemoved: diff.removed
	};
}

/** Adds people to the document's list of who edited since its last automatic version. */
async function addPendingAuthors(db: Db, name: string, authorIds: string[]): Promise<void> {
	if (authorIds.length === 0) return;
	const added = JSON.stringify([...new Set(authorIds)]);
	await db
		.update(planDocuments)
		.set({
			pendingAuthorIds: sql`(select coalesce(jsonb_agg(distinct id), '[]'::jsonb) from jsonb_array_elements_text(${planDocuments.pendingAuthorIds} || ${added}::jsonb) as id)`
		})
		.where(eq(planDocuments.name, name));
}

/**
 * Called after each store of a document: remembers who edited, and takes an automatic version when
 * the content changed and the last version is at least 10 minutes old (or there is none).
 * Returns the new version's id, or null.
 */
export async function maybeAutoVersion(
	db: Db,
	input: {
		planId: string;
		document: PlanDocument;
		state: Uint8Array;
		authorIds: string[];
		now?: Date;
		texts?: PlanTexts;
	}
): Promise<string | null> {
	const key = planDocumentName(input.planId, input.document);
	await addPendingAuthors(db, key, input.authorIds);

	const now = input.now ?? new Date();
	const latest = await latestVersion(db, input.planId, input.document);
	if (latest && now.getTime() - latest.createdAt.getTime() < AUTO_VERSION_INTERVAL_MS) return null;
	// The texts compared here are the ones the version's diff needs: computed once.
	const texts = rememberTexts(input.texts ?? planTextsInThread);
	const last = latest && (await withState(db, latest));
	if (last && !(await contentChanged(last.state, input.state, texts))) return null;
	// The diff's texts before the transaction: it holds a row lock (and PGlite's one connection).
	if (last) await texts.version(last.state);
	await texts.version(input.state);
	// Several processes may store the same document: take the version in a transaction that
	// re-checks under a per-document advisory lock, so only one of them writes it.
	const id = await db.transaction(async (tx) => {
		await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'plan-version:' + key}))`);
		const again = await latestVersion(tx, input.planId, input.document);
		if (again && now.getTime() - again.createdAt.getTime() < AUTO_VERSION_INTERVAL_MS) return null;
		// Locked until the version is in: a store elsewhere adds its authors after, not in between.
		const [pending] = await tx
			.select({ authorIds: planDocuments.pendingAuthorIds })
			.from(planDocuments)
			.where(eq(planDocuments.name, key))
			.for('update');
		const created = await createVersion(tx, {
			planId: input.planId,
			document: input.document,
			kind: 'auto',
			state: input.state,
			authorIds: pending?.authorIds ?? input.authorIds,
			at: input.now,
			texts,
			// Another process may have taken one since (older than 10 minutes, then): read it.
			previous: again?.id === last?.id ? last : undefined
		});
		await tx.update(planDocuments).set({ pendingAuthorIds: [] }).where(eq(planDocuments.name, key));
		return created.id;
	});
	return id;
}

// --- Listing ---------------------------------------------------------------------------------

/**
 * The versions of one document, newest first. `viewer`: the names of people they may not see
 * (`canSeePlanParticipant`: another partner company's, for a partner person — a plan may have been
 * shared elsewhere before) are left out.
 */
export async function listVersions(
	db: Db,
	planId: string,
	document: PlanDocument,
	options: { viewer?: Actor; limit?: number } = {}
): Promise<PlanVersionItem[]> {
	const rows = await db
		.select({
			id: planVersions.id,
			kind: planVersions.kind,
			name: planVersions.name,
			createdAt: planVersions.createdAt,
			createdById: planVersions.createdById,
			authorIds: planVersions.authorIds,
			charsAdded: planVersions.charsAdded,
			charsRemoved: planVersions.charsRemoved
		})
		.from(planVersions)
		.where(and(eq(planVersions.planId, planId), eq(planVersions.document, document)))
		.orderBy(desc(planVersions.createdAt))
		.limit(Math.min(Math.max(options.limit ?? 200, 1), 500));
	const ids = [
		...new Set(
			rows.flatMap((row) => [...row.authorIds, ...(row.createdById ? [row.createdById] : [])])
		)
	];
	const people = ids.length
		? await db
				.select({
					id: users.id,
					name: users.name,
					organisationId: users.organisationId,
					kind: organisations.kind
				})
				.from(users)
				.innerJoin(organisations, eq(organisations.id, users.organisationId))
				.where(inArray(users.id, ids))
		: [];
	const { viewer } = options;
	const names = new Map(
		people
			.filter(
				(p) =>
					!viewer ||
					canSeePlanParticipant(viewer, {
						organisationId: p.organisationId,
						organisationKind: p.kind
					})
			)
			.map((p) => [p.id, p.name])
	);
	return rows.map((row) => ({
		id: row.id,
		kind: row.kind,
		name: row.name,
		createdAt: row.createdAt.toISOString(),
		createdByName: row.createdById ? (names.get(row.createdById) ?? null) : null,
		authors: [...new Set(row.authorIds)]
			.map((id) => names.get(id))
			.filter((n): n is string => !!n)
			.sort((a, b) => a.localeCompare(b)),
		charsAdded: row.charsAdded,
		charsRemoved: row.charsRemoved
	}));
}

/** One version's stored state, or null when it is not a version of this plan's document. */
export async function versionState(
	db: Db,
	planId: string,
	document: PlanDocument,
	versionId: string
): Promise<{
	state: Uint8Array;
	kind: PlanVersionKind;
	name: string | null;
	createdAt: Date;
} | null> {
	const where = and(
		eq(planVersions.id, versionId),
		eq(planVersions.planId, planId),
		eq(planVersions.document, document)
	)!;
	const [row] = await db
		.select({ kind: planVersions.kind, name: planVersions.name, createdAt: planVersions.createdAt })
		.from(planVersions)
		.where(where);
	// Versions never change: the state can be read after the rest.
	const state = row && (await readBytes(db, planVersions, planVersions.state, where));
	return row && state ? { ...row, state } : null;
}

/** One version of a plan (any document), or null. */
export async function versionRow(db: Db, planId: string, versionId: string) {
	const where = and(eq(planVersions.id, versionId), eq(planVersions.planId, planId))!;
	const [row] = await db
		.select({
			document: planVersions.document,
			kind: planVersions.kind,
			name: planVersions.name,
			createdAt: planVersions.createdAt
		})
		.from(planVersions)
		.where(where);
	const state = row && (await readBytes(db, planVersions, planVersions.state, where));
	return row && state ? { ...row, state } : null;
}

/** The stored state of a document (what the collaboration server last persisted). */
export async function storedDocumentState(
	db: Db,
	planId: string,
	document: PlanDocument
): Promise<Uint8Array | null> {
	const where = eq(planDocuments.name, planDocumentName(planId, document));
	return readBytes(db, planDocuments, planDocuments.state, where);
}

/** Who receives live events about a document: host people, plus the shared partner if shared. */
export function planDocumentAudience(
	document: PlanDocument,
	sharedWithId: string | null
): LiveAudience {
	return { organisation: document === 'internal' ? null : sharedWithId };
}

/** Names the current stored state (a person with edit access). */
export async function nameCurrentVersion(
	db: Db,
	input: { planId: string; document: PlanDocument; name: string; createdById: string }
): Promise<CreatedVersion | null> {
	const state = await storedDocumentState(db, input.planId, input.document);
	if (!state) return null;
	return createVersion(db, {
		planId: input.planId,
		document: input.document,
		kind: 'named',
		name: input.name,
		state,
		createdById: input.createdById,
		authorIds: [input.createdById]
	});
}

export type RestoreResult = { safetyVersionId: string; restoreVersionId: string };

/**
 * Restores a version: a 'named' safety version of the current stored state ("Before restoring …"),
 * the restoring update merged into plan_documents, a 'restore' version holding the full restored
 * state, and the live event `plan.restore` (sent when the transaction commits).
 */
export async function restoreVersion(
	db: Db,
	input: {
		planId: string;
		document: PlanDocument;
		versionId: string;
		restoredById: string;
		/** The safety version's name, in the restorer's language. */
		safetyName: string;
		/** The restore version's name (e.g. the restored version's label). */
		restoreName?: string | null;
		sharedWithId: string | null;
	}
): Promise<RestoreResult | null> {
	return db.transaction(async (tx) => {
		const name = planDocumentName(input.planId, input.document);
		const where = eq(planDocuments.name, name);
		// Locked first: the slices of the state then come from one version of the row.
		const [locked] = await tx
			.select({ name: planDocuments.name })
			.from(planDocuments)
			.where(where)
			.for('update');
		const currentState = locked && (await readBytes(tx, planDocuments, planDocuments.state, where));
		const current = currentState && { state: currentState };
		const version = await versionState(tx, input.planId, input.document, input.versionId);
		if (!current || !version) return null;
		const safety = await createVersion(tx, {
			planId: input.planId,
			document: input.document,
			kind: 'named',
			name: input.safetyName,
			state: current.state,
			createdById: input.restoredById,
			authorIds: []
		});
		const currentDoc = docFromState(current.state);
		const update = restoreUpdate(currentDoc, version.state);
		Y.applyUpdate(currentDoc, update);
		const restored = Y.encodeStateAsUpdate(currentDoc);
		const stateVector = Y.encodeStateVector(currentDoc);
		await tx
			.update(planDocuments)
			.set({
				state: firstSliceOf(restored),
				stateVector,
				byteSize: restored.byteLength,
				updatedAt: sql`now()`
			})
			.where(where);
		await appendRestOfBytes(tx, planDocuments, planDocuments.state, where, restored);
		// A millisecond later than the safety version, so the order of the two is never ambiguous.
		const row = await createVersion(tx, {
			planId: input.planId,
			document: input.document,
			kind: 'restore',
			name: input.restoreName ?? null,
			state: restored,
			createdById: input.restoredById,
			authorIds: [input.restoredById],
			at: new Date(safety.createdAt.getTime() + 1)
		});
		await publishLiveEvent(tx, {
			type: 'plan.restore',
			audience: planDocumentAudience(input.document, input.sharedWithId),
			data: { planId: input.planId, document: input.document, versionId: row.id }
		});
		return { safetyVersionId: safety.id, restoreVersionId: row.id };
	});
}
