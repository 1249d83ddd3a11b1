import { m } from '$lib/paraglide/messages';
import type { PostItem } from '$lib/shared/feed';

const text = (value: unknown): string =>
	typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

/** The sentence of an activity post (deal registered, approved, won; plan published, reviewed). */
export function activityText(activity: NonNullable<PostItem['activity']>, actor: string): string {
	const data = activity.data;
	const account = text(data.account ?? data.accountName);
	switch (activity.verb) {
		case 'registration_submitted':
			return m.feed_activity_registration_submitted({ actor, account });
		case 'registration_approved':
			return m.feed_activity_registration_approved({ actor, account });
		case 'deal_won':
			return m.feed_activity_deal_won({ actor, deal: text(data.name), account });
		case 'plan.published':
			return m.feed_activity_plan_published({ actor, title: text(data.title) });
		case 'plan.reviewed':
			return m.feed_activity_plan_reviewed({ actor, title: text(data.title) });
		default:
			return m.feed_activity_other({ actor });
	}
}
