import { and, eq, inArray } from 'drizzle-orm';
import {
	canSeeContribution,
	type ChannelFacts,
	type ContributionFacts
} from '../access/feed-policy.ts';
import type { Db } from '../db/client.ts';
import { feedChannels, feedMemberships } from '../db/schema.ts';
import { notify } from '../notifications/commands.ts';
import { activeActors } from '../workspace/actors.ts';

// The feed's notifications, in the caller's transaction: mentions (never muted), replies and
// reactions (muted channels stay quiet), and deal_won from the activity bridge. Data are short
// labels; the link leads to the post (and the comment).

export const FEED_NOTIFICATION_KINDS = [
	'feed_mention',
	'feed_reply',
	'feed_reaction',
	'deal_won'
] as const;
export type FeedNotificationKind = (typeof FEED_NOTIFICATION_KINDS)[number];

export type FeedNotice = {
	kind: FeedNotificationKind;
	userIds: string[];
	data: { actorName: string; channelName: string; snippet?: string; emoji?: string } & Record<
		string,
		unknown
	>;
	link: string;
};

export async function channelName(db: Db, channelId: string): Promise<string> {
	const [row] = await db
		.select({ name: feedChannels.name })
		.from(feedChannels)
		.where(eq(feedChannels.id, channelId));
	return row?.name ?? '';
}

/** Of these people, those who muted the channel. */
async function mutedIn(db: Db, channelId: string, userIds: string[]): Promise<Set<string>> {
	if (userIds.length === 0) return new Set();
	const rows = await db
		.select({ userId: feedMemberships.userId })
		.from(feedMemberships)
		.where(
			and(
				eq(feedMemberships.channelId, channelId),
				inArray(feedMemberships.userId, userIds),
				eq(feedMemberships.muted, true)
			)
		);
	return new Set(rows.map((r) => r.userId));
}

/**
 * Of these people, the active ones who may see the item in this channel (a notification never
 * tells someone about what they may not read).
 */
export async function whoMaySee(
	db: Db,
	channel: ChannelFacts,
	item: ContributionFacts,
	userIds: string[]
): Promise<string[]> {
	const people = await activeActors(db, userIds);
	return people.filter((p) => canSeeContribution(p, channel, item)).map((p) => p.id);
}

/** Sends one feed notification kind; replies and reactions skip people who muted the channel. */
export async function notifyFeed(
	db: Db,
	channel: ChannelFacts,
	item: ContributionFacts,
	notice: FeedNotice
): Promise<void> {
	let recipients = await whoMaySee(db, channel, item, notice.userIds);
	if (notice.kind === 'feed_reply' || notice.kind === 'feed_reaction') {
		const muted = await mutedIn(db, channel.id, recipients);
		recipients = recipients.filter((id) => !muted.has(id));
	}
	if (recipients.length === 0) return;
	await notify(db, {
		userIds: recipients,
		kind: notice.kind,
		data: notice.data,
		link: notice.link
	});
}
