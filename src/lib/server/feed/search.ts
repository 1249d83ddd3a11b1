import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { feedChannels, feedPosts } from '../db/schema.ts';
import type { SearchProvider } from '../search/providers.ts';
import { visibleContributions } from './access.ts';
import { postLink, snippet } from './common.ts';

// Posts and comments in the global search: only what the person may see (visibleContributions),
// never deleted or hidden ones, nor comments of a hidden post. feed_posts.search is written by
// the commands from the body's plain text (labels of mentions and references are never stored).

/**
 * search/providers.ts's SEARCH_POOL (the same cap as every kind). Not imported: providers.ts
 * imports this module to list it, and a value import back would leave the list half-built.
 */
export const POSTS_SEARCH_POOL = 1000;
const SEARCH_POOL = POSTS_SEARCH_POOL;

export const postsProvider: SearchProvider = {
	kind: 'posts',
	async search(db: Db, actor, query, limit) {
		const tsquery = sql`to_tsquery('simple', ${query.tsquery})`;
		const matches = db
			.select({
				id: feedPosts.id,
				parentId: feedPosts.parentId,
				channelId: feedPosts.channelId,
				body: feedPosts.body,
				search: feedPosts.search,
				createdAt: feedPosts.createdAt
			})
			.from(feedPosts)
			.where(
				and(
					sql`${feedPosts.search} @@ ${tsquery}`,
					isNull(feedPosts.deletedAt),
					isNull(feedPosts.hiddenAt),
					visibleContributions(actor),
					sql`not exists (select 1 from ${feedPosts} p where p.id = ${feedPosts.parentId} and p.hidden_at is not null)`
				)
			)
			.limit(SEARCH_POOL + 1)
			.as('matches');
		const rows = await db
			.select({
				id: matches.id,
				parentId: matches.parentId,
				body: matches.body,
				channel: feedChannels.name,
				total: sql<number>`(count(*) over ())::int`
			})
			.from(matches)
			.innerJoin(feedChannels, eq(feedChannels.id, matches.channelId))
			.orderBy(
				desc(sql`ts_rank(${matches.search}, ${tsquery})`),
				desc(matches.createdAt),
				desc(matches.id)
			)
			.limit(limit);
		const count = rows[0]?.total ?? 0;
		return {
			total: Math.min(count, SEARCH_POOL),
			capped: count > SEARCH_POOL,
			hits: rows.map((row) => ({
				id: row.id,
				title: snippet(row.body, 80),
				subtitle: row.channel,
				href: row.parentId ? postLink(row.parentId, row.id) : postLink(row.id)
			}))
		};
	}
};
