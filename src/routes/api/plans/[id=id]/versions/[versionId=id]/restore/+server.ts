import { canManagePlan } from '$lib/server/access/plan-policy';
import { restoreVersion, versionRow } from '$lib/server/plans/versions';
import {
	failure,
	guardPlan,
	jsonResponse,
	notFound,
	readJson
} from '$lib/server/plans/history-http';
import { m } from '$lib/paraglide/messages.js';
import { restoreInput } from '$lib/shared/plan-history';
import type { RequestHandler } from './$types';

/**
 * POST { label? }: restores a version. Nothing is destroyed: the current state is kept as a named
 * version first, and the restore itself is a new version (see versions.ts).
 */
export const POST: RequestHandler = async ({ locals, params, request, url }) => {
	const input = await readJson(
		request,
		url,
		restoreInput,
		'Send { "label": "…" } (optional, the restored version as the page shows it).'
	);
	if (input instanceof Response) return input;
	const db = locals.runtime.db;
	const guard = await guardPlan(db, locals.user, params.id);
	if (guard instanceof Response) return guard;
	const version = await versionRow(db, params.id, params.versionId);
	if (!version || (version.document === 'internal' && guard.resolved.internal === 'none'))
		return notFound();
	if (!canManagePlan(guard.user, guard.resolved.facts))
		return failure(403, 'Only the people who manage this plan can restore a version.');
	const label = input.label ?? version.name ?? version.createdAt.toISOString().slice(0, 16);
	const result = await restoreVersion(db, {
		planId: params.id,
		document: version.document,
		versionId: params.versionId,
		restoredById: guard.user.id,
		safetyName: m.planHistory_safety_name({ label }),
		restoreName: m.planHistory_restore_name({ label }),
		sharedWithId: guard.resolved.facts.sharedWithId
	});
	if (!result) return failure(409, 'This plan has no stored content to restore into.');
	locals.runtime.log.info(
		{ planId: params.id, versionId: params.versionId, by: guard.user.id },
		'plan version restored'
	);
	return jsonResponse(result);
};
