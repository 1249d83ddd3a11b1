import { createHash } from 'node:crypto';
import { and, eq, inArray, notInArray, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import { foldedSearchVector } from '../crm/scope.ts';
import { isId } from '../../shared/ids.ts';
import { foldText } from '../../shared/normalise.ts';
import type { Db } from '../db/client.ts';
import { planActions, plans, users } from '../db/schema.ts';
import {
	PLAN_ACTION_STATUSES,
	type PlanActionStatus,
	type PlanDocument
} from '../../shared/enums.ts';
import { readRows } from '../../shared/plan-doc.ts';
import { stripForbiddenCharacters } from '../../shared/text-input.ts';
import { planTextsInThread, type PlanSearchText, type PlanTexts } from './texts.ts';
import { maybeAutoVersion } from './versions.ts';

// What follows a store of a plan document by the collaboration server: the projections the rest
// of the app reads without opening the Y.Doc (the mirrored actions for "my actions" and "overdue
// actions", the summary text and search vector for lists and search), then automatic versions.
// The Y state itself is written by the collaboration server's persistence extension before this
// runs; a failure here is logged there and repaired by the next store (everything is recomputed
// from the whole document each time).

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
// Column limits are not in the schema, but a title of a megabyte helps nobody in a list.
const MAX_TITLE = 500;

export type StoredPlanDocument = {
	planId: string;
	document: PlanDocument;
	/** The document as it was stored. */
	doc: Y.Doc;
	/** Its stored state (Y.encodeStateAsUpdate); computed from `doc` when absent. */
	state?: Uint8Array;
	/** Users whose connections sent updates since the previous store. */
	authorIds: string[];
	/** Where the search and version texts are computed (the collaboration server: a worker). */
	texts?: PlanTexts;
	/** What this process last wrote for each plan: unchanged projections are not written again. */
	written?: WrittenProjections;
};

/**
 * The projections a process last wrote, per plan (a key of the actions rows, a hash of the title
 * and search text). A store that changed neither (a keystroke elsewhere in the plan, a cursor)
 * skips their queries — most stores of a busy plan (bench/collab.ts "many plans"). Another writer
 * only ever writes projections of newer content, which the next store here compares against.
 */
export class WrittenProjections {
	private readonly actions = new Map<string, string>();
	private readonly search = new Map<string, string>();
	/** Past this many plans the memory is dropped (it only saves queries). */
	private static readonly MAX = 10_000;

	same(kind: 'actions' | 'search', planId: string, key: string): boolean {
		return (kind === 'actions' ? this.actions : this.search).get(planId) === key;
	}

	remember(kind: 'actions' | 'search', planId: string, key: string): void {
		const map = kind === 'actions' ? this.actions : this.search;
		if (map.size >= WrittenProjections.MAX) map.clear();
		map.set(planId, key);
	}
}

const hashOf = (text: string) => createHash('sha256').update(text).digest('base64');

function validDate(value: unknown): string | null {
	if (typeof value !== 'string' || !ISO_DATE.test(value)) return null;
	const date = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value ? value : null;
}

function validStatus(value: unknown): PlanActionStatus {
	return (PLAN_ACTION_STATUSES as readonly unknown[]).includes(value)
		? (value as PlanActionStatus)
		: 'todo';
}

/** The actions section as rows of plan_actions (owner ids that are not users become null). */
export async function actionRows(db: Db, planId: string, doc: Y.Doc) {
	const seen = new Set<string>();
	const actions = readRows(doc, 'actions')
		// Text read out of the document, which any client may have written: without what
		// PostgreSQL refuses in text (a NUL failed every later store of the plan).
		.map((action) =>
			typeof action.id === 'string'
				? { ...action, id: stripForbiddenCharacters(action.id) }
				: action
		)
		.filter((action) => {
			// Anything can be written into a Y.Map: keep rows with a usable id, the first of duplicates.
			if (typeof action.id !== 'string' || !action.id || action.id.length > 200) return false;
			if (seen.has(action.id)) return false;
			seen.add(action.id);
			return true;
		});
	const ownerIds = [
		...new Set(
			actions
				.map((action) => action.ownerId)
				.filter((id): id is string => isId(id))
				.map((id) => id.toLowerCase())
		)
	];
	const known = ownerIds.length
		? new Set(
				(await db.select({ id: users.id }).from(users).where(inArray(users.id, ownerIds))).map(
					(user) => user.id
				)
			)
		: new Set<string>();
	return actions.map((action, position) => {
		const owner = typeof action.ownerId === 'string' ? action.ownerId.toLowerCase() : '';
		return {
			planId,
			actionId: action.id,
			title: stripForbiddenCharacters(typeof action.title === 'string' ? action.title : '').slice(
				0,
				MAX_TITLE
			),
			ownerId: known.has(owner) ? owner : null,
			dueDate: validDate(action.due),
			status: validStatus(action.status),
			position
		};
	});
}

/** Mirrors the shared document's actions into plan_actions: current ones upserted, removed deleted. */
export async function mirrorPlanActions(
	db: Db,
	planId: string,
	doc: Y.Doc,
	written?: WrittenProjections
): Promise<void> {
	const key = JSON.stringify(readRows(doc, 'actions'));
	if (written?.same('actions', planId, key)) return;
	const rows = await actionRows(db, planId, doc);
	await db.transaction(async (tx) => {
		if (rows.length > 0) {
			await tx
				.insert(planActions)
				.values(rows)
				.onConflictDoUpdate({
					target: [planActions.planId, planActions.actionId],
					set: {
						title: sql`excluded.title`,
						ownerId: sql`excluded.owner_id`,
						dueDate: sql`excluded.due_date`,
						status: sql`excluded.status`,
						position: sql`excluded.position`,
						updatedAt: sql`now()`
					},
					// Unchanged rows keep their updated_at.
					setWhere: sql`(${planActions.title}, ${planActions.ownerId}, ${planActions.dueDate}, ${planActions.status}, ${planActions.position}) is distinct from (excluded.title, excluded.owner_id, excluded.due_date, excluded.status, excluded.position)`
				});
		}
		await tx.delete(planActions).where(
			and(
				eq(planActions.planId, planId),
				rows.length > 0
					? notInArray(
							planActions.actionId,
							rows.map((row) => row.actionId)
						)
					: undefined
			)
		);
	});
	written?.remember('actions', planId, key);
}

/** plans.summary_text and plans.search from the shared document's search text, and updated_at. */
export async function refreshPlanSearch(
	db: Db,
	planId: string,
	text: PlanSearchText | Promise<PlanSearchText>,
	written?: WrittenProjections
): Promise<void> {
	const [plan] = await db.select({ title: plans.title }).from(plans).where(eq(plans.id, planId));
	if (!plan) return;
	const { summary, folded } = await text;
	// The title is part of it: renaming a plan is picked up by its next store.
	const key = hashOf(`${plan.title}\n${summary}`);
	if (written?.same('search', planId, key)) return;
	await db
		.update(plans)
		.set({
			summaryText: summary,
			search: foldedSearchVector(`${foldText(plan.title)} ${folded}`),
			updatedAt: sql`now()`
		})
		.where(eq(plans.id, planId));
	written?.remember('search', planId, key);
}

/**
 * Called by the collaboration server after it stored a plan document: the projections of the
 * shared document, then an automatic version when one is due (versions.ts decides).
 */
export async function afterPlanStored(db: Db, input: StoredPlanDocument): Promise<void> {
	const texts = input.texts ?? planTextsInThread;
	const state = input.state ?? Y.encodeStateAsUpdate(input.doc);
	if (input.document === 'shared') {
		// Asked for first: a worker computes it while the actions are mirrored.
		const search = texts.search({ state, doc: input.doc });
		// Its failure is reported where it is awaited; not as an unhandled rejection before that.
		search.catch(() => undefined);
		await mirrorPlanActions(db, input.planId, input.doc, input.written);
		await refreshPlanSearch(db, input.planId, search, input.written);
	}
	await maybeAutoVersion(db, {
		planId: input.planId,
		document: input.document,
		state,
		authorIds: input.authorIds,
		texts
	});
}
