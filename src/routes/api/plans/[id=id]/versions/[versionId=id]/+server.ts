import { jsonAnswer, jsonEndpoint, jsonNotFound } from '$lib/server/http/edge';
import { planAccess } from '$lib/server/plans/history-http';
import { versionRow } from '$lib/server/plans/versions';
import type { PlanVersionState } from '$lib/shared/plan-history';
import type { RequestHandler } from './$types';

/** GET: one version's content (base64 of its Yjs state), for the read-only preview. */
export const GET: RequestHandler = jsonEndpoint({}, async ({ event, user }) => {
	const { params } = event;
	const db = event.locals.runtime.db;
	const resolved = await planAccess(db, user, params.id);
	if (!resolved) return jsonNotFound();
	const version = await versionRow(db, params.id, params.versionId);
	// An internal-notes version is a 404 for whoever may not open the internal notes.
	if (!version || (version.document === 'internal' && resolved.internal === 'none'))
		return jsonNotFound();
	const body: PlanVersionState = {
		id: params.versionId,
		kind: version.kind,
		name: version.name,
		createdAt: version.createdAt.toISOString(),
		state: Buffer.from(version.state).toString('base64')
	};
	return jsonAnswer(body);
});
