import { listVersions, nameCurrentVersion } from '$lib/server/plans/versions';
import {
	documentParam,
	failure,
	guardPlan,
	jsonResponse,
	readJson
} from '$lib/server/plans/history-http';
import { namedVersionInput } from '$lib/shared/plan-history';
import type { RequestHandler } from './$types';

/** GET ?document=shared|internal: the document's versions, newest first. */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const document = documentParam(url);
	if (!document) return failure(400, 'document must be "shared" or "internal".');
	const db = locals.runtime.db;
	const guard = await guardPlan(db, locals.user, params.id, document);
	if (guard instanceof Response) return guard;
	const versions = await listVersions(db, params.id, document, {
		viewer: guard.user
	});
	return jsonResponse({ versions });
};

/** POST { document, name }: names the current stored state (people who may edit the document). */
export const POST: RequestHandler = async ({ locals, params, request, url }) => {
	const input = await readJson(
		request,
		url,
		namedVersionInput,
		'Send { "document": "shared" | "internal", "name": "…" } (a name of 1 to 120 characters).'
	);
	if (input instanceof Response) return input;
	const db = locals.runtime.db;
	const guard = await guardPlan(db, locals.user, params.id, input.document);
	if (guard instanceof Response) return guard;
	const access = input.document === 'internal' ? guard.resolved.internal : guard.resolved.access;
	if (access !== 'edit')
		return failure(403, 'Only people who may edit this plan can name a version.');
	const created = await nameCurrentVersion(db, {
		planId: params.id,
		document: input.document,
		name: input.name,
		createdById: guard.user.id
	});
	if (!created) return failure(409, 'This plan has no stored content yet.');
	return jsonResponse({ id: created.id }, 201);
};
