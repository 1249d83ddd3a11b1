import { jsonAnswer, jsonEndpoint, jsonMessage, jsonNotFound } from '$lib/server/http/edge';
import { planAccess, requestedDocument } from '$lib/server/plans/history-http';
import { listVersions, nameCurrentVersion } from '$lib/server/plans/versions';
import { namedVersionInput } from '$lib/shared/plan-history';
import type { RequestHandler } from './$types';

/** GET ?document=shared|internal: the document's versions, newest first. */
export const GET: RequestHandler = jsonEndpoint({}, async ({ event, user }) => {
	const db = event.locals.runtime.db;
	const asked = await requestedDocument(db, user, event.params.id, event.url);
	if (asked instanceof Response) return asked;
	const versions = await listVersions(db, event.params.id, asked.document, { viewer: user });
	return jsonAnswer({ versions });
});

/** POST { document, name }: names the current stored state (people who may edit the document). */
export const POST: RequestHandler = jsonEndpoint(
	{ body: namedVersionInput, hint: 'planHistory_api_name_hint' },
	async ({ event, user, body }) => {
		const db = event.locals.runtime.db;
		const resolved = await planAccess(db, user, event.params.id, body.document);
		if (!resolved) return jsonNotFound();
		const access = body.document === 'internal' ? resolved.internal : resolved.access;
		if (access !== 'edit') {
			const key = 'planHistory_api_name_forbidden';
			return jsonMessage(403, { key }, { code: 'FORBIDDEN' });
		}
		const created = await nameCurrentVersion(db, {
			planId: event.params.id,
			document: body.document,
			name: body.name,
			createdById: user.id
		});
		if (!created) {
			return jsonMessage(409, { key: 'planHistory_api_no_content' }, { code: 'NO_CONTENT' });
		}
		return jsonAnswer({ id: created.id }, 201);
	}
);
