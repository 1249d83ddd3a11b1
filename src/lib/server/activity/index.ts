export { recordActivity, type ActivityInput } from './commands.ts';
export {
	listActivities,
	countActivities,
	visibleActivities,
	type ActivityItem
} from './queries.ts';
