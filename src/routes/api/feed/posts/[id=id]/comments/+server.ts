import { getPost, listComments } from '$lib/server/feed';
import { feedJson, feedJsonError, feedJsonNotFound, feedUnauthorised } from '$lib/server/feed/edge';
import type { RequestHandler } from './$types';

/** GET: every comment of a post the reader may see, oldest first. */
export const GET: RequestHandler = async ({ locals, params }) => {
	if (!locals.user) return feedUnauthorised();
	const db = locals.runtime.db;
	try {
		if (!(await getPost(db, locals.user, params.id))) return feedJsonNotFound();
		return feedJson({ items: await listComments(db, locals.user, params.id) });
	} catch (cause) {
		return feedJsonError(cause);
	}
};
