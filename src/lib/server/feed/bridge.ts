import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { feedChannels, feedPosts, opportunities, organisations, users } from '../db/schema.ts';
import { publishLiveEvent } from '../live/events.ts';
import { notify } from '../notifications/commands.ts';
import { ensurePartnerChannel, partnerChannelId } from './channels.ts';
import { postLink } from './common.ts';

// The activity bridge: events people care about in a partner's world become activity posts in
// that partner's channel, inside the transaction of recordActivity (so of the change itself).
// Host-only activities (organisationId null) are not posted. Later capabilities add their verbs
// (meeting summaries, visits) to FEED_ACTIVITY_VERBS.

export const FEED_ACTIVITY_VERBS: readonly string[] = [
	'registration_submitted',
	'registration_approved',
	'deal_won',
	'plan.published',
	'plan.reviewed'
];

export type BridgedActivity = {
	id: string;
	actorId: string | null;
	organisationId: string | null;
	verb: string;
	objectType: string;
	objectId: string;
	data: Record<string, unknown>;
};

/** Posts the activity in its partner's channel when its verb is one the feed shows. */
export async function bridgeActivity(
	tx: Db,
	activity: BridgedActivity
): Promise<{ postId: string } | null> {
	if (!activity.organisationId || !FEED_ACTIVITY_VERBS.includes(activity.verb)) return null;
	const [partner] = await tx
		.select({ id: organisations.id, name: organisations.name })
		.from(organisations)
		.where(and(eq(organisations.id, activity.organisationId), eq(organisations.kind, 'partner')));
	if (!partner) return null;
	const channelId =
		(await partnerChannelId(tx, partner.id)) ?? (await ensurePartnerChannel(tx, partner)).id;
	const [post] = await tx
		.insert(feedPosts)
		.values({
			channelId,
			kind: 'activity',
			authorId: activity.actorId,
			// Written by Relais on the host's side: every reader of the channel sees it.
			authorOrganisationId: null,
			activityId: activity.id,
			data: {
				...activity.data,
				verb: activity.verb,
				objectType: activity.objectType,
				objectId: activity.objectId
			}
		})
		.returning({ id: feedPosts.id, createdAt: feedPosts.createdAt });
	await tx
		.update(feedChannels)
		.set({ lastPostAt: post.createdAt })
		.where(eq(feedChannels.id, channelId));
	await publishLiveEvent(tx, {
		type: 'feed.post.created',
		audience: { organisation: partner.id },
		data: { channelId, postId: post.id, authorId: activity.actorId }
	});
	if (activity.verb === 'deal_won' && activity.objectType === 'opportunity') {
		await notifyDealWon(tx, activity, partner, channelId, post.id);
	}
	return { postId: post.id };
}

/**
 * A partner's deal won: its partner admins and the deal's owner (when one of its people) hear of
 * it. Registrations already notify on their own (deals/commands.ts), so nothing is doubled.
 */
async function notifyDealWon(
	tx: Db,
	activity: BridgedActivity,
	partner: { id: string; name: string },
	channelId: string,
	postId: string
): Promise<void> {
	const admins = await tx
		.select({ id: users.id })
		.from(users)
		.where(
			and(
				eq(users.organisationId, partner.id),
				eq(users.role, 'partner_admin'),
				eq(users.active, true)
			)
		);
	const [deal] = await tx
		.select({ ownerId: users.id })
		.from(opportunities)
		.innerJoin(users, eq(users.id, opportunities.ownerId))
		.where(
			and(
				eq(opportunities.id, activity.objectId),
				eq(users.organisationId, partner.id),
				eq(users.active, true)
			)
		);
	const recipients = [...admins.map((a) => a.id), ...(deal ? [deal.ownerId] : [])].filter(
		(id) => id !== activity.actorId
	);
	if (recipients.length === 0) return;
	const [actor] = activity.actorId
		? await tx.select({ name: users.name }).from(users).where(eq(users.id, activity.actorId))
		: [];
	const [channel] = await tx
		.select({ name: feedChannels.name })
		.from(feedChannels)
		.where(and(eq(feedChannels.id, channelId), ne(feedChannels.kind, 'internal')));
	await notify(tx, {
		userIds: recipients,
		kind: 'deal_won',
		data: {
			actorName: actor?.name ?? '',
			channelName: channel?.name ?? partner.name,
			name: String(activity.data.name ?? ''),
			accountName: String(activity.data.accountName ?? '')
		},
		link: postLink(postId)
	});
}
