import { getPost, listComments } from '$lib/server/feed';
import { jsonAnswer, jsonEndpoint, jsonNotFound } from '$lib/server/http/edge';
import type { RequestHandler } from './$types';

/** GET: every comment of a post the reader may see, oldest first. */
export const GET: RequestHandler = jsonEndpoint({}, async ({ event, user }) => {
	const db = event.locals.runtime.db;
	const id = event.params.id;
	if (!(await getPost(db, user, id))) return jsonNotFound();
	return jsonAnswer({ items: await listComments(db, user, id) });
});
