import { createPost } from '$lib/server/feed';
import { feedJson, feedJsonError, feedUnauthorised, readFeedJson } from '$lib/server/feed/edge';
import { postInput } from '$lib/shared/feed';
import type { RequestHandler } from './$types';

/** POST { channelId, body, attachmentIds? } → 201 { id }: a new post (same-origin only). */
export const POST: RequestHandler = async ({ locals, request, url }) => {
	if (!locals.user) return feedUnauthorised();
	const input = await readFeedJson(request, url, postInput);
	if (input instanceof Response) return input;
	try {
		const { id } = await createPost(locals.runtime.db, locals.user, input);
		return feedJson({ id }, 201);
	} catch (cause) {
		return feedJsonError(cause);
	}
};
