import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { FEED_ACTIVITY_VERBS } from '../feed/bridge.ts';
import { postLink } from '../feed/common.ts';
import {
	accounts,
	activities,
	feedChannelOrganisations,
	feedChannels,
	feedMemberships,
	feedMentions,
	feedPosts,
	feedReactions,
	feedReports,
	notifications,
	opportunities
} from '../db/schema.ts';
import type { Reaction } from '../../shared/enums.ts';
import { plainText } from '../../shared/markdown.ts';
import { searchDocument } from '../../shared/normalise.ts';
import { cpuMsSince } from './timing.ts';
import { DEMO_ACCOUNTS } from './demo-crm.ts';
import { DEMO_ORGANISATIONS, DEMO_USERS } from './demo.ts';
import {
	DEMO_CHANNELS,
	DEMO_POSTS,
	dealOn,
	emailOf,
	PEOPLE,
	partnerChannelFollowers,
	READ_UP_TO,
	type ChannelRef
} from './demo-feed.ts';

export type FeedSeedSummary = {
	channels: number;
	posts: number;
	comments: number;
	activityPosts: number;
	reactions: number;
	ms: number;
	/** The process's CPU time meanwhile (steadier than `ms` on a busy machine). */
	cpuMs: number;
};

type Context = {
	ago: (days: number, index?: number) => Date;
	now: Date;
	orgIds: Map<string, string>;
	userIds: Map<string, string>;
};

const HOUR = 60 * 60 * 1000;
const MINUTE = 60 * 1000;
const SNIPPET = 80;
/** Mention and reply notifications older than this are read. */
const READ_AFTER_DAYS = 5;

function lookup<T>(map: Map<string, T>, key: string, what: string): T {
	const value = map.get(key);
	if (value === undefined) throw new Error(`Demo feed seed: unknown ${what} ${key}`);
	return value;
}

type PostRow = Omit<typeof feedPosts.$inferInsert, 'search'> & {
	id: string;
	channelId: string;
	createdAt: Date;
	/** The folded text of the search vector. */
	search: string | null;
};

/**
 * Posts and comments in one statement with one parameter (a JSON array): a few hundred rows of
 * fifteen columns as bind parameters cost PGlite a third of a second, this a few milliseconds.
 */
async function insertPosts(tx: Db, rows: PostRow[]): Promise<void> {
	const json = rows.map((r) => ({
		id: r.id,
		channel_id: r.channelId,
		parent_id: r.parentId ?? null,
		kind: r.kind ?? 'message',
		author_id: r.authorId ?? null,
		author_organisation_id: r.authorOrganisationId ?? null,
		body: r.body ?? '',
		activity_id: r.activityId ?? null,
		data: r.data ?? {},
		comment_count: r.commentCount ?? 0,
		pinned_at: r.pinnedAt?.toISOString() ?? null,
		pinned_by_id: r.pinnedById ?? null,
		edited_at: r.editedAt?.toISOString() ?? null,
		doc: r.search,
		created_at: r.createdAt.toISOString()
	}));
	await tx.execute(sql`insert into ${feedPosts} (id, channel_id, parent_id, kind, author_id,
		author_organisation_id, body, activity_id, data, comment_count, pinned_at, pinned_by_id,
		edited_at, search, created_at)
	select id, channel_id, parent_id, kind, author_id, author_organisation_id, body, activity_id,
		data, comment_count, pinned_at, pinned_by_id, edited_at,
		case when doc is null then null else to_tsvector('simple', doc) end, created_at
	from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as x(id uuid, channel_id uuid,
		parent_id uuid, kind text, author_id uuid, author_organisation_id uuid, body text,
		activity_id uuid, data jsonb, comment_count int, pinned_at timestamptz, pinned_by_id uuid,
		edited_at timestamptz, doc text, created_at timestamptz)`);
}

/**
 * Writes the demo feed inside the seed's transaction, after the CRM and the plans (activity posts
 * come from their activities): a channel for every seeded partner (the migration only made one for
 * partners that existed before it ran), the announcements channel the migration created, the
 * internal and community channels, posts, comments, mentions, reactions, a pin, a report,
 * memberships with read marks, and mention and reply notifications. One statement per table.
 */
