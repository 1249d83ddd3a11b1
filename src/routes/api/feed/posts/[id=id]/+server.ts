import { getPost } from '$lib/server/feed';
import { jsonAnswer, jsonEndpoint, jsonNotFound } from '$lib/server/http/edge';
import type { RequestHandler } from './$types';

/** GET: one post as the reader may see it (404 when unknown or not theirs to read). */
export const GET: RequestHandler = jsonEndpoint({}, async ({ event, user }) => {
	const post = await getPost(event.locals.runtime.db, user, event.params.id);
	return post ? jsonAnswer(post) : jsonNotFound();
});
