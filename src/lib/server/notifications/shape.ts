import type { NotificationItem } from '../../shared/notifications.ts';
import type { notifications } from '../db/schema.ts';

type Row = Pick<
	typeof notifications.$inferSelect,
	'id' | 'kind' | 'data' | 'link' | 'readAt' | 'createdAt'
>;

/** The browser's shape: dates as ISO strings, identical from a load, the API or the live stream. */
export function toNotificationItem(row: Row): NotificationItem {
	return {
		id: row.id,
		kind: row.kind,
		data: row.data,
		link: row.link,
		readAt: row.readAt ? row.readAt.toISOString() : null,
		createdAt: row.createdAt.toISOString()
	};
}
