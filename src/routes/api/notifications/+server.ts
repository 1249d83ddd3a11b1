import { json } from '@sveltejs/kit';
import { readJsonBody } from '$lib/server/http/json';
import { countUnread, listNotifications, markRead } from '$lib/server/notifications';
import { markReadInput } from '$lib/shared/notifications';
import type { RequestHandler } from './$types';

const unauthorised = () => json({ message: 'Sign in to see your notifications.' }, { status: 401 });

/** GET ?before=<cursor>&limit=<n>: a page of the signed-in person's notifications. */
export const GET: RequestHandler = async ({ locals, url }) => {
	if (!locals.user) return unauthorised();
	const db = locals.runtime.db;
	const limit = Number(url.searchParams.get('limit') ?? 20);
	const page = await listNotifications(db, locals.user.id, {
		before: url.searchParams.get('before'),
		limit: Number.isFinite(limit) ? limit : 20
	});
	return json({ ...page, unread: await countUnread(db, locals.user.id) });
};

/** POST { ids: [...] } or { all: true }: marks the person's own notifications read. */
export const POST: RequestHandler = async ({ locals, request }) => {
	if (!locals.user) return unauthorised();
	const read = await readJsonBody(request);
	if (!read.ok) return json({ message: read.message }, { status: 400 });
	const input = markReadInput.safeParse(read.body);
	if (!input.success) {
		return json(
			{ message: 'Send { "ids": [notification ids] } (at most 100) or { "all": true }.' },
			{ status: 400 }
		);
	}
	const result = await markRead(
		locals.runtime.db,
		locals.user.id,
		'all' in input.data ? 'all' : input.data.ids
	);
	return json(result);
};
