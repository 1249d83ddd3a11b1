import { jsonAnswer, jsonEndpoint, jsonNotFound } from '$lib/server/http/edge';
import { createThread, listThreads } from '$lib/server/plans/comments';
import { planAccess, requestedDocument } from '$lib/server/plans/history-http';
import { createThreadInput } from '$lib/shared/plan-history';
import type { RequestHandler } from './$types';
import { commentOutcome } from './outcome';

/** GET ?document=shared|internal: the document's threads (open and resolved). */
export const GET: RequestHandler = jsonEndpoint({}, async ({ event, user }) => {
	const db = event.locals.runtime.db;
	const asked = await requestedDocument(db, user, event.params.id, event.url);
	if (asked instanceof Response) return asked;
	return jsonAnswer({ threads: await listThreads(db, user, asked.resolved, asked.document) });
});

/** POST { document, anchor: { field, start, end }, quote, body }: opens a thread. */
export const POST: RequestHandler = jsonEndpoint(
	{ body: createThreadInput, hint: 'planHistory_api_thread_hint' },
	async ({ event, user, body }) => {
		const db = event.locals.runtime.db;
		const resolved = await planAccess(db, user, event.params.id, body.document);
		if (!resolved) return jsonNotFound();
		return commentOutcome(await createThread(db, user, resolved, body), 201);
	}
);
