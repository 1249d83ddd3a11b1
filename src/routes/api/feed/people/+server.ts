import { mentionCandidates } from '$lib/server/feed';
import {
	feedJson,
	feedJsonError,
	feedJsonFailure,
	feedUnauthorised,
	idParam
} from '$lib/server/feed/edge';
import type { RequestHandler } from './$types';

/** GET ?channel=<id>&q=<prefix>[&post=<id>]: people the reader may mention there (≤ 8). */
export const GET: RequestHandler = async ({ locals, url }) => {
	if (!locals.user) return feedUnauthorised();
	const channelId = idParam(url, 'channel');
	const postId = idParam(url, 'post');
	if (!channelId || postId === null) {
		return feedJsonFailure(400, 'channel must be a channel id.', 'INVALID', 'channel');
	}
	const q = (url.searchParams.get('q') ?? '').trim().slice(0, 80);
	try {
		const items = await mentionCandidates(locals.runtime.db, locals.user, { channelId, q, postId });
		return feedJson({ items });
	} catch (cause) {
		return feedJsonError(cause);
	}
};
