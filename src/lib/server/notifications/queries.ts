import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { clampLimit, olderThan, parseCursor, toPage, type Page } from '../db/keyset.ts';
import { notifications } from '../db/schema.ts';
import type { NotificationItem } from '../../shared/notifications.ts';
import { toNotificationItem } from './shape.ts';

/** `canReadNotification` (access/policy.ts) as SQL: a notification is read only by its recipient. */
export function ownNotifications(userId: string): SQL {
	return eq(notifications.userId, userId);
}

const columns = {
	id: notifications.id,
	kind: notifications.kind,
	data: notifications.data,
	link: notifications.link,
	readAt: notifications.readAt,
	createdAt: notifications.createdAt
};

/** The user's notifications, newest first; `before` is the previous page's `nextCursor`. */
export async function listNotifications(
	db: Db,
	userId: string,
	options: { before?: string | null; limit?: number; unreadOnly?: boolean } = {}
): Promise<Page<NotificationItem>> {
	const limit = clampLimit(options.limit);
	const cursor = parseCursor(options.before, 'uuid');
	const rows = await db
		.select(columns)
		.from(notifications)
		.where(
			and(
				ownNotifications(userId),
				options.unreadOnly ? isNull(notifications.readAt) : undefined,
				cursor ? olderThan(notifications, cursor) : undefined
			)
		)
		.orderBy(desc(notifications.createdAt), desc(notifications.id))
		.limit(limit + 1);
	const page = toPage(rows, limit, (row) => row.id);
	return { items: page.items.map(toNotificationItem), nextCursor: page.nextCursor };
}

export async function countUnread(db: Db, userId: string): Promise<number> {
	const [row] = await db
		.select({ n: sql<number>`count(*)::int` })
		.from(notifications)
		.where(and(ownNotifications(userId), isNull(notifications.readAt)));
	return row.n;
}
