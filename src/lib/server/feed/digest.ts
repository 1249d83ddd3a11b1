import { and, desc, eq, gt, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Actor } from '../access/actor.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import {
	feedChannels,
	feedMemberships,
	feedPosts,
	feedPreferences,
	notifications,
	organisations,
	users
} from '../db/schema.ts';
import { enqueueNextRun, scheduleRecurringJob, type JobHandlers } from '../jobs/index.ts';
import { queueEmail, type MailSettings } from '../mail/commands.ts';
import { feedDigestEmail } from '../mail/templates.ts';
import { appOrigin } from '../plans/reminders.ts';
import { readableChannels, visibleContributions } from './access.ts';
import { FEED_NOTIFICATION_KINDS } from './notify.ts';

// The daily feed digest: once a day, each person who asked for it gets one e-mail (through the
// outbox, in their language) listing their unread feed notifications and the count of new posts
// per channel they follow since the last digest. Nothing is sent when there is nothing to say.
// Each person is decided under their preferences row lock, so two runners never send twice.

export const FEED_DIGEST_JOB = 'feed.daily_digest';
/** The job looks for due digests this often; a person still gets at most one a day. */
export const DIGEST_INTERVAL_MS = 60 * 60 * 1000;
/** A digest is due this long after the previous one (a little under a day: the job is hourly). */
const DUE_AFTER_MS = 23 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 200;
const NOTIFICATIONS_LISTED = 20;

export type FeedPreferences = { dailyDigest: boolean };

export async function getFeedPreferences(db: Db, userId: string): Promise<FeedPreferences> {
	const [row] = await db
		.select({ dailyDigest: feedPreferences.dailyDigest })
		.from(feedPreferences)
		.where(eq(feedPreferences.userId, userId));
	return { dailyDigest: row?.dailyDigest ?? false };
}

export async function setFeedPreferences(
	db: Db,
	userId: string,
	input: FeedPreferences
): Promise<void> {
	await db
		.insert(feedPreferences)
		.values({ userId, dailyDigest: input.dailyDigest })
		.onConflictDoUpdate({
			target: feedPreferences.userId,
			set: { dailyDigest: input.dailyDigest, updatedAt: sql`now()` }
		});
}

const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;

function dueAt(now: Date) {
	return and(
		eq(feedPreferences.dailyDigest, true),
		eq(users.active, true),
		or(
			isNull(feedPreferences.lastDigestAt),
			lt(feedPreferences.lastDigestAt, at(new Date(now.getTime() - DUE_AFTER_MS)))
		)
	);
}

export type DigestSettings = MailSettings & { origin: string };

/** Sends the digests due at `now` (injected in tests); each person in their own transaction. */
export async function sendDailyDigests(
	db: Db,
	settings: DigestSettings,
	now: Date = new Date()
): Promise<{ sent: number }> {
	const due = await db
		.select({ userId: feedPreferences.userId })
		.from(feedPreferences)
		.innerJoin(users, eq(users.id, feedPreferences.userId))
		.where(dueAt(now))
		.limit(BATCH);
	let sent = 0;
	for (const { userId } of due) {
		if (await digestOne(db, userId, settings, now)) sent += 1;
	}
	return { sent };
}

