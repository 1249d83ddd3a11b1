import { mentionCandidates } from '$lib/server/feed';
import { jsonAnswer, jsonEndpoint, jsonInvalidParameter } from '$lib/server/http/edge';
import { idParam } from '$lib/shared/ids';
import type { RequestHandler } from './$types';

/** GET ?channel=<id>&q=<prefix>[&post=<id>]: people the reader may mention there (≤ 8). */
export const GET: RequestHandler = jsonEndpoint({}, async ({ event, user }) => {
	const { url } = event;
	const channelId = idParam(url, 'channel');
	const postId = idParam(url, 'post');
	if (!channelId) return jsonInvalidParameter('channel');
	if (postId === null) return jsonInvalidParameter('post');
	const q = (url.searchParams.get('q') ?? '').trim().slice(0, 80);
	const items = await mentionCandidates(event.locals.runtime.db, user, { channelId, q, postId });
	return jsonAnswer({ items });
});
