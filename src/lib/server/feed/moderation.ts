import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { canModerateFeed, canReportPost } from '../access/feed-policy.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/commands.ts';
import type { Db } from '../db/client.ts';
import { clampLimit, parseCursor, toPage, type Page } from '../db/keyset.ts';
import {
	feedAttachments,
	feedChannels,
	feedMentions,
	feedPosts,
	feedReports,
	organisations,
	users
} from '../db/schema.ts';
import type { ReportStatus } from '../../shared/enums.ts';
import { moderationInput, reportInput, type ReportItem } from '../../shared/feed.ts';
import { loadPostFacts, visiblePost } from './access.ts';
import { parseInput, postLink, snippet } from './common.ts';
import { DomainError } from '../errors.ts';
import { announceChange } from './posts.ts';

// Reports and moderation. Anyone reports a post or comment of someone else that they can see;
// workspace admins hide (seen by admins and the author only, marked), unhide, remove (body erased,
// attachments deleted: a tombstone) or dismiss. Every decision is in the audit log.

/** Reports a post or comment (once per person: ALREADY_REPORTED after). */
export async function reportPost(
	db: Db,
	actor: Actor,
	input: { postId: string; reason?: string }
): Promise<{ id: string }> {
	const data = parseInput(reportInput, input);
	const found = await visiblePost(db, actor, data.postId);
	if (!found || found.post.deleted) throw new DomainError('NOT_FOUND', { field: 'postId' });
	if (!canReportPost(actor, found.post)) throw new DomainError('FORBIDDEN');
	const [row] = await db
		.insert(feedReports)
		.values({ postId: found.post.id, reporterId: actor.id, reason: data.reason })
		.onConflictDoNothing()
		.returning({ id: feedReports.id });
	if (!row) throw new DomainError('ALREADY_REPORTED');
	return row;
}

const STATUS_OF = { hide: 'hidden', remove: 'removed', dismiss: 'dismissed' } as const;
const AUDIT_ACTION = {
	hide: 'feed.post_hidden',
	unhide: 'feed.post_unhidden',
	remove: 'feed.post_removed',
	dismiss: 'feed.reports_dismissed'
} as const;

/** An admin's decision on a post or comment (audited; open reports take its outcome). */
export async function moderatePost(
	db: Db,
	actor: Actor,
	input: { postId: string; action: 'hide' | 'unhide' | 'remove' | 'dismiss' }
): Promise<void> {
	const data = parseInput(moderationInput, input);
	if (!canModerateFeed(actor)) throw new DomainError('FORBIDDEN');
	const found = await loadPostFacts(db, data.postId);
	if (!found) throw new DomainError('NOT_FOUND', { field: 'postId' });
	const { post, channel } = found;
	await db.transaction(async (tx) => {
		if (data.action === 'hide' || data.action === 'unhide') {
			await tx
				.update(feedPosts)
				.set(
					data.action === 'hide'
						? { hiddenAt: sql`now()`, hiddenById: actor.id }
						: { hiddenAt: null, hiddenById: null }
				)
				.where(eq(feedPosts.id, post.id));
		} else if (data.action === 'remove') {
			await tx
				.update(feedPosts)
				.set({
					body: '',
					search: null,
					deletedAt: sql`coalesce(${feedPosts.deletedAt}, now())`,
					hiddenAt: null,
					hiddenById: null,
					data: sql`${feedPosts.data} || '{"removed": true}'::jsonb`
				})
				.where(eq(feedPosts.id, post.id));
			await tx.delete(feedAttachments).where(eq(feedAttachments.postId, post.id));
			await tx.delete(feedMentions).where(eq(feedMentions.postId, post.id));
			if (post.parentId && !post.deleted) {
				await tx
					.update(feedPosts)
					.set({ commentCount: sql`greatest(${feedPosts.commentCount} - 1, 0)` })
					.where(eq(feedPosts.id, post.parentId));
			}
		}
		if (data.action !== 'unhide') {
			await tx
				.update(feedReports)
				.set({ status: STATUS_OF[data.action], resolvedById: actor.id, resolvedAt: sql`now()` })
				.where(and(eq(feedReports.postId, post.id), eq(feedReports.status, 'open')));
		}
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: post.authorIsHost ? null : post.authorOrganisationId,
			action: AUDIT_ACTION[data.action],
			objectType: 'feed_post',
			objectId: post.id,
			data: { channelId: channel.id, authorId: post.authorId, comment: post.parentId !== null }
		});
		if (data.action !== 'dismiss') await announceChange(tx, channel, post);
	});
}

