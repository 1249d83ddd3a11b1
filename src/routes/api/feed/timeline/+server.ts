import { timeline } from '$lib/server/feed';
import { jsonAnswer, jsonEndpoint, jsonMessage } from '$lib/server/http/edge';
import { idParam } from '$lib/shared/ids';
import type { RequestHandler } from './$types';

/**
 * GET ?channel=<id>&cursor=<post id>&after=<post id>: a page of the timeline (no channel = the
 * home timeline). `cursor` pages back in time, `after` fetches what is newer (the "new posts" bar).
 */
export const GET: RequestHandler = jsonEndpoint({}, async ({ event, user }) => {
	const { url } = event;
	const channelId = idParam(url, 'channel');
	const cursor = idParam(url, 'cursor');
	const after = idParam(url, 'after');
	if (channelId === null || cursor === null || after === null) {
		return jsonMessage(400, { key: 'feed_api_parameter' }, { code: 'INVALID' });
	}
	return jsonAnswer(await timeline(event.locals.runtime.db, user, { channelId, cursor, after }));
});
