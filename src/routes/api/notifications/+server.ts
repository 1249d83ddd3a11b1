import { jsonAnswer, jsonEndpoint } from '$lib/server/http/edge';
import { countUnread, listNotifications, markRead } from '$lib/server/notifications';
import { markReadInput } from '$lib/shared/notifications';
import type { RequestHandler } from './$types';

/** GET ?before=<cursor>&limit=<n>: a page of the signed-in person's notifications. */
export const GET: RequestHandler = jsonEndpoint({}, async ({ event, user }) => {
	const { url } = event;
	const db = event.locals.runtime.db;
	const limit = Number(url.searchParams.get('limit') ?? 20);
	const page = await listNotifications(db, user.id, {
		before: url.searchParams.get('before'),
		limit: Number.isFinite(limit) ? limit : 20
	});
	return jsonAnswer({ ...page, unread: await countUnread(db, user.id) });
});

/** POST { ids: [...] } or { all: true }: marks the person's own notifications read. */
export const POST: RequestHandler = jsonEndpoint(
	{ body: markReadInput, hint: 'notifications_api_hint' },
	async ({ event, user, body }) => {
		const ids = 'all' in body ? 'all' : body.ids;
		return jsonAnswer(await markRead(event.locals.runtime.db, user.id, ids));
	}
);
