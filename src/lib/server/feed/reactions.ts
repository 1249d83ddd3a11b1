import { and, eq } from 'drizzle-orm';
import { canContributeInChannel, liveAudienceOf } from '../access/feed-policy.ts';
import type { Db } from '../db/client.ts';
import { feedReactions } from '../db/schema.ts';
import { publishLiveEvent } from '../live/events.ts';
import { reactionInput, type ReactionSummary } from '../../shared/feed.ts';
import { visiblePost } from './access.ts';
import { parseInput, postLink } from './common.ts';
import { DomainError } from '../errors.ts';
import { itemByActor } from './mentions.ts';
import { channelName, notifyFeed } from './notify.ts';
import { reactionsOf } from './timeline.ts';
import type { Actor } from '../access/actor.ts';
import { actorName } from '../command.ts';

// Reactions: one per person per emoji, toggled. Seen by whoever may see the reactor's company in
// that channel (a partner never learns that another partner reacted to an announcement).

/** Adds or takes back a reaction; returns the post's reactions as the actor now sees them. */
export async function toggleReaction(
	db: Db,
	actor: Actor,
	input: { postId: string; emoji: string }
): Promise<ReactionSummary[]> {
	const data = parseInput(reactionInput, input);
	const found = await visiblePost(db, actor, data.postId);
	if (!found || found.post.hidden) throw new DomainError('NOT_FOUND', { field: 'postId' });
	const { post, channel } = found;
	if (channel.archived) throw new DomainError('CHANNEL_ARCHIVED');
	if (post.deleted || !canContributeInChannel(actor, channel)) throw new DomainError('FORBIDDEN');
	const item = itemByActor(actor);
	const [name, chName] = [await actorName(db, actor), await channelName(db, channel.id)];
	await db.transaction(async (tx) => {
		const removed = await tx
			.delete(feedReactions)
			.where(
				and(
					eq(feedReactions.postId, post.id),
					eq(feedReactions.userId, actor.id),
					eq(feedReactions.emoji, data.emoji)
				)
			)
			.returning({ postId: feedReactions.postId });
		// Two toggles at once (a double click) both find nothing to remove: the second insert
		// waits for the first and then adds nothing, instead of a unique violation (a 500).
		const added =
			removed.length === 0 &&
			(
				await tx
					.insert(feedReactions)
					.values({
						postId: post.id,
						userId: actor.id,
						emoji: data.emoji,
						organisationId: actor.organisationId
					})
					.onConflictDoNothing()
					.returning({ postId: feedReactions.postId })
			).length > 0;
		await publishLiveEvent(tx, {
			type: 'feed.reaction.changed',
			audience: liveAudienceOf(channel, item),
			data: { channelId: channel.id, postId: post.parentId ?? post.id }
		});
		if (added && post.authorId && post.authorId !== actor.id) {
			await notifyFeed(tx, channel, item, {
				kind: 'feed_reaction',
				userIds: [post.authorId],
				data: { actorName: name, channelName: chName, emoji: data.emoji },
				link: postLink(post.parentId ?? post.id, post.parentId ? post.id : null)
			});
		}
	});
	return (await reactionsOf(db, actor, [post.id])).get(post.id) ?? [];
}
