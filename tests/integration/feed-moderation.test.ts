import { DomainError } from '../../src/lib/server/errors.ts';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../src/lib/server/db/index.ts';
import {
	createComment,
	createPost,
	FEED_DIGEST_JOB,
	feedJobHandlers,
	getFeedPreferences,
	getPost,
	listReports,
	moderatePost,
	reportPost,
	scheduleFeedJobs,
	sendDailyDigests,
	setFeedPreferences,
	timeline
} from '../../src/lib/server/feed/index.ts';
import { POSTS_SEARCH_POOL } from '../../src/lib/server/feed/search.ts';
import { SEARCH_POOL, SEARCH_PROVIDERS } from '../../src/lib/server/search/index.ts';
import { searchAll } from '../../src/lib/server/search/index.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createFeedWorld, feedActor, mention, type FeedWorld } from '../support/feed.ts';
import type { TestUser } from '../support/factories.ts';

async function codeOf(work: () => Promise<unknown>): Promise<string> {
	try {
		await work();
		return 'ok';
	} catch (error) {
		if (error instanceof DomainError) return error.code;
		throw error;
	}
}

describe.each(drivers())('feed moderation, search and digest on %s', (driver) => {
	let database: TestDatabase;
	let w: FeedWorld;
	const db = () => database.db;
	const as = (u: TestUser) => feedActor(u);
	const post = (u: TestUser, channelId: string, body: string) =>
		createPost(db(), as(u), { channelId, body, attachmentIds: [] });
	const postHits = async (u: TestUser, q: string) =>
		(await searchAll(db(), as(u), q)).groups.find((g) => g.kind === 'posts')?.hits ?? [];

	beforeAll(async () => {
		database = await freshDatabase(driver);
		w = await createFeedWorld(database.db);
	});
	afterAll(async () => {
		await database.drop();
	});

	it('registers the posts provider with the common search cap', () => {
		expect(SEARCH_PROVIDERS.map((p) => p.kind)).toContain('posts');
		expect(POSTS_SEARCH_POOL).toBe(SEARCH_POOL);
	});

	it('reports once, lists reports to admins only, hides, unhides and removes with audit rows', async () => {
		const { id } = await post(w.alphaMember, w.alphaChannel, 'Rude words quokka');
		expect(await codeOf(() => reportPost(db(), as(w.alphaMember), { postId: id }))).toBe(
			'FORBIDDEN'
		);
		expect(await codeOf(() => reportPost(db(), as(w.beta), { postId: id }))).toBe('NOT_FOUND');
		await reportPost(db(), as(w.alpha), { postId: id, reason: 'rude' });
		expect(await codeOf(() => reportPost(db(), as(w.alpha), { postId: id }))).toBe(
			'ALREADY_REPORTED'
		);
		expect(await codeOf(() => listReports(db(), as(w.manager)))).toBe('FORBIDDEN');
		const queue = await listReports(db(), as(w.admin));
		expect(queue.items.map((r) => [r.postId, r.reason, r.status])).toEqual([[id, 'rude', 'open']]);

		expect(
			await codeOf(() => moderatePost(db(), as(w.manager), { postId: id, action: 'hide' }))
		).toBe('FORBIDDEN');
		await moderatePost(db(), as(w.admin), { postId: id, action: 'hide' });
		// Hidden: gone for Alpha's admin, still there (marked) for its author and the admins.
		expect(await getPost(db(), as(w.alpha), id)).toBeNull();
		expect((await getPost(db(), as(w.alphaMember), id))?.hidden).toBe(true);
		expect((await getPost(db(), as(w.admin), id))?.hidden).toBe(true);
		const page = await timeline(db(), as(w.rep), { channelId: w.alphaChannel });
		expect(page.items.map((i) => i.id)).not.toContain(id);
		expect(await postHits(w.admin, 'quokka')).toEqual([]);
		expect((await listReports(db(), as(w.admin), { status: 'hidden' })).items).toHaveLength(1);

		await moderatePost(db(), as(w.admin), { postId: id, action: 'unhide' });
		expect((await getPost(db(), as(w.alpha), id))?.hidden).toBe(false);
		await createComment(db(), as(w.rep), { postId: id, body: 'Please keep it civil' });
		await moderatePost(db(), as(w.admin), { postId: id, action: 'remove' });
		const removed = await getPost(db(), as(w.alpha), id);
		expect(removed?.deleted).toBe(true);
		expect(removed?.body).toBe('');
		const [row] = await db().select().from(tables.feedPosts).where(eq(tables.feedPosts.id, id));
		expect(row.body).toBe('');
		const actions = await db()
			.select({ action: tables.auditLog.action })
			.from(tables.auditLog)
			.where(and(eq(tables.auditLog.objectId, id), eq(tables.auditLog.objectType, 'feed_post')));
		expect(actions.map((a) => a.action)).toEqual([
			'feed.post_hidden',
			'feed.post_unhidden',
			'feed.post_removed'
		]);
	});

	it('finds posts and comments only where the reader may see them', async () => {
		const { id } = await post(w.beta, w.betaChannel, 'Beta pipeline wombat');
		expect((await postHits(w.beta, 'wombat')).map((h) => h.id)).toEqual([id]);
		expect((await postHits(w.beta, 'wombat'))[0]).toMatchObject({
			title: 'Beta pipeline wombat',
			href: `/feed/posts/${id}`
		});
		expect(await postHits(w.alpha, 'wombat')).toEqual([]);
		expect((await postHits(w.manager, 'wombat')).map((h) => h.id)).toEqual([id]);
	});

	it('sends one digest a day to those who asked, with their unread feed news, nothing when empty', async () => {
		const settings = { origin: 'http://relais.test' };
		expect(await getFeedPreferences(db(), w.betaMember.user.id)).toEqual({ dailyDigest: false });
		await setFeedPreferences(db(), w.betaMember.user.id, { dailyDigest: true });
		await setFeedPreferences(db(), w.gamma.user.id, { dailyDigest: true });
		expect(await getFeedPreferences(db(), w.betaMember.user.id)).toEqual({ dailyDigest: true });
		const outbox = async (u: TestUser) =>
			db().select().from(tables.emailOutbox).where(eq(tables.emailOutbox.toAddress, u.user.email));

		await post(w.beta, w.betaChannel, `Look ${mention(w.betaMember)} at this`);
		await post(w.alpha, w.alphaChannel, 'Alpha news that Beta never sees');
		const now = new Date(Date.now() + 60_000);
		expect((await sendDailyDigests(db(), settings, now)).sent).toBe(1);
		const [mail] = await outbox(w.betaMember);
		expect(mail.kind).toBe('feed_digest');
		expect(mail.bodyText).toContain('mentioned you');
		expect(mail.bodyText).toContain('http://relais.test/feed');
		expect(mail.bodyText).not.toContain('Alpha news');
		// Gamma had nothing new: nothing sent.
		expect(await outbox(w.gamma)).toEqual([]);
		// Once a day: a second run the same day sends nothing.
		expect((await sendDailyDigests(db(), settings, new Date(now.getTime() + 3_600_000))).sent).toBe(
			0
		);
		const next = await post(w.beta, w.betaChannel, 'Tomorrow news');
		// Posted during the next day (the clock of the test is ahead of the database's).
		await db()
			.update(tables.feedPosts)
			.set({ createdAt: new Date(now.getTime() + 2 * 3_600_000) })
			.where(eq(tables.feedPosts.id, next.id));
		const tomorrow = new Date(now.getTime() + 25 * 3_600_000);
		expect((await sendDailyDigests(db(), settings, tomorrow)).sent).toBe(1);
		const mails = await outbox(w.betaMember);
		expect(mails).toHaveLength(2);
		expect(mails.map((m) => m.bodyText).join()).toContain('1 new post');
	});

	it('schedules the digest job once and reschedules it after a run', async () => {
		await scheduleFeedJobs(db());
		await scheduleFeedJobs(db());
		const waiting = await db()
			.select()
			.from(tables.jobs)
			.where(eq(tables.jobs.kind, FEED_DIGEST_JOB));
		expect(waiting).toHaveLength(1);
		const { loadConfig } = await import('../../src/lib/server/config.ts');
		const handlers = feedJobHandlers(loadConfig({ ORIGIN: 'http://relais.example' }));
		expect(Object.keys(handlers)).toEqual([FEED_DIGEST_JOB]);
	});
});
