import { and, asc, desc, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import {
	canContributeInChannel,
	canDeletePost,
	canEditPost,
	canModerateFeed,
	canPinPost,
	canReportPost,
	type ChannelFacts
} from '../access/feed-policy.ts';
import { type Actor, isHostActor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import { clampLimit, olderThan, parseCursor } from '../db/keyset.ts';
import { runPrepared, Shape } from '../db/prepared.ts';
import {
	feedChannelOrganisations,
	feedChannels,
	feedMemberships,
	feedPosts,
	feedReactions
} from '../db/schema.ts';
import { REACTIONS } from '../../shared/enums.ts';
import {
	ATTACHMENT_IMAGE_TYPES,
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
import { DomainError } from '../errors.ts';
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
	// A comment is seen by the same rule as a reaction, on its author's company (never null for comments).
	const commentVisible = visibleReactor(actor, sql`cm.author_organisation_id`, sql`cm.channel_id`);
	return sql`(${feedPosts.deletedAt} is null or exists (
		select 1 from ${feedPosts} cm where cm.parent_id = ${feedPosts.id}
		and cm.deleted_at is null and cm.hidden_at is null and ${commentVisible}))`;
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
function homeChannels(actor: Actor): SQL {
	return sql`select ${feedChannels.id} as id from ${feedChannels} where ${readableChannels(actor)}
		and not exists (select 1 from ${feedMemberships} where ${feedMemberships.channelId} = ${feedChannels.id}
			and ${feedMemberships.userId} = ${actor.id} and ${feedMemberships.state} = 'left')`;
}

export type TimelineInput = {
	channelId?: string | null;
	cursor?: string | null;
	after?: string | null;
	limit?: number;
};

/** A timestamp as `Date.prototype.toISOString` writes it (milliseconds, UTC). */
const iso = (column: SQL) =>
	sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const pageColumns = sql.join(
	Object.values(postColumns).map((column) => sql`${column}`),
	sql`, `
);

type PageRow = {
	id: string;
	channelId: string;
	parentId: string | null;
	kind: 'message' | 'activity';
	authorId: string | null;
	authorOrganisationId: string | null;
	body: string;
	data: Record<string, unknown>;
	pinned: boolean;
	deleted: boolean;
	hidden: boolean;
	createdAt: string;
	editedAt: string | null;
};
type PageJson = {
	more: boolean;
	posts: PageRow[];
	comments: (PageRow & { total: number })[];
	people: PersonLabel[];
	reactions: (ReactionSummary & { postId: string })[];
	attachments: (Omit<AttachmentItem, 'href' | 'isImage'> & { postId: string })[];
	channels: (Omit<ChannelFacts, 'organisationIds'> & { name: string; organisationIds: string[] })[];
};

/** The fields of a page row (posts or comments), as a JSON object. */
function rowObject(alias: string): SQL {
	const c = (name: string) => sql.raw(`${alias}.${name}`);
	return sql`'id', ${c('id')}, 'channelId', ${c('channel_id')}, 'parentId', ${c('parent_id')},
		'kind', ${c('kind')}, 'authorId', ${c('author_id')}, 'authorOrganisationId', ${c('author_organisation_id')},
		'body', ${c('body')}, 'data', ${c('data')}, 'pinned', ${c('pinned_at')} is not null,
		'deleted', ${c('deleted_at')} is not null, 'hidden', ${c('hidden_at')} is not null,
		'createdAt', ${iso(c('created_at'))}, 'editedAt', ${iso(c('edited_at'))}`;
}

/**
 * A page of posts, newest first: one channel (NOT_FOUND when not readable) or the home timeline.
 * `cursor` = the last post id shown (older posts follow); `after` = a post id: the posts newer than
 * it (the "N new posts" bar), newest first, up to the limit.
 *
 * One prepared statement per shape returns the whole page as JSON (posts, their last comments,
 * authors, visible reactions, attachments, channels): the driver parses it natively. Up to 32 home
 * channels, each channel's newest rows come from its own index and are merged (a partner's few
 * channels never scan the workspace's timeline); beyond, one walk of the timeline index.
 */
export async function timeline(
	db: Db,
	actor: Actor,
	input: TimelineInput = {}
): Promise<TimelinePage> {
	const limit = clampLimit(input.limit, TIMELINE_PAGE, 50);
	const cursor = parseCursor(input.cursor, 'uuid');
	const after = parseCursor(input.after, 'uuid');
	let channelId: string | null = null;
	if (input.channelId) {
		const channel = await readableChannel(db, actor, input.channelId);
		if (!channel) throw new DomainError('NOT_FOUND', { field: 'channelId' });
		channelId = channel.id;
	}

	const shape = new Shape('feed_timeline');
	shape.mark(isHostActor(actor) ? 'host' : 'partner');
	shape.mark(canModerateFeed(actor) ? 'moderator' : 'reader');
	// The actor's values as placeholders: the access rules' own SQL, bound at execution.
	const bound: Actor = {
		...actor,
		id: shape.bind('actor', actor.id) as unknown as string,
		organisationId: shape.bind('organisation', actor.organisationId) as unknown as string
	};
	const home = channelId
		? sql`select ${shape.bind('channel', channelId)}::uuid as id`
		: (shape.mark('home'), homeChannels(bound));
	const keyset = after
		? (shape.mark('after'), newerThan(shape.bind('after', after) as unknown as string))
		: cursor
			? (shape.mark('cursor'),
				olderThan(feedPosts, shape.bind('cursor', cursor) as unknown as string))
			: undefined;
	// The limit is written into the statement (one shape per limit, 1 to 50): as a placeholder, the
	// generic plan would guess its rows and cost far above the custom one, and every execution would
	// be planned afresh.
	shape.mark(`limit ${limit}`);
	const size = sql.raw(String(limit));
	const sizeAndOne = sql.raw(String(limit + 1));

	const [{ page }] = await runPrepared(db, shape, (name) => {
		const where = and(listable(bound), keyset);
		const order = sql`order by ${feedPosts.createdAt} desc, ${feedPosts.id} desc`;
		const reactor = visibleReactor(bound, sql`r.organisation_id`, sql`rp.channel_id`);
		const statement = sql`(with home as materialized (${home}),
			page as (
				(select m.* from (select id from home limit ${sql.raw(String(MERGE_CHANNELS))}) home
						cross join lateral (select ${pageColumns} from ${feedPosts}
						where ${feedPosts.channelId} = home.id and ${where} ${order} limit ${sizeAndOne}) m
					where (select count(*) from home) <= ${sql.raw(String(MERGE_CHANNELS))}
					order by m.created_at desc, m.id desc limit ${sizeAndOne})
				union all
				(select ${pageColumns} from ${feedPosts}
					where ${feedPosts.channelId} in (select id from home) and ${where}
					and (select count(*) from home) > ${sql.raw(String(MERGE_CHANNELS))}
					${order} limit ${sizeAndOne})),
			shown as (select * from page order by created_at desc, id desc limit ${size}),
			comments as (select * from (select ${pageColumns},
					row_number() over (partition by ${feedPosts.parentId} ${order}) as rank,
					(count(*) over (partition by ${feedPosts.parentId}))::int as total
				from ${feedPosts} where ${feedPosts.parentId} in (select id from shown) and ${commentRule(bound)}) v
				where rank <= ${sql.raw(String(LAST_COMMENTS))}),
			items as (select id, author_id from shown union all select id, author_id from comments)
			select json_build_object(
				'more', (select count(*) from page) > ${size},
				'posts', coalesce((select json_agg(json_build_object(${rowObject('s')})
					order by s.created_at desc, s.id desc) from shown s), '[]'),
				'comments', coalesce((select json_agg(json_build_object(${rowObject('c')}, 'total', c.total))
					from comments c), '[]'),
				'people', coalesce((select json_agg(json_build_object('id', u.id, 'name', u.name,
						'organisationName', o.name))
					from users u join organisations o on o.id = u.organisation_id
					where u.id in (select author_id from items)), '[]'),
				'reactions', coalesce((select json_agg(json_build_object('postId', x.post_id,
						'emoji', x.emoji, 'count', x.count, 'mine', x.mine))
					from (select r.post_id, r.emoji, count(*)::int as count, bool_or(r.user_id = ${bound.id}) as mine
						from feed_reactions r join feed_posts rp on rp.id = r.post_id
						where r.post_id in (select id from items) and ${reactor}
						group by r.post_id, r.emoji) x), '[]'),
				'attachments', coalesce((select json_agg(json_build_object('postId', a.post_id, 'id', a.id,
						'name', a.name, 'mime', a.mime, 'size', a.size, 'width', a.width, 'height', a.height)
						order by a.created_at, a.id)
					from feed_attachments a where a.post_id in (select id from shown where deleted_at is null)), '[]'),
				'channels', coalesce((select json_agg(json_build_object('id', ch.id, 'kind', ch.kind,
						'name', ch.name, 'partnerId', ch.partner_id, 'archived', ch.archived_at is not null,
						'organisationIds', coalesce((select json_agg(co.organisation_id) from feed_channel_organisations co
							where co.channel_id = ch.id), '[]')))
					from feed_channels ch where ch.id in (select channel_id from shown)), '[]')))`;
		return db
			.select({
				page: sql<PageJson>`${statement}`.mapWith(
					(value: unknown): PageJson =>
						(typeof value === 'string' ? JSON.parse(value) : value) as PageJson
				)
			})
			.from(sql`(values (0)) as one (x)`)
			.prepare(name);
	});
	const items = await assemble(db, actor, page);
	return {
		items,
		nextCursor: page.more && !after ? (items[items.length - 1]?.id ?? null) : null
	};
}

const isImage = (mime: string) => (ATTACHMENT_IMAGE_TYPES as readonly string[]).includes(mime);

const reactionOrder = (emoji: string) => {
	const i = (REACTIONS as readonly string[]).indexOf(emoji);
	return i < 0 ? REACTIONS.length : i;
};

/** The timeline statement's JSON, as the reader sees it (the same items as `hydrate`). */
async function assemble(db: Db, actor: Actor, page: PageJson): Promise<PostItem[]> {
	if (page.posts.length === 0) return [];
	const channels = new Map(
		page.channels.map((c) => {
			const facts: ChannelFacts = {
				id: c.id,
				kind: c.kind,
				partnerId: c.partnerId,
				organisationIds: c.organisationIds,
				archived: c.archived
			};
			return [
				c.id,
				{
					name: c.name,
					facts,
					canPin: canPinPost(actor, facts),
					canContribute: canContributeInChannel(actor, facts)
				}
			];
		})
	);
	const people = new Map(page.people.map((p) => [p.id, p]));
	const reactions = new Map<string, ReactionSummary[]>();
	for (const r of page.reactions) {
		const list = reactions.get(r.postId) ?? [];
		list.push({ emoji: r.emoji, count: r.count, mine: r.mine });
		reactions.set(r.postId, list);
	}
	for (const list of reactions.values())
		list.sort((a, b) => reactionOrder(a.emoji) - reactionOrder(b.emoji));
	const attachments = new Map<string, AttachmentItem[]>();
	for (const a of page.attachments) {
		const list = attachments.get(a.postId) ?? [];
		list.push({
			id: a.id,
			name: a.name,
			mime: a.mime,
			size: a.size,
			width: a.width,
			height: a.height,
			href: `/api/feed/files/${a.id}`,
			isImage: isImage(a.mime)
		});
		attachments.set(a.postId, list);
	}
	const threads = new Map<string, { total: number; rows: PageRow[] }>();
	for (const row of page.comments) {
		const entry = threads.get(row.parentId!) ?? { total: row.total, rows: [] };
		entry.rows.push(row);
		threads.set(row.parentId!, entry);
	}
	const bodies: string[] = [];
	for (const row of page.posts) if (!row.deleted) bodies.push(row.body);
	for (const row of page.comments) if (!row.deleted) bodies.push(row.body);
	const tokens = await tokenResolver(db, actor, bodies);
	const moderate = canModerateFeed(actor);
	const author = (row: PageRow) => (row.authorId ? (people.get(row.authorId) ?? null) : null);

	const items: PostItem[] = [];
	for (const row of page.posts) {
		const channel = channels.get(row.channelId);
		if (!channel) continue;
		const { deleted, hidden } = row;
		const thread = threads.get(row.id);
		const activityData = row.kind === 'activity' ? row.data : null;
		items.push({
			id: row.id,
			channel: { id: channel.facts.id, name: channel.name, kind: channel.facts.kind },
			kind: row.kind,
			author: author(row),
			body: deleted ? '' : row.body,
			tokens: deleted ? [] : tokens(row.body, channel.facts),
			activity: activityData
				? {
						verb: String(activityData.verb ?? ''),
						data: activityData,
						href: activityHref(activityData)
					}
				: null,
			attachments: deleted ? [] : (attachments.get(row.id) ?? []),
			reactions: reactions.get(row.id) ?? [],
			commentCount: thread?.total ?? 0,
			comments: (thread?.rows ?? [])
				.sort((a, b) =>
					a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1
				)
				.map((c) => ({
					id: c.id,
					postId: c.parentId ?? c.id,
					author: author(c),
					body: c.deleted ? '' : c.body,
					tokens: c.deleted ? [] : tokens(c.body, channel.facts),
					reactions: reactions.get(c.id) ?? [],
					createdAt: c.createdAt,
					editedAt: c.editedAt,
					deleted: c.deleted,
					hidden: c.hidden,
					canEdit: !channel.facts.archived && canEditPost(actor, c),
					canDelete: canDeletePost(actor, c),
					canReport: !c.deleted && canReportPost(actor, c),
					canModerate: moderate
				})),
			pinned: row.pinned,
			createdAt: row.createdAt,
			editedAt: row.editedAt,
			deleted,
			hidden,
			canEdit: !channel.facts.archived && canEditPost(actor, row),
			canDelete: canDeletePost(actor, row),
			canPin: !deleted && channel.canPin,
			canReport: !deleted && canReportPost(actor, row),
			canComment: !deleted && !hidden && channel.canContribute,
			canModerate: moderate
		});
	}
	return items;
}

/** The pinned posts of a channel, most recently pinned first. */
export async function pinnedPosts(db: Db, actor: Actor, channelId: string): Promise<PostItem[]> {
	const channel = await readableChannel(db, actor, channelId);
	if (!channel) throw new DomainError('NOT_FOUND', { field: 'channelId' });
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
	if (!post) throw new DomainError('NOT_FOUND', { field: 'postId' });
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
