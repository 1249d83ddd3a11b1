import { z } from 'zod';
import { idSchema } from './ids.ts';

// What the browser knows about a notification: the same shape from a page load, the API and the
// live stream (dates as ISO strings, so JSON round-trips unchanged).

/**
 * Kinds with a message of their own (messages/notifications), and the data each one reads:
 * welcome { organisationName }, invitation_accepted { name }, role_changed { role }, test {};
 * the feed's feed_mention, feed_reply, feed_reaction { actorName, channelName, snippet, emoji? }
 * and deal_won { actorName, channelName, name, accountName }.
 * Any other kind renders with a generic text.
 */
export const NOTIFICATION_KINDS = [
	'welcome',
	'invitation_accepted',
	'role_changed',
	'test',
	'feed_mention',
	'feed_reply',
	'feed_reaction',
	'deal_won'
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export type NotificationItem = {
	id: string;
	kind: string;
	data: Record<string, unknown>;
	link: string | null;
	readAt: string | null;
	createdAt: string;
};

/** What the notifications menu receives from the layout. */
export type NotificationsSummary = { unread: number; items: NotificationItem[] };

/** `notification.read`: these ids (or all) are read now; `unread` is the new count. */
export type NotificationReadEvent = { ids: string[] | 'all'; unread: number };

/** `notification.created` carries the item plus the new unread count. */
export type NotificationCreatedEvent = NotificationItem & { unread: number };

export const MAX_MARK_READ_IDS = 100;

/** Body of POST /api/notifications. */
export const markReadInput = z.union([
	z.strictObject({ ids: z.array(idSchema).min(1).max(MAX_MARK_READ_IDS) }),
	z.strictObject({ all: z.literal(true) })
]);
export type MarkReadInput = z.infer<typeof markReadInput>;
