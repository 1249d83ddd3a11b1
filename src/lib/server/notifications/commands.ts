import { and, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { parseCursor } from '../db/keyset.ts';
import { notifications } from '../db/schema.ts';
import { publishLiveEvent } from '../live/events.ts';
import type {
	NotificationCreatedEvent,
	NotificationItem,
	NotificationReadEvent
} from '../../shared/notifications.ts';
import { countUnread, ownNotifications } from './queries.ts';
import { toNotificationItem } from './shape.ts';

export type NotifyInput = {
	userIds: string[];
	/** Names the message the menu shows (messages/notifications: notifications_kind_<kind>). */
	kind: string;
	/** The message's parameters: short labels, never documents (they travel in a live event). */
	data?: Record<string, unknown>;
	/** Where clicking leads: a path inside the app. */
	link?: string | null;
};

function checkLink(link: string | null | undefined): string | null {
	if (!link) return null;
	// A path of this site only: no scheme, no protocol-relative //host.
	if (!link.startsWith('/') || link.startsWith('//') || link.startsWith('/\\')) {
		throw new Error('A notification link must be a path inside the app');
	}
	return link;
}

/**
 * One notification per user, each announced live to its user only, in the caller's transaction.
 * Returns the created items, keyed like `userIds` (duplicates removed).
 */
export async function notify(
	db: Db,
	input: NotifyInput
): Promise<Array<NotificationItem & { userId: string }>> {
	const userIds = [...new Set(input.userIds)];
	if (userIds.length === 0) return [];
	const link = checkLink(input.link);
	const data = input.data ?? {};
	return db.transaction(async (tx) => {
		const rows = await tx
			.insert(notifications)
			.values(userIds.map((userId) => ({ userId, kind: input.kind, data, link })))
			.returning();
		const counts = await tx
			.select({ userId: notifications.userId, n: sql<number>`count(*)::int` })
			.from(notifications)
			.where(and(inArray(notifications.userId, userIds), isNull(notifications.readAt)))
			.groupBy(notifications.userId);
		const unread = new Map(counts.map((c) => [c.userId, c.n]));
		const created = [];
		for (const row of rows) {
			const item = toNotificationItem(row);
			const event: NotificationCreatedEvent = { ...item, unread: unread.get(row.userId) ?? 1 };
			await publishLiveEvent(tx, {
				type: 'notification.created',
				audience: { users: [row.userId] },
				data: event
			});
			created.push({ ...item, userId: row.userId });
		}
		return created;
	});
}

/**
 * Marks the user's own notifications read (others' ids are ignored, as `canReadNotification`
 * says) and tells the user's other tabs. Returns the ids that changed and the new unread count.
 */
export async function markRead(
	db: Db,
	userId: string,
	which: string[] | 'all'
): Promise<NotificationReadEvent> {
	// Only well-formed ids reach SQL; unknown or foreign ones simply match nothing.
	if (which !== 'all') which = which.filter((id) => parseCursor(id, 'uuid') !== null);
	if (which !== 'all' && which.length === 0) {
		return { ids: [], unread: await countUnread(db, userId) };
	}
	return db.transaction(async (tx) => {
		const rows = await tx
			.update(notifications)
			.set({ readAt: sql`now()` })
			.where(
				and(
					ownNotifications(userId),
					isNull(notifications.readAt),
					which === 'all' ? undefined : inArray(notifications.id, which)
				)
			)
			.returning({ id: notifications.id });
		const unread = await countUnread(tx, userId);
		const result: NotificationReadEvent = {
			ids: which === 'all' ? 'all' : rows.map((row) => row.id),
			unread
		};
		if (rows.length > 0) {
			await publishLiveEvent(tx, {
				type: 'notification.read',
				audience: { users: [userId] },
				data: result
			});
		}
		return result;
	});
}
