import { canManagePlan } from '$lib/server/access/plan-policy';
import { jsonAnswer, jsonEndpoint, jsonMessage, jsonNotFound } from '$lib/server/http/edge';
import { planAccess } from '$lib/server/plans/history-http';
import { restoreVersion, versionRow } from '$lib/server/plans/versions';
import { m } from '$lib/paraglide/messages.js';
import { restoreInput } from '$lib/shared/plan-history';
import type { RequestHandler } from './$types';

/**
 * POST { label? }: restores a version. Nothing is destroyed: the current state is kept as a named
 * version first, and the restore itself is a new version (see versions.ts).
 */
export const POST: RequestHandler = jsonEndpoint(
	{ body: restoreInput, hint: 'planHistory_api_restore_hint' },
	async ({ event, user, body }) => {
		const { locals, params } = event;
		const db = locals.runtime.db;
		const resolved = await planAccess(db, user, params.id);
		if (!resolved) return jsonNotFound();
		const version = await versionRow(db, params.id, params.versionId);
		if (!version || (version.document === 'internal' && resolved.internal === 'none'))
			return jsonNotFound();
		if (!canManagePlan(user, resolved.facts)) {
			const key = 'planHistory_api_restore_forbidden';
			return jsonMessage(403, { key }, { code: 'FORBIDDEN' });
		}
		const label = body.label ?? version.name ?? version.createdAt.toISOString().slice(0, 16);
		const result = await restoreVersion(db, {
			planId: params.id,
			document: version.document,
			versionId: params.versionId,
			restoredById: user.id,
			safetyName: m.planHistory_safety_name({ label }),
			restoreName: m.planHistory_restore_name({ label }),
			sharedWithId: resolved.facts.sharedWithId
		});
		if (!result) {
			const key = 'planHistory_api_no_content_restore';
			return jsonMessage(409, { key }, { code: 'NO_CONTENT' });
		}
		locals.runtime.log.info(
			{ planId: params.id, versionId: params.versionId, by: user.id },
			'plan version restored'
		);
		return jsonAnswer(result);
	}
);
