import { timeline } from '$lib/server/feed';
import {
	feedJson,
	feedJsonError,
	feedJsonFailure,
	feedUnauthorised,
	idParam
} from '$lib/server/feed/edge';
import type { RequestHandler } from './$types';

/**
 * GET ?channel=<id>&cursor=<post id>&after=<post id>: a page of the timeline (no channel = the
 * home timeline). `cursor` pages back in time, `after` fetches what is newer (the "new posts" bar).
 */
export const GET: RequestHandler = async ({ locals, url }) => {
	if (!locals.user) return feedUnauthorised();
	const channelId = idParam(url, 'channel');
	const cursor = idParam(url, 'cursor');
	const after = idParam(url, 'after');
	if (channelId === null || cursor === null || after === null) {
		return feedJsonFailure(400, 'channel, cursor and after must be ids.', 'INVALID');
	}
	try {
		return feedJson(await timeline(locals.runtime.db, locals.user, { channelId, cursor, after }));
	} catch (cause) {
		return feedJsonError(cause);
	}
};
