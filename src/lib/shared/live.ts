import type {
	FeedCommentEvent,
	FeedPostChangedEvent,
	FeedPostEvent,
	FeedReactionEvent,
	FeedReadEvent
} from './feed.ts';
import type { NotificationCreatedEvent, NotificationReadEvent } from './notifications.ts';

// The events the live stream carries to the browser, by type. The server strips the audience.

export type ActivityCreatedEvent = {
	id: string;
	actorId: string | null;
	organisationId: string | null;
	verb: string;
	objectType: string;
	objectId: string;
	createdAt: string;
	/** Omitted when too large for a live event: reload the feed to get it. */
	data?: Record<string, unknown>;
};

export type ImportProgressEvent = {
	importId: string;
	status: 'queued' | 'running' | 'done' | 'failed';
	total: number;
	processed: number;
	created: number;
	updated: number;
	rejected: number;
};

export type LiveEventMap = {
	'notification.created': NotificationCreatedEvent;
	'notification.read': NotificationReadEvent;
	'activity.created': ActivityCreatedEvent;
	/** Progress of a CSV import, to the person who started it (after every batch, and at the end). */
	'import.progress': ImportProgressEvent;
	/** An opportunity's stage (or another field) changed: boards and lists reload their data. */
	'opportunity.changed': { id: string; stage?: string; version?: number };
	/** A comment thread of a plan document changed: open pages reload the document's threads. */
	'plan.comment': { planId: string; document: 'shared' | 'internal' };
	/** A version of a plan document was restored (the collaboration server applies it live). */
	'plan.restore': { planId: string; document: 'shared' | 'internal'; versionId: string };
	/** A plan's row changed (status, review, sharing, owner, deleted): lists and pages reload. */
	'plan.changed': { id: string };
	/** Who is editing a plan on one collaboration process (plans/presence.ts). */
	'plan.presence': { planId: string; processId: string; users: { id: string; name: string }[] };
	/** A new top-level post (message or activity) in a channel: the "N new posts" bar counts it. */
	'feed.post.created': FeedPostEvent;
	/** A new comment on a post (the audience is the comment's, not the post's). */
	'feed.comment.created': FeedCommentEvent;
	/** Someone reacted or took a reaction back (audience from the reactor's company). */
	'feed.reaction.changed': FeedReactionEvent;
	/** A post or comment was edited, deleted, pinned, hidden or removed: refetch the post. */
	'feed.post.changed': FeedPostChangedEvent;
	/** The person read a channel in another tab: its unread count is now 0. */
	'feed.read': FeedReadEvent;
	/** Sent once before the server ends a stream whose session is gone; the client stops there. */
	'session.ended': Record<string, never>;
};

export type LiveEventType = keyof LiveEventMap;

/** One message on the wire (the SSE `data:` line). */
export type LiveMessage = { type: string; data: Record<string, unknown> };