export async function insertDemoFeed(tx: Db, ctx: Context): Promise<FeedSeedSummary> {
	const started = performance.now();
	const startedCpu = process.cpuUsage();
	const { ago, now, orgIds, userIds } = ctx;
	const userByEmail = new Map(DEMO_USERS.map((u, i) => [u.email, { ...u, index: i }]));
	const personId = (alias: string) => lookup(userIds, emailOf(alias), 'user');
	const personOrg = (alias: string) =>
		lookup(orgIds, lookup(userByEmail, emailOf(alias), 'user').organisation, 'organisation');
	const aliasByEmail = new Map([...PEOPLE].map(([alias, email]) => [email, alias]));
	const aliasOf = (email: string) => lookup(aliasByEmail, email, 'person');
	const personName = (alias: string) => lookup(userByEmail, emailOf(alias), 'user').name;
	/** When the seed made the person (insert.ts: `ago(daysAgo, index)`). */
	const joinedAt = (alias: string) => {
		const u = lookup(userByEmail, emailOf(alias), 'user');
		return ago(u.daysAgo, u.index).getTime();
	};
	const notAfterNow = (time: number, index: number) =>
		new Date(Math.min(time, now.getTime() - (index + 1) * MINUTE));

	// ── Channels ───────────────────────────────────────────────────────────────────────────
	const partners = DEMO_ORGANISATIONS.filter((o) => o.kind === 'partner');
	await tx
		.insert(feedChannels)
		.values(
			partners.map((o, i) => ({
				kind: 'partner' as const,
				name: o.name,
				partnerId: lookup(orgIds, o.key, 'organisation'),
				createdAt: ago(o.daysAgo, i)
			}))
		)
		// Idempotent with the one-channel-per-partner index (H1's ensurePartnerChannel may run first).
		.onConflictDoNothing({ target: feedChannels.partnerId, where: sql.raw(`kind = 'partner'`) });
	const partnerChannels = await tx
		.select({ id: feedChannels.id, partnerId: feedChannels.partnerId, name: feedChannels.name })
		.from(feedChannels)
		.where(and(eq(feedChannels.kind, 'partner'), isNotNull(feedChannels.partnerId)));

	// The migration created the announcements channel when it ran; the demo workspace is older.
	let [announcements] = await tx
		.select({ id: feedChannels.id, name: feedChannels.name })
		.from(feedChannels)
		.where(eq(feedChannels.kind, 'announcements'))
		.orderBy(feedChannels.createdAt)
		.limit(1);
	if (announcements) {
		await tx
			.update(feedChannels)
			.set({ createdAt: ago(60) })
			.where(eq(feedChannels.id, announcements.id));
	} else {
		[announcements] = await tx
			.insert(feedChannels)
			.values({ kind: 'announcements', name: 'Announcements', createdAt: ago(60) })
			.returning({ id: feedChannels.id, name: feedChannels.name });
	}

	const own = DEMO_CHANNELS.map((c) => ({ ...c, id: randomUUID() }));
	await tx.insert(feedChannels).values(
		own.map((c, i) => ({
			id: c.id,
			kind: c.kind,
			name: c.name,
			description: c.description,
			createdById: personId(c.createdBy),
			createdAt: ago(c.daysAgo, i)
		}))
	);
	const communityRows = own.flatMap((c, i) =>
		(c.partners ?? []).map((p) => ({
			channelId: c.id,
			organisationId: lookup(orgIds, p, 'organisation'),
			createdAt: ago(c.daysAgo, i)
		}))
	);
	if (communityRows.length > 0) await tx.insert(feedChannelOrganisations).values(communityRows);

	const channels = new Map<ChannelRef, { id: string; name: string; partner: string | null }>();
	channels.set('announcements', { ...announcements, partner: null });
	for (const o of partners) {
		const row = partnerChannels.find((c) => c.partnerId === lookup(orgIds, o.key, 'organisation'));
		if (!row) throw new Error(`Demo feed seed: no channel for ${o.name}`);
		channels.set(`partner:${o.key}`, { id: row.id, name: row.name, partner: o.key });
	}
	for (const c of own) channels.set(c.ref, { id: c.id, name: c.name, partner: null });
	const channelOf = (ref: ChannelRef) => lookup(channels, ref, 'channel');

	// ── Tokens: the ids of the people, accounts and deals the bodies name ──────────────────
	const accountIds = new Map(
		(await tx.select({ id: accounts.id, name: accounts.name }).from(accounts)).map((a) => [
			a.name,
			a.id
		])
	);
	const dealRows = await tx
		.select({ id: opportunities.id, name: opportunities.name, partnerId: opportunities.partnerId })
		.from(opportunities);
	const accountId = (key: string) => {
		const account = DEMO_ACCOUNTS.find((a) => a.key === key);
		if (!account) throw new Error(`Demo feed seed: unknown account ${key}`);
		return lookup(accountIds, account.name, 'account');
	};
	const dealId = (key: string, partner: string | null) => {
		const deal = dealOn(key, partner);
		const partnerId = partner ? lookup(orgIds, partner, 'organisation') : null;
		const row = dealRows.find((d) => d.name === deal.name && d.partnerId === partnerId);
		if (!row) throw new Error(`Demo feed seed: unknown deal ${deal.name}`);
		return row.id;
	};
	const resolve = (body: string, ref: ChannelRef) => {
		const mentioned = new Set<string>();
		const text = body
			.replace(/@\{(\w+)\}/g, (_, alias: string) => {
				mentioned.add(personId(alias));
				return `@[user:${personId(alias)}]`;
			})
			.replace(/#\{(account|deal):(\w+)\}/g, (_, kind: string, key: string) =>
				kind === 'account'
					? `#[account:${accountId(key)}]`
					: `#[opportunity:${dealId(key, channelOf(ref).partner)}]`
			);
		return { text, mentioned: [...mentioned] };
	};

	// ── Posts, comments, mentions, reactions, the report ───────────────────────────────────
	const rows: PostRow[] = [];
	const mentionRows: (typeof feedMentions.$inferInsert)[] = [];
	const reactionRows: (typeof feedReactions.$inferInsert)[] = [];
	const reportRows: (typeof feedReports.$inferInsert)[] = [];
	const noticeRows: (typeof notifications.$inferInsert)[] = [];
	const snippet = (text: string) => {
		const plain = plainText(text).replace(/\s+/g, ' ').trim();
		return plain.length > SNIPPET ? `${plain.slice(0, SNIPPET - 1)}…` : plain;
	};
	const notice = (input: {
		to: string;
		kind: 'feed_mention' | 'feed_reply';
		by: string;
		channel: string;
		body: string;
		link: string;
		at: Date;
	}) => {
		const read = now.getTime() - input.at.getTime() > READ_AFTER_DAYS * 24 * HOUR;
		noticeRows.push({
			userId: input.to,
			kind: input.kind,
			data: {
				actorName: personName(input.by),
				channelName: input.channel,
				snippet: snippet(input.body)
			},
			link: input.link,
			createdAt: input.at,
			readAt: read ? new Date(input.at.getTime() + 2 * HOUR) : null
		});
	};

	DEMO_POSTS.forEach((p, n) => {
		const channel = channelOf(p.channel);
		const id = randomUUID();
		const at = notAfterNow(ago(p.daysAgo).getTime() - n * MINUTE, n);
		const { text, mentioned } = resolve(p.body, p.channel);
		const comments = p.comments ?? [];
		rows.push({
			id,
			channelId: channel.id,
			parentId: null,
			kind: 'message',
			authorId: personId(p.by),
			authorOrganisationId: personOrg(p.by),
			body: text,
			commentCount: comments.length,
			pinnedAt: p.pinned ? new Date(at.getTime() + HOUR) : null,
			pinnedById: p.pinned ? personId(p.by) : null,
			editedAt: p.edited ? new Date(at.getTime() + HOUR) : null,
			search: searchDocument(plainText(text)),
			createdAt: at
		});
		const link = postLink(id);
		for (const userId of mentioned) {
			mentionRows.push({ postId: id, userId });
			if (userId !== personId(p.by)) {
				notice({
					to: userId,
					kind: 'feed_mention',
					by: p.by,
					channel: channel.name,
					body: text,
					link,
					at
				});
			}
		}
		comments.forEach(([by, hours, body], k) => {
			const commentId = randomUUID();
			const commentAt = notAfterNow(at.getTime() + hours * HOUR, k);
			const resolved = resolve(body, p.channel);
			rows.push({
				id: commentId,
				channelId: channel.id,
				parentId: id,
				kind: 'message',
				authorId: personId(by),
				authorOrganisationId: personOrg(by),
				body: resolved.text,
				search: searchDocument(plainText(resolved.text)),
				createdAt: commentAt
			});
			const commentLink = postLink(id, commentId);
			for (const userId of resolved.mentioned) {
				mentionRows.push({ postId: commentId, userId });
				if (userId !== personId(by)) {
					notice({
						to: userId,
						kind: 'feed_mention',
						by,
						channel: channel.name,
						body: resolved.text,
						link: commentLink,
						at: commentAt
					});
				}
			}
			// The post's author hears about replies (unless named in it: that is a mention).
			const author = personId(p.by);
			if (author !== personId(by) && !resolved.mentioned.includes(author)) {
				notice({
					to: author,
					kind: 'feed_reply',
					by,
					channel: channel.name,
					body: resolved.text,
					link: commentLink,
					at: commentAt
				});
			}
		});
		let k = 0;
		for (const [emoji, people] of Object.entries(p.reactions ?? {})) {
			for (const alias of people ?? []) {
				k++;
				// Someone who joined later reacted when they arrived.
				const when = Math.max(at.getTime() + k * HOUR, joinedAt(alias) + HOUR);
				reactionRows.push({
					postId: id,
					userId: personId(alias),
					emoji: emoji as Reaction,
					organisationId: personOrg(alias),
					createdAt: notAfterNow(when, k)
				});
			}
		}
		if (p.report) {
			reportRows.push({
				postId: id,
				reporterId: personId(p.report.by),
				reason: p.report.reason,
				status: 'open',
				createdAt: notAfterNow(at.getTime() + 5 * HOUR, 0)
			});
		}
	});

	// ── Activity posts: what the activity log says happened, in the partner's channel, as ──
	// feed/bridge.ts writes them when the commands record the activity.
	const happened = await tx
		.select()
		.from(activities)
		.where(
			and(inArray(activities.verb, [...FEED_ACTIVITY_VERBS]), isNotNull(activities.organisationId))
		);
	const channelByPartnerId = new Map(partnerChannels.map((c) => [c.partnerId, c.id]));
	const partnerKeyById = new Map(
		partners.map((o) => [lookup(orgIds, o.key, 'organisation'), o.key])
	);
	let activityPosts = 0;
	for (const a of happened) {
		const channelId = channelByPartnerId.get(a.organisationId);
		const partner = a.organisationId ? partnerKeyById.get(a.organisationId) : undefined;
		if (!channelId || !partner) continue;
		const id = randomUUID();
		const labels = Object.values(a.data).filter((v): v is string => typeof v === 'string');
		rows.push({
			id,
			channelId,
			parentId: null,
			kind: 'activity',
			authorId: a.actorId,
			// Written by Relais on the host's behalf: every reader of the channel sees it.
			authorOrganisationId: null,
			body: '',
			activityId: a.id,
			data: { ...a.data, verb: a.verb, objectType: a.objectType, objectId: a.objectId },
			search: labels.length > 0 ? searchDocument(...labels) : null,
			createdAt: a.createdAt
		});
		activityPosts++;
		// A won deal gets a cheer from the partner's admin and the region's rep.
		if (a.verb === 'deal_won') {
			const cheer = [
				...DEMO_USERS.filter((u) => u.organisation === partner && u.role === 'partner_admin'),
				...partnerChannelFollowers(partner)
					.slice(0, 1)
					.map((alias) => lookup(userByEmail, emailOf(alias), 'user'))
			];
			cheer.forEach((u, k) => {
				const alias = aliasOf(u.email);
				reactionRows.push({
					postId: id,
					userId: personId(alias),
					emoji: '🎉',
					organisationId: personOrg(alias),
					createdAt: notAfterNow(
						Math.max(a.createdAt.getTime() + (k + 1) * HOUR, joinedAt(alias) + HOUR),
						k
					)
				});
			});
		}
	}

	await insertPosts(tx, rows);
	if (mentionRows.length > 0) await tx.insert(feedMentions).values(mentionRows);
	if (reactionRows.length > 0) await tx.insert(feedReactions).values(reactionRows);
	if (reportRows.length > 0) await tx.insert(feedReports).values(reportRows);
	if (noticeRows.length > 0) await tx.insert(notifications).values(noticeRows);
	await tx.execute(sql`update ${feedChannels} c set last_post_at = (
		select max(p.created_at) from ${feedPosts} p where p.channel_id = c.id and p.parent_id is null)`);

	// ── Memberships and read marks ─────────────────────────────────────────────────────────
	const members = new Map<string, { channelId: string; alias: string; ref: ChannelRef }>();
	const join = (ref: ChannelRef, alias: string) =>
		members.set(`${ref}|${alias}`, { channelId: channelOf(ref).id, alias, ref });
	for (const alias of PEOPLE.keys()) join('announcements', alias);
	for (const o of partners) {
		for (const alias of partnerChannelFollowers(o.key)) join(`partner:${o.key}`, alias);
		for (const u of DEMO_USERS.filter((u) => u.organisation === o.key)) {
			join(`partner:${o.key}`, aliasOf(u.email));
		}
	}
	for (const c of DEMO_CHANNELS) for (const alias of c.members) join(c.ref, alias);
	await tx.insert(feedMemberships).values(
		[...members.values()].map((m, i) => {
			const days = READ_UP_TO[m.alias]?.[m.ref];
			return {
				channelId: m.channelId,
				userId: personId(m.alias),
				state: 'joined' as const,
				lastReadAt: days === undefined ? notAfterNow(now.getTime(), i % 50) : ago(days),
				updatedAt: now
			};
		})
	);

	return {
		channels: channels.size,
		posts: DEMO_POSTS.length,
		comments: rows.filter((r) => r.parentId !== null).length,
		activityPosts,
		reactions: reactionRows.length,
		ms: performance.now() - started,
		cpuMs: cpuMsSince(startedCpu)
	};
}
