import { canCreateChannel, requireUser } from '$lib/server/access';
import { listChannels, timeline } from '$lib/server/feed';
import type { Actions, PageServerLoad } from './$types';
import { feedActions } from './actions.server';

// The home timeline: every channel the person reads and has not left, newest first, with the
// channel list beside it and a composer for the channels they may post in.

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const db = locals.runtime.db;
	const [channels, page] = await Promise.all([listChannels(db, user), timeline(db, user, {})]);
	return {
		me: user.id,
		channels,
		timeline: page,
		canCreate: canCreateChannel(user, 'internal')
	};
};

export const actions: Actions = feedActions;