const reporter = alias(users, 'feed_reporter');
const author = alias(users, 'feed_author');
const reporterOrg = alias(organisations, 'feed_reporter_org');
const authorOrg = alias(organisations, 'feed_author_org');

/** The reports queue, newest first, keyset by report id (admins only). */
export async function listReports(
	db: Db,
	actor: Actor,
	input: { status?: ReportStatus | 'all'; cursor?: string | null; limit?: number } = {}
): Promise<Page<ReportItem>> {
	if (!canModerateFeed(actor)) throw new DomainError('FORBIDDEN');
	const limit = clampLimit(input.limit, 20, 100);
	const cursor = parseCursor(input.cursor, 'uuid');
	const status = input.status ?? 'open';
	const rows = await db
		.select({
			id: feedReports.id,
			postId: feedReports.postId,
			reason: feedReports.reason,
			status: feedReports.status,
			createdAt: feedReports.createdAt,
			resolvedAt: feedReports.resolvedAt,
			parentId: feedPosts.parentId,
			body: feedPosts.body,
			hiddenAt: feedPosts.hiddenAt,
			data: feedPosts.data,
			channelId: feedChannels.id,
			channelName: feedChannels.name,
			channelKind: feedChannels.kind,
			reporterId: reporter.id,
			reporterName: reporter.name,
			reporterOrg: reporterOrg.name,
			authorId: author.id,
			authorName: author.name,
			authorOrg: authorOrg.name
		})
		.from(feedReports)
		.innerJoin(feedPosts, eq(feedPosts.id, feedReports.postId))
		.innerJoin(feedChannels, eq(feedChannels.id, feedPosts.channelId))
		.innerJoin(reporter, eq(reporter.id, feedReports.reporterId))
		.innerJoin(reporterOrg, eq(reporterOrg.id, reporter.organisationId))
		.leftJoin(author, eq(author.id, feedPosts.authorId))
		.leftJoin(authorOrg, eq(authorOrg.id, author.organisationId))
		.where(
			and(
				status === 'all' ? undefined : eq(feedReports.status, status),
				cursor
					? sql`(${feedReports.createdAt}, ${feedReports.id}) < (select r.created_at, r.id from ${feedReports} r where r.id = ${cursor})`
					: undefined
			)
		)
		.orderBy(desc(feedReports.createdAt), desc(feedReports.id))
		.limit(limit + 1);
	const items: ReportItem[] = rows.map((row) => ({
		id: row.id,
		postId: row.postId,
		href: row.parentId ? postLink(row.parentId, row.postId) : postLink(row.postId),
		isComment: row.parentId !== null,
		channel: { id: row.channelId, name: row.channelName, kind: row.channelKind },
		author: row.authorId
			? { id: row.authorId, name: row.authorName ?? '', organisationName: row.authorOrg }
			: null,
		reporter: { id: row.reporterId, name: row.reporterName, organisationName: row.reporterOrg },
		reason: row.reason,
		excerpt: snippet(row.body, 200),
		status: row.status,
		hidden: row.hiddenAt !== null,
		removed: row.data?.removed === true,
		createdAt: row.createdAt.toISOString(),
		resolvedAt: row.resolvedAt ? row.resolvedAt.toISOString() : null
	}));
	return toPage(items, limit, (item) => item.id);
}

/** How many reports wait for a decision (the admin menu's badge). */
export async function countOpenReports(db: Db, actor: Actor): Promise<number> {
	if (!canModerateFeed(actor)) return 0;
	const [row] = await db
		.select({ n: sql<number>`count(*)::int` })
		.from(feedReports)
		.where(inArray(feedReports.status, ['open']));
	return row?.n ?? 0;
}
