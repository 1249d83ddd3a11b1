import { and, eq, sql } from 'drizzle-orm';
import {
	canContributeInChannel,
	canDeletePost,
	canEditPost,
	canPinPost,
	canPostInChannel,
	liveAudienceOf,
	type ChannelFacts
} from '../access/feed-policy.ts';
import type { Actor } from '../access/actor.ts';
import { actorName } from '../command.ts';
import { recordAudit } from '../audit/commands.ts';
import { searchVector } from '../crm/scope.ts';
import type { Db } from '../db/client.ts';
import { feedChannels, feedMentions, feedPosts } from '../db/schema.ts';
import { publishLiveEvent } from '../live/events.ts';
import { COMMENT_MAX_LENGTH, commentInput, editInput, postInput } from '../../shared/feed.ts';
import { readableChannel, visiblePost, type PostFacts } from './access.ts';
import { parseInput, plainText, postLink, snippet } from './common.ts';
import { DomainError } from '../errors.ts';
import { claimAttachments } from './files.ts';
import { checkMentions, checkReferences, itemByActor } from './mentions.ts';
import { channelName, notifyFeed } from './notify.ts';

// Writing in the feed: posts, comments (one level), edits, deletes and pins. Each command is one
// transaction: the change, its mentions, the audit row where it matters, the notifications and the
// live event (ids only) for exactly the people who may see the item.

/** The post or comment, visible to the actor; NOT_FOUND otherwise. */
async function visibleOrNotFound(db: Db, actor: Actor, postId: string) {
	const found = await visiblePost(db, actor, postId);
	if (!found) throw new DomainError('NOT_FOUND', { field: 'postId' });
	return found;
}

async function storeMentions(tx: Db, postId: string, userIds: string[]): Promise<void> {
	if (userIds.length === 0) return;
	await tx
		.insert(feedMentions)
		.values(userIds.map((userId) => ({ postId, userId })))
		.onConflictDoNothing();
}

/** Publishes that a post changed (or one of its comments), to the item's audience. */
export async function announceChange(
	tx: Db,
	channel: ChannelFacts,
	post: PostFacts
): Promise<void> {
	await publishLiveEvent(tx, {
		type: 'feed.post.changed',
		audience: liveAudienceOf(channel, post),
		data: { channelId: channel.id, postId: post.parentId ?? post.id }
	});
}

/** A top-level post in a channel the actor may post in. */
export async function createPost(db: Db, actor: Actor, input: unknown): Promise<{ id: string }> {
	const data = parseInput(postInput, input);
	const channel = await readableChannel(db, actor, data.channelId);
	if (!channel) throw new DomainError('NOT_FOUND', { field: 'channelId' });
	if (channel.archived) throw new DomainError('CHANNEL_ARCHIVED');
	if (!canPostInChannel(actor, channel)) throw new DomainError('FORBIDDEN');
	const mentioned = await checkMentions(db, actor, channel, data.body);
	await checkReferences(db, actor, data.body);
	const [name, chName] = [await actorName(db, actor), await channelName(db, channel.id)];
	const item = itemByActor(actor);
	return db.transaction(async (tx) => {
		const [post] = await tx
			.insert(feedPosts)
			.values({
				channelId: channel.id,
				kind: 'message',
				authorId: actor.id,
				authorOrganisationId: actor.organisationId,
				body: data.body,
				search: searchVector(plainText(data.body))
			})
			.returning({ id: feedPosts.id, createdAt: feedPosts.createdAt });
		if (data.attachmentIds.length > 0) {
			await claimAttachments(tx, actor, data.attachmentIds, post.id);
		}
		await storeMentions(tx, post.id, mentioned);
		await tx
			.update(feedChannels)
			.set({ lastPostAt: post.createdAt })
			.where(eq(feedChannels.id, channel.id));
		await publishLiveEvent(tx, {
			type: 'feed.post.created',
			audience: liveAudienceOf(channel, item),
			data: { channelId: channel.id, postId: post.id, authorId: actor.id }
		});
		await notifyFeed(tx, channel, item, {
			kind: 'feed_mention',
			userIds: mentioned.filter((id) => id !== actor.id),
			data: { actorName: name, channelName: chName, snippet: snippet(data.body) },
			link: postLink(post.id)
		});
		return { id: post.id };
	});
}

