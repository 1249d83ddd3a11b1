import { authorize, canModerateFeed, requireUser } from '$lib/server/access';
import { listReports } from '$lib/server/feed';
import type { Actions, PageServerLoad } from './$types';
import { feedActions } from '../../feed/actions.server';

// The moderation queue: open reports first (keyset paged), each with hide / unhide / remove /
// dismiss behind a confirmation dialog. The admin layout guards /admin; the feed rule decides.

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	authorize(canModerateFeed(user));
	const status = url.searchParams.get('status') === 'all' ? 'all' : 'open';
	const page = await listReports(locals.runtime.db, user, {
		status,
		cursor: url.searchParams.get('cursor')
	});
	return { status, page, cursor: url.searchParams.get('cursor') };
};

export const actions: Actions = { moderate: feedActions.moderate };
