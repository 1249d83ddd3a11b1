import { createThread, listThreads } from '$lib/server/plans/comments';
import {
	documentParam,
	failure,
	guardPlan,
	jsonResponse,
	readJson
} from '$lib/server/plans/history-http';
import { createThreadInput } from '$lib/shared/plan-history';
import type { RequestHandler } from './$types';
import { commentOutcome } from './outcome';

/** GET ?document=shared|internal: the document's threads (open and resolved). */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const document = documentParam(url);
	if (!document) return failure(400, 'document must be "shared" or "internal".');
	const db = locals.runtime.db;
	const guard = await guardPlan(db, locals.user, params.id, document);
	if (guard instanceof Response) return guard;
	return jsonResponse({ threads: await listThreads(db, guard.user, guard.resolved, document) });
};

/** POST { document, anchor: { field, start, end }, quote, body }: opens a thread. */
export const POST: RequestHandler = async ({ locals, params, request, url }) => {
	const input = await readJson(
		request,
		url,
		createThreadInput,
		'Send { "document", "anchor": { "field", "start", "end" }, "quote", "body" } (a comment of 1 to 4000 characters).'
	);
	if (input instanceof Response) return input;
	const db = locals.runtime.db;
	const guard = await guardPlan(db, locals.user, params.id, input.document);
	if (guard instanceof Response) return guard;
	return commentOutcome(await createThread(db, guard.user, guard.resolved, input), 201);
};
