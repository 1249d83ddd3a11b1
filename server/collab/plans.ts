import type { Hocuspocus } from '@hocuspocus/server';
import { and, eq } from 'drizzle-orm';
import { readBytes } from '../../src/lib/server/db/bytes.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { planVersions } from '../../src/lib/server/db/schema.ts';
import type { Logger } from '../../src/lib/server/log/index.ts';
import { planDocumentAccess } from '../../src/lib/server/plans/access.ts';
import { applyRestoredState } from '../../src/lib/server/plans/versions.ts';
import { planDocumentName } from '../../src/lib/shared/collab.ts';
import { PLAN_DOCUMENTS, type PlanDocument } from '../../src/lib/shared/enums.ts';
import { nextTurn } from '../../src/lib/server/turns.ts';
import type { CollabContext, Transport } from './context.ts';

/** Live events the collaboration server acts on (published by the plan pages and history). */
export const PLAN_ACCESS_CHANGED = 'plan.access.changed';
export const PLAN_RESTORE = 'plan.restore';

/**
 * Sharing changed, a partner was removed or narrowed, the plan was deleted: asks the policy again
 * for every connection to the plan's two documents on this process. Those that lost access, and
 * those whose rights changed (read ↔ write), are closed with 4403; the client reconnects and is
 * let in with its new rights, or refused. Returns the transports it closed.
 */
export async function recheckPlanConnections(options: {
	hocuspocus: Hocuspocus<CollabContext>;
	db: Db;
	planId: string;
	close: (transport: Transport) => void;
}): Promise<number> {
	const { hocuspocus, db, planId } = options;
	const closing = new Set<Transport>();
	for (const kind of PLAN_DOCUMENTS) {
		const name = planDocumentName(planId, kind);
		let document = hocuspocus.documents.get(name);
		const loading = hocuspocus.loadingDocuments.get(name);
		if (!document && loading) {
			// Hocuspocus lets a connection in (with the access it had) before its document has
			// loaded, and attaches it after: wait for both, or it would keep its old rights.
			document = await loading.catch(() => undefined);
			await nextTurn();
		}
		if (!document) continue;
		for (const connection of document.getConnections()) {
			const context = connection.context as CollabContext;
			if (!context.actor || closing.has(context.transport)) continue;
			const access = await planDocumentAccess(db, context.actor, document.name);
			if (access === 'none' || (access === 'read') !== connection.readOnly) {
				closing.add(context.transport);
			}
		}
	}
	for (const transport of closing) options.close(transport);
	return closing.size;
}

/**
 * A version was restored (versions.ts `restoreVersion`): the restoring update is already merged
 * into plan_documents and the event names the 'restore' version holding that full state. When the
 * document is loaded here, apply it: Yjs skips what the live copy already has, so the live content
 * becomes the version's (plus whatever was typed concurrently) on every client. Several processes
 * applying the same state is harmless for the same reason. Returns whether it applied.
 */
export async function applyPlanRestore(options: {
	hocuspocus: Hocuspocus<CollabContext>;
	db: Db;
	log: Logger;
	planId: string;
	document: PlanDocument;
	versionId: string;
}): Promise<boolean> {
	const { hocuspocus, db, planId, document, versionId } = options;
	const name = planDocumentName(planId, document);
	if (!hocuspocus.documents.has(name) && !hocuspocus.loadingDocuments.has(name)) return false;
	const state = await readBytes(
		db,
		planVersions,
		planVersions.state,
		and(
			eq(planVersions.id, versionId),
			eq(planVersions.planId, planId),
			eq(planVersions.document, document)
		)!
	);
	if (!state) {
		options.log.warn({ planId, document, versionId }, 'restored version not found');
		return false;
	}
	// A document still loading reads plan_documents, which already has the restore.
	const live = hocuspocus.documents.get(name);
	if (!live) return false;
	applyRestoredState(live, state);
	return true;
}
