import { fail } from '@sveltejs/kit';
import { isId } from '$lib/shared/ids';
import { requireUser } from '$lib/server/access/guard';
import { countUnread, listNotifications, markRead } from '$lib/server/notifications';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 20;

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const db = locals.runtime.db;
	const before = url.searchParams.get('before');
	const page = await listNotifications(db, user.id, { before, limit: PAGE_SIZE });
	return {
		items: page.items,
		nextCursor: page.nextCursor,
		firstPage: !before,
		unread: await countUnread(db, user.id)
	};
};

export const actions: Actions = {
	/** Without JavaScript too: a plain form marks everything read. */
	readAll: async ({ locals, url }) => {
		const user = requireUser(locals, url);
		const result = await markRead(locals.runtime.db, user.id, 'all');
		return { unread: result.unread };
	},
	read: async ({ locals, url, request }) => {
		const user = requireUser(locals, url);
		const ids = (await request.formData()).getAll('id').filter((v) => typeof v === 'string');
		// Not ids (an id column refuses other text, which was a 500): the same refusal.
		if (ids.length === 0 || ids.length > 100 || !ids.every(isId)) {
			return fail(400, { message: 'Choose between 1 and 100 notifications.' });
		}
		const result = await markRead(locals.runtime.db, user.id, ids);
		return { unread: result.unread };
	}
};
