import { label } from '$lib/i18n';
import { m } from '$lib/paraglide/messages';
import type { NotificationItem } from '$lib/shared/notifications';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

function roleLabel(role: unknown): string {
	switch (role) {
		case 'admin':
			return m.notifications_role_admin();
		case 'manager':
			return m.notifications_role_manager();
		case 'rep':
			return m.notifications_role_rep();
		case 'partner_admin':
			return m.notifications_role_partner_admin();
		case 'partner_member':
			return m.notifications_role_partner_member();
		default:
			return text(role);
	}
}

/** The sentence a notification shows, from its kind and data, in the current language. */
export function notificationText(item: Pick<NotificationItem, 'kind' | 'data'>): string {
	const data = item.data;
	switch (item.kind) {
		case 'welcome':
			return m.notifications_kind_welcome({ organisation: text(data.organisationName) });
		case 'invitation_accepted':
			return m.notifications_kind_invitation_accepted({ name: text(data.name) });
		case 'role_changed':
			return m.notifications_kind_role_changed({ role: roleLabel(data.role) });
		case 'tier_changed':
			return m.notifications_kind_tier_changed({
				organisation: text(data.organisationName),
				tier: label('tier', typeof data.tier === 'string' ? data.tier : null)
			});
		case 'registration_submitted':
			return data.conflict === true
				? m.notifications_kind_registration_submitted_conflict({
						partner: text(data.partner),
						account: text(data.account)
					})
				: m.notifications_kind_registration_submitted({
						partner: text(data.partner),
						account: text(data.account)
					});
		case 'registration_approved':
			return m.notifications_kind_registration_approved({ account: text(data.account) });
		case 'registration_rejected':
			return m.notifications_kind_registration_rejected({ account: text(data.account) });
		case 'registration_expired':
			return m.notifications_kind_registration_expired({ account: text(data.account) });
		case 'plan_published':
			return m.plans_notification_published({ name: text(data.name), title: text(data.title) });
		case 'plan_reviewed':
			return m.plans_notification_reviewed({ name: text(data.name), title: text(data.title) });
		case 'plan_shared':
			return m.plans_notification_shared({ title: text(data.title) });
		case 'plan_owner':
			return m.plans_notification_owner({ name: text(data.name), title: text(data.title) });
		case 'plan_review_due':
			return m.plans_reminder_notification({ title: text(data.title) });
		case 'plan_mention':
			return m.notifications_kind_plan_mention({ name: text(data.name), plan: text(data.plan) });
		case 'plan_reply':
			return m.notifications_kind_plan_reply({ name: text(data.name), plan: text(data.plan) });
		case 'feed_mention':
			return m.notifications_kind_feed_mention({
				actorName: text(data.actorName),
				channelName: text(data.channelName),
				snippet: text(data.snippet)
			});
		case 'feed_reply':
			return m.notifications_kind_feed_reply({
				actorName: text(data.actorName),
				channelName: text(data.channelName),
				snippet: text(data.snippet)
			});
		case 'feed_reaction':
			return m.notifications_kind_feed_reaction({
				actorName: text(data.actorName),
				channelName: text(data.channelName),
				emoji: text(data.emoji)
			});
		case 'deal_won':
			return m.notifications_kind_deal_won({
				name: text(data.name),
				accountName: text(data.accountName)
			});
		case 'test':
			return m.notifications_kind_test();
		default:
			return m.notifications_kind_other();
	}
}
