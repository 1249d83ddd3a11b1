import { versionRow } from '$lib/server/plans/versions';
import { guardPlan, jsonResponse, notFound } from '$lib/server/plans/history-http';
import type { PlanVersionState } from '$lib/shared/plan-history';
import type { RequestHandler } from './$types';

/** GET: one version's content (base64 of its Yjs state), for the read-only preview. */
export const GET: RequestHandler = async ({ locals, params }) => {
	const db = locals.runtime.db;
	const guard = await guardPlan(db, locals.user, params.id);
	if (guard instanceof Response) return guard;
	const version = await versionRow(db, params.id, params.versionId);
	// An internal-notes version is a 404 for whoever may not open the internal notes.
	if (!version || (version.document === 'internal' && guard.resolved.internal === 'none'))
		return notFound();
	const body: PlanVersionState = {
		id: params.versionId,
		kind: version.kind,
		name: version.name,
		createdAt: version.createdAt.toISOString(),
		state: Buffer.from(version.state).toString('base64')
	};
	return jsonResponse(body);
};
