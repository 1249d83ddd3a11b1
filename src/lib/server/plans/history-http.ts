import type { SessionUser } from '../auth/sessions.ts';
import { jsonMessage, jsonNotFound } from '../http/edge.ts';
import type { Db } from '../db/client.ts';
import type { PlanDocument } from '../../shared/enums.ts';
import { resolvePlanAccess, type ResolvedPlan } from './access.ts';

// What the JSON endpoints of plan history and comments share beyond the one JSON plumbing
// (http/edge.ts jsonEndpoint: the signed-in person, the body, the refusals): the plan's access — a
// plan or document the person may not open is a 404, never a 403 — and the `document` parameter.

/** The plan's access for the person, or null when they may not open it (or its internal notes). */
export async function planAccess(
	db: Db,
	user: SessionUser,
	planId: string,
	document?: PlanDocument
): Promise<ResolvedPlan | null> {
	const resolved = await resolvePlanAccess(db, user, planId);
	if (!resolved || resolved.access === 'none') return null;
	if (document === 'internal' && resolved.internal === 'none') return null;
	return resolved;
}

/** The `document` query parameter: 'shared' (default) or 'internal'; null when invalid. */
export function documentParam(url: URL): PlanDocument | null {
	const value = url.searchParams.get('document') ?? 'shared';
	return value === 'shared' || value === 'internal' ? value : null;
}

/**
 * A GET's plan document (`?document=`), with the person's access to it: else the answer to give
 * (400 for a document that is neither, 404 for a plan or document they may not open).
 */
export async function requestedDocument(
	db: Db,
	user: SessionUser,
	planId: string,
	url: URL
): Promise<{ document: PlanDocument; resolved: ResolvedPlan } | Response> {
	const document = documentParam(url);
	if (!document) {
		return jsonMessage(400, { key: 'planHistory_api_document' }, { code: 'INVALID' });
	}
	const resolved = await planAccess(db, user, planId, document);
	return resolved ? { document, resolved } : jsonNotFound();
}
