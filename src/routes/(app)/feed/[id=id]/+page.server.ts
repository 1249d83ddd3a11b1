import { notFound } from '$lib/server/http/edge';
import { canCreateChannel, requireUser } from '$lib/server/access';
import { getChannel, listChannels, pinnedPosts, setMembership, timeline } from '$lib/server/feed';
import { DomainError } from '$lib/server/errors';
import type { Actions, PageServerLoad } from './$types';
import { feedActions } from '../actions.server';

// One channel: its header (a community's banner names the companies that see it), pinned posts,
// its timeline and composer. Opening it marks it read for the person.

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const user = requireUser(locals, url);
	const db = locals.runtime.db;
	const channel = await getChannel(db, user, params.id);
	if (!channel) notFound();
	const [channels, pinned, page] = await Promise.all([
		listChannels(db, user),
		pinnedPosts(db, user, channel.id),
		timeline(db, user, { channelId: channel.id })
	]);
	if (channel.membership === 'joined' && !channel.archived) {
		await setMembership(db, user, { channelId: channel.id, action: 'read' }).catch(
			(cause: unknown) => {
				if (!(cause instanceof DomainError)) throw cause;
			}
		);
	}
	return {
		me: user.id,
		channel,
		channels: channels.map((c) => (c.id === channel.id ? { ...c, unread: 0 } : c)),
		pinned,
		timeline: page,
		canCreate: canCreateChannel(user, 'internal')
	};
};

export const actions: Actions = feedActions;
