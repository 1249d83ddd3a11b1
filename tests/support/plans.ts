import * as Y from 'yjs';
import { tables, type Db } from '../../src/lib/server/db/index.ts';
import { planDocumentName } from '../../src/lib/shared/collab.ts';
import type { PlanPersonAccess, PlanShareMode } from '../../src/lib/shared/enums.ts';
import {
	meta,
	PLAN_SCHEMA_VERSION,
	richText,
	SUMMARY_FIELD,
	writeRichText
} from '../../src/lib/shared/plan-doc.ts';

export type TestPlan = typeof tables.plans.$inferSelect & {
	/** `plan.<id>` */
	shared: string;
	/** `plan.<id>.internal` */
	internal: string;
};

let counter = 0;

/** A minimal plan document: the meta map only (what a template starts with). */
export function emptyPlanState(): Uint8Array {
	const doc = new Y.Doc();
	meta(doc).set('schemaVersion', PLAN_SCHEMA_VERSION);
	meta(doc).set('locale', 'en');
	return Y.encodeStateAsUpdate(doc);
}

/**
 * An account plan (on a new account owned by `ownerId`) with both document rows, by direct
 * inserts: the collaboration tests do not depend on the plan pages' commands.
 */
export async function createTestPlan(
	db: Db,
	options: {
		ownerId: string;
		sharedWithId?: string | null;
		shareMode?: PlanShareMode | null;
		title?: string;
		/** Initial state of the shared document (default: emptyPlanState()). */
		state?: Uint8Array;
		/** Create the plan_documents rows (default true). */
		rows?: boolean;
	}
): Promise<TestPlan> {
	counter += 1;
	const name = `Account ${process.pid}-${Date.now().toString(36)}-${counter}`;
	const [account] = await db
		.insert(tables.accounts)
		.values({ name, normalisedName: name.toLowerCase(), ownerId: options.ownerId })
		.returning();
	const [plan] = await db
		.insert(tables.plans)
		.values({
			kind: 'account',
			accountId: account.id,
			title: options.title ?? `Plan ${name}`,
			locale: 'en',
			ownerId: options.ownerId,
			sharedWithId: options.sharedWithId ?? null,
			shareMode: options.sharedWithId ? (options.shareMode ?? 'editor') : null,
			createdById: options.ownerId
		})
		.returning();
	if (options.rows !== false) {
		for (const document of ['shared', 'internal'] as const) {
			const state = document === 'shared' && options.state ? options.state : emptyPlanState();
			await db.insert(tables.planDocuments).values({
				name: planDocumentName(plan.id, document),
				planId: plan.id,
				document,
				state,
				stateVector: Y.encodeStateVectorFromUpdate(state),
				byteSize: state.byteLength
			});
		}
	}
	return {
		...plan,
		shared: planDocumentName(plan.id, 'shared'),
		internal: planDocumentName(plan.id, 'internal')
	};
}

/** What a partner admin's narrowing writes. */
export async function setTestPersonAccess(
	db: Db,
	planId: string,
	userId: string,
	access: PlanPersonAccess
): Promise<void> {
	await db
		.insert(tables.planPersonAccess)
		.values({ planId, userId, access })
		.onConflictDoUpdate({
			target: [tables.planPersonAccess.planId, tables.planPersonAccess.userId],
			set: { access }
		});
}

/** A plan document whose summary is one paragraph, "Plan" (the process tests edit it). */
export function seededPlanState(): Uint8Array {
	const doc = new Y.Doc();
	writeRichText(doc, SUMMARY_FIELD, [{ type: 'paragraph', text: 'Plan' }]);
	return Y.encodeStateAsUpdate(doc);
}

/** The text of the summary's first paragraph. */
export function summaryText(doc: Y.Doc): string {
	const paragraph = richText(doc, SUMMARY_FIELD).get(0);
	const text = paragraph instanceof Y.XmlElement ? paragraph.get(0) : null;
	return text instanceof Y.XmlText ? text.toString() : '';
}
