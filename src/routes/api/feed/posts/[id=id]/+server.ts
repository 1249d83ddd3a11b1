import { getPost } from '$lib/server/feed';
import { feedJson, feedJsonNotFound, feedUnauthorised } from '$lib/server/feed/edge';
import type { RequestHandler } from './$types';

/** GET: one post as the reader may see it (404 when unknown or not theirs to read). */
export const GET: RequestHandler = async ({ locals, params }) => {
	if (!locals.user) return feedUnauthorised();
	const post = await getPost(locals.runtime.db, locals.user, params.id);
	return post ? feedJson(post) : feedJsonNotFound();
};
