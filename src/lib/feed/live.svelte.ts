import { onLiveEvent } from '$lib/live/client.svelte';
import type { FeedTimeline, PostList } from './timeline.svelte';

// Live updates of a feed page: a new post by someone else raises the "N new posts" bar (the page
// does not jump); our own posts (from another tab) show at once; a comment, a reaction or a change
// of a post on screen fetches that post again and replaces it in place.

export type FeedWatch = {
	timeline?: FeedTimeline;
	/** Other lists on the page (pinned posts, a permalink). */
	others?: PostList[];
	/** The signed-in person. */
	me: string;
	/** Whether the timeline shows posts of this channel (the home timeline: every channel not left). */
	shows: (channelId: string) => boolean;
};

export function watchFeed(watch: FeedWatch): () => void {
	const lists = (): PostList[] => [
		...(watch.timeline ? [watch.timeline] : []),
		...(watch.others ?? [])
	];
	const refresh = (postId: string) => {
		for (const list of lists()) {
			if (list.has(postId)) void list.refresh(postId).catch(() => undefined);
		}
	};
	const offs = [
		onLiveEvent('feed.post.created', (event) => {
			const timeline = watch.timeline;
			if (!timeline || !watch.shows(event.channelId) || timeline.has(event.postId)) return;
			if (event.authorId === watch.me) void timeline.showOwn(event.postId).catch(() => {});
			else timeline.pending += 1;
		}),
		onLiveEvent('feed.comment.created', (event) => refresh(event.postId)),
		onLiveEvent('feed.reaction.changed', (event) => refresh(event.postId)),
		onLiveEvent('feed.post.changed', (event) => refresh(event.postId))
	];
	return () => {
		for (const off of offs) off();
	};
}
