export { notify, markRead, type NotifyInput } from './commands.ts';
export { listNotifications, countUnread, ownNotifications } from './queries.ts';
export { toNotificationItem } from './shape.ts';