async function digestOne(
	db: Db,
	userId: string,
	settings: DigestSettings,
	now: Date
): Promise<boolean> {
	return db.transaction(async (tx) => {
		await tx
			.select({ userId: feedPreferences.userId })
			.from(feedPreferences)
			.where(eq(feedPreferences.userId, userId))
			.for('update');
		const [person] = await tx
			.select({
				id: users.id,
				name: users.name,
				email: users.email,
				locale: users.locale,
				role: users.role,
				organisationId: users.organisationId,
				organisationKind: organisations.kind,
				lastDigestAt: feedPreferences.lastDigestAt
			})
			.from(feedPreferences)
			.innerJoin(users, eq(users.id, feedPreferences.userId))
			.innerJoin(organisations, eq(organisations.id, users.organisationId))
			.where(and(eq(feedPreferences.userId, userId), dueAt(now)));
		if (!person) return false;
		const since = person.lastDigestAt ?? new Date(now.getTime() - DAY_MS);
		const actor: Actor = {
			id: person.id,
			role: person.role,
			organisationId: person.organisationId,
			organisationKind: person.organisationKind
		};
		const unread = await tx
			.select({ kind: notifications.kind, data: notifications.data })
			.from(notifications)
			.where(
				and(
					eq(notifications.userId, userId),
					isNull(notifications.readAt),
					inArray(notifications.kind, [...FEED_NOTIFICATION_KINDS]),
					gt(notifications.createdAt, at(since))
				)
			)
			.orderBy(desc(notifications.createdAt))
			.limit(NOTIFICATIONS_LISTED);
		const channels = await newPostsPerChannel(tx, actor, since, now);
		await tx
			.update(feedPreferences)
			.set({ lastDigestAt: at(now) })
			.where(eq(feedPreferences.userId, userId));
		if (unread.length === 0 && channels.length === 0) return false;
		const text = (value: unknown) => (typeof value === 'string' ? value : '');
		const email = feedDigestEmail({
			locale: person.locale,
			name: person.name,
			notifications: unread.map((n) => ({
				kind: n.kind,
				actorName: text(n.data.actorName),
				channelName: text(n.data.channelName),
				snippet: text(n.data.snippet) || undefined,
				emoji: text(n.data.emoji) || undefined,
				name: text(n.data.name) || undefined
			})),
			channels,
			link: `${settings.origin.replace(/\/$/, '')}/feed`,
			preferencesLink: `${settings.origin.replace(/\/$/, '')}/account`
		});
		await queueEmail(
			tx,
			{ to: person.email, subject: email.subject, text: email.text, kind: 'feed_digest' },
			settings
		);
		return true;
	});
}

/** New visible top-level posts by others, per channel the person follows, in (since, now]. */
async function newPostsPerChannel(
	db: Db,
	actor: Actor,
	since: Date,
	now: Date
): Promise<{ name: string; count: number }[]> {
	const followed = sql`(${feedMemberships.state} = 'joined' or ${feedChannels.kind} = 'announcements'
		or (${feedChannels.kind} = 'partner' and ${feedChannels.partnerId} = ${actor.organisationId}))`;
	const rows = await db
		.select({ name: feedChannels.name, count: sql<number>`count(*)::int` })
		.from(feedPosts)
		.innerJoin(feedChannels, eq(feedChannels.id, feedPosts.channelId))
		.leftJoin(
			feedMemberships,
			and(eq(feedMemberships.channelId, feedChannels.id), eq(feedMemberships.userId, actor.id))
		)
		.where(
			and(
				readableChannels(actor),
				followed,
				isNull(feedPosts.parentId),
				isNull(feedPosts.deletedAt),
				isNull(feedPosts.hiddenAt),
				or(isNull(feedPosts.authorId), ne(feedPosts.authorId, actor.id)),
				gt(feedPosts.createdAt, at(since)),
				sql`${feedPosts.createdAt} <= ${at(now)}`,
				visibleContributions(actor)
			)
		)
		.groupBy(feedChannels.id, feedChannels.name)
		.orderBy(desc(sql`count(*)`), feedChannels.name);
	return rows;
}

/** At start: enqueues the first digest run unless one is already waiting. */
export async function scheduleFeedJobs(db: Db): Promise<void> {
	await scheduleRecurringJob(db, FEED_DIGEST_JOB);
}

/** The handlers of the feed jobs; the digest job enqueues its next run itself. */
export function feedJobHandlers(config: Config): JobHandlers {
	return {
		[FEED_DIGEST_JOB]: async (_payload, ctx) => {
			const result = await sendDailyDigests(ctx.db, {
				smtpUrl: config.smtpUrl,
				origin: appOrigin(config)
			});
			if (result.sent > 0) ctx.log.info(result, 'feed digests sent');
			await enqueueNextRun(ctx.db, FEED_DIGEST_JOB, ctx.jobId, DIGEST_INTERVAL_MS);
		}
	};
}