/** A comment on a post (one level): notifies the post's author and the people mentioned. */
export async function createComment(db: Db, actor: Actor, input: unknown): Promise<{ id: string }> {
	const data = parseInput(commentInput, input);
	const { post, channel } = await visibleOrNotFound(db, actor, data.postId);
	if (post.parentId) throw new DomainError('NOT_FOUND', { field: 'postId' });
	if (channel.archived) throw new DomainError('CHANNEL_ARCHIVED');
	if (post.deleted || post.hidden || !canContributeInChannel(actor, channel)) {
		throw new DomainError('FORBIDDEN');
	}
	const mentioned = await checkMentions(db, actor, channel, data.body);
	await checkReferences(db, actor, data.body);
	const [name, chName] = [await actorName(db, actor), await channelName(db, channel.id)];
	const item = itemByActor(actor);
	return db.transaction(async (tx) => {
		const [comment] = await tx
			.insert(feedPosts)
			.values({
				channelId: channel.id,
				parentId: post.id,
				kind: 'message',
				authorId: actor.id,
				authorOrganisationId: actor.organisationId,
				body: data.body,
				search: searchVector(plainText(data.body))
			})
			.returning({ id: feedPosts.id });
		await tx
			.update(feedPosts)
			.set({ commentCount: sql`${feedPosts.commentCount} + 1` })
			.where(eq(feedPosts.id, post.id));
		await storeMentions(tx, comment.id, mentioned);
		await publishLiveEvent(tx, {
			type: 'feed.comment.created',
			audience: liveAudienceOf(channel, item),
			data: { channelId: channel.id, postId: post.id, commentId: comment.id }
		});
		const labels = { actorName: name, channelName: chName, snippet: snippet(data.body) };
		const link = postLink(post.id, comment.id);
		const mentionedOthers = mentioned.filter((id) => id !== actor.id);
		await notifyFeed(tx, channel, item, {
			kind: 'feed_mention',
			userIds: mentionedOthers,
			data: labels,
			link
		});
		// The post's author hears of the reply (a mention already told them, if they were named).
		if (post.authorId && post.authorId !== actor.id && !mentionedOthers.includes(post.authorId)) {
			await notifyFeed(tx, channel, item, {
				kind: 'feed_reply',
				userIds: [post.authorId],
				data: labels,
				link
			});
		}
		return { id: comment.id };
	});
}

/** Edits one's own post or comment (marked edited); newly mentioned people are notified. */
export async function editPost(
	db: Db,
	actor: Actor,
	input: { postId: string; body: string }
): Promise<void> {
	const data = parseInput(editInput, input);
	const { post, channel } = await visibleOrNotFound(db, actor, data.postId);
	if (!canEditPost(actor, post)) throw new DomainError('FORBIDDEN');
	if (channel.archived) throw new DomainError('CHANNEL_ARCHIVED');
	if (post.parentId && data.body.length > COMMENT_MAX_LENGTH) {
		throw new DomainError('TOO_LONG', { field: 'body' });
	}
	const mentioned = await checkMentions(db, actor, channel, data.body);
	await checkReferences(db, actor, data.body);
	const [name, chName] = [await actorName(db, actor), await channelName(db, channel.id)];
	await db.transaction(async (tx) => {
		const before = await tx
			.select({ userId: feedMentions.userId })
			.from(feedMentions)
			.where(eq(feedMentions.postId, post.id));
		const had = new Set(before.map((m) => m.userId));
		await tx
			.update(feedPosts)
			.set({ body: data.body, editedAt: sql`now()`, search: searchVector(plainText(data.body)) })
			.where(eq(feedPosts.id, post.id));
		await tx.delete(feedMentions).where(eq(feedMentions.postId, post.id));
		await storeMentions(tx, post.id, mentioned);
		await announceChange(tx, channel, post);
		await notifyFeed(tx, channel, post, {
			kind: 'feed_mention',
			userIds: mentioned.filter((id) => id !== actor.id && !had.has(id)),
			data: { actorName: name, channelName: chName, snippet: snippet(data.body) },
			link: postLink(post.parentId ?? post.id, post.parentId ? post.id : null)
		});
	});
}

/** Deletes one's own post or comment (a post with comments stays as a tombstone). */
export async function deletePost(db: Db, actor: Actor, postId: string): Promise<void> {
	const { post, channel } = await visibleOrNotFound(db, actor, postId);
	if (!canDeletePost(actor, post)) throw new DomainError('FORBIDDEN');
	await db.transaction(async (tx) => {
		await tx
			.update(feedPosts)
			.set({ deletedAt: sql`now()`, search: null })
			.where(and(eq(feedPosts.id, post.id), sql`${feedPosts.deletedAt} is null`));
		if (post.parentId) {
			await tx
				.update(feedPosts)
				.set({ commentCount: sql`greatest(${feedPosts.commentCount} - 1, 0)` })
				.where(eq(feedPosts.id, post.parentId));
		}
		await announceChange(tx, channel, post);
	});
}

/** Pins a post to the top of its channel, or unpins it (host managers and admins; audited). */
export async function pinPost(
	db: Db,
	actor: Actor,
	postId: string,
	pinned: boolean
): Promise<void> {
	const { post, channel } = await visibleOrNotFound(db, actor, postId);
	if (post.parentId) throw new DomainError('NOT_FOUND', { field: 'postId' });
	if (!canPinPost(actor, channel)) throw new DomainError('FORBIDDEN');
	await db.transaction(async (tx) => {
		await tx
			.update(feedPosts)
			.set(
				pinned
					? { pinnedAt: sql`now()`, pinnedById: actor.id }
					: { pinnedAt: null, pinnedById: null }
			)
			.where(eq(feedPosts.id, post.id));
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: channel.kind === 'partner' ? channel.partnerId : null,
			action: pinned ? 'feed.post_pinned' : 'feed.post_unpinned',
			objectType: 'feed_post',
			objectId: post.id,
			data: { channelId: channel.id }
		});
		await announceChange(tx, channel, post);
	});
}
