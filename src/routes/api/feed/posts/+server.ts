import { createPost } from '$lib/server/feed';
import { jsonAnswer, jsonEndpoint } from '$lib/server/http/edge';
import { postInput } from '$lib/shared/feed';
import type { RequestHandler } from './$types';

/** POST { channelId, body, attachmentIds? } → 201 { id }: a new post. */
export const POST: RequestHandler = jsonEndpoint(
	{ body: postInput },
	async ({ event, user, body }) => {
		const { id } = await createPost(event.locals.runtime.db, user, body);
		return jsonAnswer({ id }, 201);
	}
);
