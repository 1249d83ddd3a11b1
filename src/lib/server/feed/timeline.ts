import { and, asc, desc, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';
import {
	canContributeInChannel,
	canDeletePost,
	canEditPost,
	canModerateFeed,
	canPinPost,
	canReportPost,
	type ChannelFacts
} from '../access/feed-policy.ts';
import type { Actor } from '../access/policy.ts';
import type { Db } from '../db/client.ts';
import { clampLimit, olderThan, parseCursor } from '../db/keyset.ts';
import {
	feedChannelOrganisations,
	feedChannels,
	feedMemberships,
	feedPosts,
	feedReactions,
	organisations
} from '../db/schema.ts';
import { REACTIONS } from '../../shared/enums.ts';
import {
	TIMELINE_PAGE,
	type AttachmentItem,
	type CommentItem,
	type PersonLabel,
	type PostItem,
	type ReactionSummary,
	type TimelinePage
} from '../../shared/feed.ts';
import {
	readableChannel,
	readableChannels,
	visibleContributions,
	visiblePost,
	visibleReactor
} from './access.ts';
import { loadPeople } from './common.ts';
import { FeedError } from './errors.ts';
import { attachmentsOf } from './files.ts';
import { tokenResolver } from './mentions.ts';

// Reading the feed: the home timeline (every channel the person reads and has not left), one
// channel, pinned posts, one post and its comments. A page costs one query for the posts, then a
// few batched IN-list queries (channels, comments, authors, reactions, attachments, token labels),
// never one per post. Keyset order (created_at desc, id desc) on feed_posts_timeline_idx and
// feed_posts_channel_idx.

const LAST_COMMENTS = 3;
const PINNED_MAX = 10;
/** Up to this many channels, the home timeline reads each channel's index and merges them. */
const MERGE_CHANNELS = 32;

const hostOrganisation = sql`(select ${organisations.id} from ${organisations} where ${organisations.kind} = 'host')`;

const postColumns = {
	id: feedPosts.id,
	channelId: feedPosts.channelId,
	parentId: feedPosts.parentId,
	kind: feedPosts.kind,
	authorId: feedPosts.authorId,
	authorOrganisationId: feedPosts.authorOrganisationId,
	body: feedPosts.body,
	data: feedPosts.data,
	pinnedAt: feedPosts.pinnedAt,
	editedAt: feedPosts.editedAt,
	deletedAt: feedPosts.deletedAt,
	hiddenAt: feedPosts.hiddenAt,
	createdAt: feedPosts.createdAt
};
type PostRow = {
	id: string;
	channelId: string;
	parentId: string | null;
	kind: 'message' | 'activity';
	authorId: string | null;
	authorOrganisationId: string | null;
	body: string;
	data: Record<string, unknown>;
	pinnedAt: Date | null;
	editedAt: Date | null;
	deletedAt: Date | null;
	hiddenAt: Date | null;
	createdAt: Date;
};

/** SQL over feed_posts: hidden rows only for moderators and their author. */
function hiddenRule(actor: Actor): SQL | undefined {
	if (canModerateFeed(actor)) return undefined;
	return sql`(${feedPosts.hiddenAt} is null or ${feedPosts.authorId} = ${actor.id})`;
}

/** SQL over feed_posts: a deleted post stays (as a tombstone) while it has a visible comment. */
function deletedRule(actor: Actor): SQL {
	const commentVisible =
		actor.organisationKind === 'host'
			? sql`true`
			: sql`(c.author_organisation_id is null or c.author_organisation_id = ${hostOrganisation}
				or c.author_organisation_id = ${actor.organisationId}
				or exists (select 1 from ${feedChannels} ch join ${feedChannelOrganisations} co on co.channel_id = ch.id
					where ch.id = c.channel_id and ch.kind = 'community' and co.organisation_id = c.author_organisation_id))`;
	return sql`(${feedPosts.deletedAt} is null or exists (
		select 1 from ${feedPosts} c where c.parent_id = ${feedPosts.id}
		and c.deleted_at is null and c.hidden_at is null and ${commentVisible}))`;
}

/** Top-level posts this person may see in a listing. */
function listable(actor: Actor): SQL {
	return and(
		isNull(feedPosts.parentId),
		visibleContributions(actor),
		hiddenRule(actor),
		deletedRule(actor)
	)!;
}

/** Rows strictly newer than the `after` row in (created_at, id) order. */
function newerThan(after: string): SQL {
	return sql`(${feedPosts.createdAt}, ${feedPosts.id}) > (select ${feedPosts.createdAt}, ${feedPosts.id} from ${feedPosts} where ${feedPosts.id} = ${after})`;
}

/** The channels of the home timeline: readable and not left. */
async function homeChannelIds(db: Db, actor: Actor): Promise<string[]> {
	const rows = await db
		.select({ id: feedChannels.id })
		.from(feedChannels)
		.where(
			and(
				readableChannels(actor),
				sql`not exists (select 1 from ${feedMemberships} where ${feedMemberships.channelId} = ${feedChannels.id}
					and ${feedMemberships.userId} = ${actor.id} and ${feedMemberships.state} = 'left')`
			)
		);
	return rows.map((r) => r.id);
}

export type TimelineInput = {
	channelId?: string | null;
	cursor?: string | null;
	after?: string | null;
	limit?: number;
};

/**
 * A page of posts, newest first: one channel (NOT_FOUND when not readable) or the home timeline.
 * `cursor` = the last post id shown (older posts follow); `after` = a post id: the posts newer than
 * it (the "N new posts" bar), newest first, up to the limit.
 */
export async function timeline(
	db: Db,
	actor: Actor,
	input: TimelineInput = {}
): Promise<TimelinePage> {
	const limit = clampLimit(input.limit, TIMELINE_PAGE, 50);
	const cursor = parseCursor(input.cursor, 'uuid');
	const after = parseCursor(input.after, 'uuid');
	const keyset = after ? newerThan(after) : cursor ? olderThan(feedPosts, cursor) : undefined;
	const page = (channel: SQL) =>
		db
			.select(postColumns)
			.from(feedPosts)
			.where(and(channel, listable(actor), keyset))
			.orderBy(desc(feedPosts.createdAt), desc(feedPosts.id))
			.limit(limit + 1);

	let rows: PostRow[];
	if (input.channelId) {
		const channel = await readableChannel(db, actor, input.channelId);
		if (!channel) throw new FeedError('NOT_FOUND', 'channelId');
		rows = await page(eq(feedPosts.channelId, channel.id));
	} else {
		const ids = await homeChannelIds(db, actor);
		if (ids.length === 0) rows = [];
		else if (ids.length === 1) rows = await page(eq(feedPosts.channelId, ids[0]));
		else if (ids.length <= MERGE_CHANNELS) {
			// Each channel's newest rows from its own index, merged: a partner's few channels never
			// scan the whole workspace's timeline.
			const [first, second, ...rest] = ids.map((id) => page(eq(feedPosts.channelId, id)));
			rows = await unionAll(first, second, ...rest)
				.orderBy(desc(feedPosts.createdAt), desc(feedPosts.id))
				.limit(limit + 1);
		} else rows = await page(inArray(feedPosts.channelId, ids));
	}
	const more = rows.length > limit;
	const items = await hydrate(db, actor, rows.slice(0, limit));
	return {
		items,
		nextCursor: more && !after ? (items[items.length - 1]?.id ?? null) : null
	};
}

/** The pinned posts of a channel, most recently pinned first. */
export async function pinnedPosts(db: Db, actor: Actor, channelId: string): Promise<PostItem[]> {
	const channel = await readableChannel(db, actor, channelId);
	if (!channel) throw new FeedError('NOT_FOUND', 'channelId');
	const rows = await db
		.select(postColumns)
		.from(feedPosts)
		.where(
			and(
				eq(feedPosts.channelId, channel.id),
				isNotNull(feedPosts.pinnedAt),
				isNull(feedPosts.deletedAt),
				listable(actor)
			)
		)
		.orderBy(desc(feedPosts.pinnedAt), desc(feedPosts.id))
		.limit(PINNED_MAX);
	return hydrate(db, actor, rows);
}

/** A top-level post as this person may see it; null when unknown or not theirs to see. */
export async function getPost(db: Db, actor: Actor, postId: string): Promise<PostItem | null> {
	const found = await visiblePost(db, actor, postId);
	if (!found || found.post.parentId) return null;
	const rows = await db
		.select(postColumns)
		.from(feedPosts)
		.where(and(eq(feedPosts.id, found.post.id), hiddenRule(actor)));
	if (rows.length === 0) return null;
	const [item] = await hydrate(db, actor, rows);
	return item ?? null;
}

/** Every visible comment of a post, oldest first (NOT_FOUND when the post is not visible). */
export async function listComments(db: Db, actor: Actor, postId: string): Promise<CommentItem[]> {
	const post = await getPost(db, actor, postId);
	if (!post) throw new FeedError('NOT_FOUND', 'postId');
	const rows = await db
		.select(postColumns)
		.from(feedPosts)
		.where(and(eq(feedPosts.parentId, post.id), commentRule(actor)))
		.orderBy(asc(feedPosts.createdAt), asc(feedPosts.id));
	const channels = await channelsOf(db, [post.channel.id]);
	const context = await loadContext(db, actor, rows);
	const channel = channels.get(post.channel.id)!;
	return rows.map((row) => toComment(actor, channel.facts, row, context));
}

/** Comments this person may see (not deleted; hidden ones for moderators and their author). */
function commentRule(actor: Actor): SQL {
	return and(isNull(feedPosts.deletedAt), visibleContributions(actor), hiddenRule(actor))!;
}

type ChannelInfo = { facts: ChannelFacts; name: string };

async function channelsOf(db: Db, ids: string[]): Promise<Map<string, ChannelInfo>> {
	if (ids.length === 0) return new Map();
	const rows = await db
		.select({
			id: feedChannels.id,
			kind: feedChannels.kind,
			name: feedChannels.name,
			partnerId: feedChannels.partnerId,
			archivedAt: feedChannels.archivedAt,
			organisationIds: sql<
				string[]
			>`coalesce((select array_agg(${feedChannelOrganisations.organisationId}::text) from ${feedChannelOrganisations} where ${feedChannelOrganisations.channelId} = ${feedChannels.id}), '{}')`
		})
		.from(feedChannels)
		.where(inArray(feedChannels.id, [...new Set(ids)]));
	return new Map(
		rows.map((r) => [
			r.id,
			{
				name: r.name,
				facts: {
					id: r.id,
					kind: r.kind,
					partnerId: r.partnerId,
					organisationIds: r.organisationIds ?? [],
					archived: r.archivedAt !== null
				}
			}
		])
	);
}

type Context = {
	people: Map<string, PersonLabel>;
	reactions: Map<string, ReactionSummary[]>;
	attachments: Map<string, AttachmentItem[]>;
	tokens: Awaited<ReturnType<typeof tokenResolver>>;
};

/** Reaction summaries of these posts or comments, counting only reactions the reader may see. */
export async function reactionsOf(
	db: Db,
	actor: Actor,
	postIds: string[]
): Promise<Map<string, ReactionSummary[]>> {
	const result = new Map<string, ReactionSummary[]>();
	if (postIds.length === 0) return result;
	const rows = await db
		.select({
			postId: feedReactions.postId,
			emoji: feedReactions.emoji,
			count: sql<number>`count(*)::int`,
			mine: sql<boolean>`bool_or(${feedReactions.userId} = ${actor.id})`
		})
		.from(feedReactions)
		.innerJoin(feedPosts, eq(feedPosts.id, feedReactions.postId))
		.where(
			and(
				inArray(feedReactions.postId, postIds),
				visibleReactor(actor, sql`${feedReactions.organisationId}`, sql`${feedPosts.channelId}`)
			)
		)
		.groupBy(feedReactions.postId, feedReactions.emoji);
	const order = (emoji: string) => {
		const i = (REACTIONS as readonly string[]).indexOf(emoji);
		return i < 0 ? REACTIONS.length : i;
	};
	for (const row of rows) {
		const list = result.get(row.postId) ?? [];
		list.push({ emoji: row.emoji, count: row.count, mine: row.mine });
		result.set(row.postId, list);
	}
	for (const list of result.values()) list.sort((a, b) => order(a.emoji) - order(b.emoji));
	return result;
}

async function loadContext(db: Db, actor: Actor, rows: PostRow[]): Promise<Context> {
	const ids = rows.map((r) => r.id);
	const authorIds = rows.map((r) => r.authorId).filter((id): id is string => id !== null);
	const [people, reactions, attachments, tokens] = await Promise.all([
		loadPeople(db, authorIds),
		reactionsOf(db, actor, ids),
		attachmentsOf(
			db,
			rows.filter((r) => !r.deletedAt).map((r) => r.id)
		),
		tokenResolver(
			db,
			actor,
			rows.filter((r) => !r.deletedAt).map((r) => r.body)
		)
	]);
	return {
		people: new Map(
			people.map((p) => [p.id, { id: p.id, name: p.name, organisationName: p.organisationName }])
		),
		reactions,
		attachments,
		tokens
	};
}

function toComment(
	actor: Actor,
	channel: ChannelFacts,
	row: PostRow,
	context: Context
): CommentItem {
	const deleted = row.deletedAt !== null;
	const hidden = row.hiddenAt !== null;
	return {
		id: row.id,
		postId: row.parentId ?? row.id,
		author: row.authorId ? (context.people.get(row.authorId) ?? null) : null,
		body: deleted ? '' : row.body,
		tokens: deleted ? [] : context.tokens(row.body, channel),
		reactions: context.reactions.get(row.id) ?? [],
		createdAt: row.createdAt.toISOString(),
		editedAt: row.editedAt ? row.editedAt.toISOString() : null,
		deleted,
		hidden,
		canEdit: !channel.archived && canEditPost(actor, { ...row, deleted, hidden }),
		canDelete: canDeletePost(actor, { ...row, deleted }),
		canReport: !deleted && canReportPost(actor, row),
		canModerate: canModerateFeed(actor)
	};
}

function activityHref(data: Record<string, unknown>): string | null {
	const id = typeof data.objectId === 'string' ? data.objectId : null;
	if (!id) return null;
	switch (data.objectType) {
		case 'opportunity':
			return `/opportunities/${id}`;
		case 'deal_registration':
			return `/registrations/${id}`;
		case 'plan':
			return `/plans/${id}`;
		default:
			return null;
	}
}

/** Turns post rows into what the reader sees, with a few batched queries. */
async function hydrate(db: Db, actor: Actor, posts: PostRow[]): Promise<PostItem[]> {
	if (posts.length === 0) return [];
	const postIds = posts.map((p) => p.id);
	// The last comments of each post and the visible count, in one windowed query.
	const visibleComments = db
		.select({
			...postColumns,
			rank: sql<number>`row_number() over (partition by ${feedPosts.parentId} order by ${feedPosts.createdAt} desc, ${feedPosts.id} desc)`.as(
				'rank'
			),
			total: sql<number>`(count(*) over (partition by ${feedPosts.parentId}))::int`.as('total')
		})
		.from(feedPosts)
		.where(and(inArray(feedPosts.parentId, postIds), commentRule(actor)))
		.as('visible_comments');
	const [channels, commentRows] = await Promise.all([
		channelsOf(
			db,
			posts.map((p) => p.channelId)
		),
		db
			.select()
			.from(visibleComments)
			.where(sql`${visibleComments.rank} <= ${LAST_COMMENTS}`)
	]);
	const comments = commentRows.map((r) => ({ ...r, total: Number(r.total) }));
	const context = await loadContext(db, actor, [...posts, ...comments]);
	const byPost = new Map<string, { total: number; rows: PostRow[] }>();
	for (const row of comments) {
		const entry = byPost.get(row.parentId!) ?? { total: row.total, rows: [] };
		entry.rows.push(row);
		byPost.set(row.parentId!, entry);
	}
	const items: PostItem[] = [];
	for (const row of posts) {
		const channel = channels.get(row.channelId);
		if (!channel) continue;
		const deleted = row.deletedAt !== null;
		const hidden = row.hiddenAt !== null;
		const thread = byPost.get(row.id);
		const activityData = row.kind === 'activity' ? row.data : null;
		items.push({
			id: row.id,
			channel: { id: channel.facts.id, name: channel.name, kind: channel.facts.kind },
			kind: row.kind,
			author: row.authorId ? (context.people.get(row.authorId) ?? null) : null,
			body: deleted ? '' : row.body,
			tokens: deleted ? [] : context.tokens(row.body, channel.facts),
			activity: activityData
				? {
						verb: String(activityData.verb ?? ''),
						data: activityData,
						href: activityHref(activityData)
					}
				: null,
			attachments: deleted ? [] : (context.attachments.get(row.id) ?? []),
			reactions: context.reactions.get(row.id) ?? [],
			commentCount: thread?.total ?? 0,
			comments: (thread?.rows ?? [])
				.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
				.map((c) => toComment(actor, channel.facts, c, context)),
			pinned: row.pinnedAt !== null,
			createdAt: row.createdAt.toISOString(),
			editedAt: row.editedAt ? row.editedAt.toISOString() : null,
			deleted,
			hidden,
			canEdit: !channel.facts.archived && canEditPost(actor, { ...row, deleted, hidden }),
			canDelete: canDeletePost(actor, { ...row, deleted }),
			canPin: !deleted && canPinPost(actor, channel.facts),
			canReport: !deleted && canReportPost(actor, row),
			canComment: !deleted && !hidden && canContributeInChannel(actor, channel.facts),
			canModerate: canModerateFeed(actor)
		});
	}
	return items;
}
