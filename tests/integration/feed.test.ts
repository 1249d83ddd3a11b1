import { DomainError } from '../../src/lib/server/errors.ts';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { canReceiveLiveEvent } from '../../src/lib/server/access/policy.ts';
import { recordActivity } from '../../src/lib/server/activity/index.ts';
import { tables } from '../../src/lib/server/db/index.ts';
import {
	createChannel,
	createComment,
	createPost,
	deletePost,
	editPost,
	getChannel,
	getPost,
	listChannels,
	listComments,
	mentionCandidates,
	pinPost,
	setMembership,
	timeline,
	toggleReaction,
	updateChannel
} from '../../src/lib/server/feed/index.ts';
import { startLiveBus, type LiveBus, type LiveEvent } from '../../src/lib/server/live/index.ts';
import { searchAll } from '../../src/lib/server/search/index.ts';
import { createPartnerOrganisation } from '../../src/lib/server/workspace/index.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createFeedWorld, feedActor, mention, type FeedWorld } from '../support/feed.ts';
import { createTestUser, type TestUser } from '../support/factories.ts';

const log = pino({ level: 'silent' });

/** Runs `work` and returns the DomainError code it threw (or 'ok'). */
async function codeOf(work: () => Promise<unknown>): Promise<string> {
	try {
		await work();
		return 'ok';
	} catch (error) {
		if (error instanceof DomainError) return error.code;
		throw error;
	}
}

describe.each(drivers())('the partner feed on %s', (driver) => {
	let database: TestDatabase;
	let bus: LiveBus;
	let events: LiveEvent[];
	let w: FeedWorld;
	const db = () => database.db;
	const as = (u: TestUser) => feedActor(u);
	const post = (u: TestUser, channelId: string, body: string) =>
		createPost(db(), as(u), { channelId, body, attachmentIds: [] });
	const notificationsOf = (u: TestUser) =>
		db().select().from(tables.notifications).where(eq(tables.notifications.userId, u.user.id));
	/** The first live event matching, once the bus has it (PostgreSQL delivers after commit). */
	const eventWhere = async (match: (e: LiveEvent) => boolean) => {
		await expect.poll(() => events.some(match), { timeout: 5000 }).toBe(true);
		return events.find(match);
	};
	/** Who among these people would receive the live event. */
	const receivers = (event: LiveEvent | undefined, people: TestUser[]) =>
		people.filter((p) => event && canReceiveLiveEvent(as(p), event.audience));

	beforeAll(async () => {
		database = await freshDatabase(driver);
		bus = await startLiveBus(database, log);
		bus.subscribe((event) => events.push(event));
		w = await createFeedWorld(database.db);
	});
	afterAll(async () => {
		await bus.stop();
		await database.drop();
	});
	beforeEach(() => {
		events = [];
	});

	describe('channels and membership', () => {
		it('lists to a partner person only their channel, announcements and their communities', async () => {
			const alphaList = await listChannels(db(), as(w.alpha));
			const ids = alphaList.map((c) => c.id);
			expect(ids).toContain(w.alphaChannel);
			expect(ids).toContain(w.announcements);
			expect(ids).not.toContain(w.betaChannel);
			const own = alphaList.find((c) => c.id === w.alphaChannel)!;
			expect(own.membership).toBe('joined');
			expect(own.canLeave).toBe(false);
			expect(await getChannel(db(), as(w.alpha), w.betaChannel)).toBeNull();
			const hostList = await listChannels(db(), as(w.rep));
			expect(hostList.map((c) => c.id)).toEqual(
				expect.arrayContaining([w.alphaChannel, w.betaChannel])
			);
			expect(hostList.find((c) => c.id === w.alphaChannel)!.membership).toBeNull();
		});

		it('lets managers open internal and community channels, and refuses partners and reps', async () => {
			const internal = await createChannel(db(), as(w.manager), {
				kind: 'internal',
				name: 'West region'
			});
			expect((await getChannel(db(), as(w.manager), internal.id))?.membership).toBe('joined');
			expect(await getChannel(db(), as(w.alpha), internal.id)).toBeNull();
			expect(
				await codeOf(() => createChannel(db(), as(w.rep), { kind: 'internal', name: 'x' }))
			).toBe('FORBIDDEN');
			expect(
				await codeOf(() => createChannel(db(), as(w.alpha), { kind: 'internal', name: 'x' }))
			).toBe('FORBIDDEN');
			expect(
				await codeOf(() =>
					createChannel(db(), as(w.manager), {
						kind: 'community',
						name: 'Council',
						organisationIds: [w.beta.organisation.id]
					})
				)
			).toBe('COMMUNITY_NEEDS_PARTNERS');
			const audits = await db()
				.select()
				.from(tables.auditLog)
				.where(eq(tables.auditLog.objectId, internal.id));
			expect(audits.map((a) => a.action)).toEqual(['feed.channel_created']);
		});

		it('joins, leaves, mutes and reads; the mandatory channels cannot be left', async () => {
			expect(
				await codeOf(() =>
					setMembership(db(), as(w.alpha), { channelId: w.alphaChannel, action: 'leave' })
				)
			).toBe('FORBIDDEN');
			expect(
				await codeOf(() =>
					setMembership(db(), as(w.alpha), { channelId: w.announcements, action: 'leave' })
				)
			).toBe('FORBIDDEN');
			expect(
				await codeOf(() =>
					setMembership(db(), as(w.alpha), { channelId: w.betaChannel, action: 'join' })
				)
			).toBe('NOT_FOUND');
			await setMembership(db(), as(w.rep), { channelId: w.alphaChannel, action: 'join' });
			expect((await getChannel(db(), as(w.rep), w.alphaChannel))?.membership).toBe('joined');
			await setMembership(db(), as(w.rep), { channelId: w.alphaChannel, action: 'mute' });
			expect((await getChannel(db(), as(w.rep), w.alphaChannel))?.muted).toBe(true);
			await setMembership(db(), as(w.rep), { channelId: w.alphaChannel, action: 'unmute' });
			await setMembership(db(), as(w.rep), { channelId: w.alphaChannel, action: 'read' });
			const read = await eventWhere((e) => e.type === 'feed.read');
			expect(read?.audience).toEqual({ users: [w.rep.user.id] });
			expect(read?.data).toEqual({ channelId: w.alphaChannel });
		});

		it('counts unread posts by others since the last read, and 0 after reading', async () => {
			await setMembership(db(), as(w.alpha), { channelId: w.alphaChannel, action: 'read' });
			await post(w.manager, w.alphaChannel, 'Unread one');
			await post(w.alphaMember, w.alphaChannel, 'Unread two');
			await post(w.alpha, w.alphaChannel, 'My own, not unread');
			expect((await getChannel(db(), as(w.alpha), w.alphaChannel))?.unread).toBe(2);
			await setMembership(db(), as(w.alpha), { channelId: w.alphaChannel, action: 'read' });
			expect((await getChannel(db(), as(w.alpha), w.alphaChannel))?.unread).toBe(0);
		});

		it('gives every new partner its channel, renamed with the partner', async () => {
			const admin = { ...as(w.admin), name: w.admin.user.name };
			const { organisationId } = await createPartnerOrganisation(db(), admin, {
				name: `Delta ${Date.now()}`,
				tier: 'gold'
			});
			const [channel] = await db()
				.select()
				.from(tables.feedChannels)
				.where(eq(tables.feedChannels.partnerId, organisationId));
			expect(channel.kind).toBe('partner');
			const { updateOrganisation } = await import('../../src/lib/server/workspace/index.ts');
			await updateOrganisation(db(), admin, { organisationId, name: 'Delta Renamed' });
			const [renamed] = await db()
				.select()
				.from(tables.feedChannels)
				.where(eq(tables.feedChannels.id, channel.id));
			expect(renamed.name).toBe('Delta Renamed');
		});
	});

	describe('posts and comments', () => {
		it('refuses bad input with clear codes and keeps nothing', async () => {
			const before = await db().select().from(tables.feedPosts);
			expect(await codeOf(() => post(w.alpha, w.alphaChannel, '   '))).toBe('EMPTY');
			expect(await codeOf(() => post(w.alpha, w.alphaChannel, 'x'.repeat(10_001)))).toBe(
				'TOO_LONG'
			);
			expect(await codeOf(() => post(w.alpha, w.alphaChannel, 'y'.repeat(100_000)))).toBe(
				'TOO_LONG'
			);
			expect(
				await codeOf(() => post(w.alpha, '00000000-0000-4000-8000-000000000000', 'hello'))
			).toBe('NOT_FOUND');
			expect(await codeOf(() => post(w.alpha, 'not-a-uuid', 'hello'))).toBe('NOT_FOUND');
			expect(await db().select().from(tables.feedPosts)).toHaveLength(before.length);
		});

		it('keeps Alpha out of Beta: no post, comment, reaction or read there (NOT_FOUND)', async () => {
			const beta = await post(w.beta, w.betaChannel, 'Beta only');
			expect(await codeOf(() => post(w.alpha, w.betaChannel, 'intrusion'))).toBe('NOT_FOUND');
			expect(
				await codeOf(() => createComment(db(), as(w.alpha), { postId: beta.id, body: 'hi' }))
			).toBe('NOT_FOUND');
			expect(
				await codeOf(() => toggleReaction(db(), as(w.alpha), { postId: beta.id, emoji: '👍' }))
			).toBe('NOT_FOUND');
			expect(await getPost(db(), as(w.alpha), beta.id)).toBeNull();
			expect(await codeOf(() => listComments(db(), as(w.alpha), beta.id))).toBe('NOT_FOUND');
			expect(await codeOf(() => timeline(db(), as(w.alpha), { channelId: w.betaChannel }))).toBe(
				'NOT_FOUND'
			);
			const home = await timeline(db(), as(w.alpha), { limit: 50 });
			expect(home.items.map((i) => i.id)).not.toContain(beta.id);
			expect(await codeOf(() => post(w.alpha, w.announcements, 'partners do not announce'))).toBe(
				'FORBIDDEN'
			);
		});

		it('edits (marked), deletes (tombstone only with comments) and pins (managers, audited)', async () => {
			const { id } = await post(w.alpha, w.alphaChannel, 'First version');
			expect(
				await codeOf(() => editPost(db(), as(w.alphaMember), { postId: id, body: 'not mine' }))
			).toBe('FORBIDDEN');
			await editPost(db(), as(w.alpha), { postId: id, body: 'Second version' });
			const edited = await getPost(db(), as(w.manager), id);
			expect(edited?.body).toBe('Second version');
			expect(edited?.editedAt).not.toBeNull();
			await eventWhere((e) => e.type === 'feed.post.changed' && e.data.postId === id);

			expect(await codeOf(() => pinPost(db(), as(w.alpha), id, true))).toBe('FORBIDDEN');
			await pinPost(db(), as(w.manager), id, true);
			expect((await getPost(db(), as(w.alpha), id))?.pinned).toBe(true);
			const [audit] = await db()
				.select()
				.from(tables.auditLog)
				.where(
					and(eq(tables.auditLog.objectId, id), eq(tables.auditLog.action, 'feed.post_pinned'))
				);
			expect(audit).toBeDefined();

			const lonely = await post(w.alpha, w.alphaChannel, 'Nobody answers');
			await deletePost(db(), as(w.alpha), lonely.id);
			const page = await timeline(db(), as(w.manager), { channelId: w.alphaChannel, limit: 50 });
			expect(page.items.map((i) => i.id)).not.toContain(lonely.id);

			await createComment(db(), as(w.manager), { postId: id, body: 'Answer' });
			await deletePost(db(), as(w.alpha), id);
			const tomb = await getPost(db(), as(w.manager), id);
			expect(tomb?.deleted).toBe(true);
			expect(tomb?.body).toBe('');
			expect(tomb?.comments.map((c) => c.body)).toEqual(['Answer']);
		});

		it('takes toggles of one reaction at once without an error (double clicks)', async () => {
			const { id: postId } = await post(w.admin, w.announcements, 'Double click me');
			// On PostgreSQL toggles that overlap all found nothing to remove and inserted: a unique
			// violation, a 500 (PGlite runs them one after another).
			const toggles = Array.from({ length: 6 }, () =>
				toggleReaction(db(), as(w.rep), { postId, emoji: '👍' })
			);
			expect(await Promise.allSettled(toggles)).toEqual(
				toggles.map(() => expect.objectContaining({ status: 'fulfilled' }))
			);
			const reactions = (await getPost(db(), as(w.rep), postId))?.reactions ?? [];
			expect([[], [{ emoji: '👍', count: 1, mine: true }]]).toContainEqual(reactions);
		});
	});

	describe('announcements: a partner comment stays between the host and that partner', () => {
		let postId: string;
		beforeAll(async () => {
			({ id: postId } = await post(w.admin, w.announcements, 'New pricing from Monday'));
		});

		it('shows Alpha its comment and reaction, and Beta neither', async () => {
			const comment = await createComment(db(), as(w.alpha), {
				postId,
				body: 'Does it apply to renewals zanzibar?'
			});
			await toggleReaction(db(), as(w.alpha), { postId, emoji: '🎉' });
			const forBeta = await getPost(db(), as(w.beta), postId);
			expect(forBeta?.comments).toEqual([]);
			expect(forBeta?.commentCount).toBe(0);
			expect(forBeta?.reactions).toEqual([]);
			expect(await listComments(db(), as(w.beta), postId)).toEqual([]);
			const forAlpha = await getPost(db(), as(w.alphaMember), postId);
			expect(forAlpha?.comments.map((c) => c.id)).toEqual([comment.id]);
			expect(forAlpha?.reactions).toEqual([{ emoji: '🎉', count: 1, mine: false }]);
			const forHost = await getPost(db(), as(w.rep), postId);
			expect(forHost?.commentCount).toBe(1);
			// Search: Beta does not find Alpha's comment, the host and Alpha do.
			const kinds = (r: Awaited<ReturnType<typeof searchAll>>) =>
				r.groups.find((g) => g.kind === 'posts')?.hits.map((h) => h.id) ?? [];
			expect(kinds(await searchAll(db(), as(w.beta), 'zanzibar'))).toEqual([]);
			expect(kinds(await searchAll(db(), as(w.alpha), 'zanzibar'))).toEqual([comment.id]);
			expect(kinds(await searchAll(db(), as(w.manager), 'zanzibar'))).toEqual([comment.id]);
			// Live: the comment and the reaction reach the host and Alpha only.
			const created = await eventWhere((e) => e.type === 'feed.comment.created');
			expect(receivers(created, [w.rep, w.alphaMember, w.beta]).map((u) => u.user.id)).toEqual([
				w.rep.user.id,
				w.alphaMember.user.id
			]);
			const reacted = await eventWhere((e) => e.type === 'feed.reaction.changed');
			expect(receivers(reacted, [w.rep, w.alphaMember, w.beta])).toHaveLength(2);
			expect(JSON.stringify(events.filter((e) => e.type.startsWith('feed.')))).not.toContain(
				'renewals'
			);
		});

		it('notifies the author of replies and reactions, not the others; muted channels stay quiet', async () => {
			const replies = (await notificationsOf(w.admin)).filter((n) => n.kind === 'feed_reply');
			expect(replies).toHaveLength(1);
			expect(replies[0].link).toMatch(new RegExp(`^/feed/posts/${postId}#comment-`));
			expect(replies[0].data).toMatchObject({ channelName: 'Announcements' });
			expect((await notificationsOf(w.admin)).some((n) => n.kind === 'feed_reaction')).toBe(true);
			await setMembership(db(), as(w.admin), { channelId: w.announcements, action: 'mute' });
			const before = (await notificationsOf(w.admin)).length;
			await createComment(db(), as(w.beta), { postId, body: 'Beta asks too' });
			await toggleReaction(db(), as(w.beta), { postId, emoji: '👀' });
			expect(await notificationsOf(w.admin)).toHaveLength(before);
			// A mention is never muted.
			await createComment(db(), as(w.rep), { postId, body: `${mention(w.admin)} see above` });
			const mentions = (await notificationsOf(w.admin)).filter((n) => n.kind === 'feed_mention');
			expect(mentions).toHaveLength(1);
		});
	});

	describe('mentions and references', () => {
		it('refuses mentions of people the author may not name, and stores allowed ones', async () => {
			expect(await codeOf(() => post(w.alpha, w.alphaChannel, `Hi ${mention(w.beta)}`))).toBe(
				'MENTION_FORBIDDEN'
			);
			expect(
				await codeOf(() =>
					post(w.alpha, w.alphaChannel, '@[user:00000000-0000-4000-8000-000000000000]')
				)
			).toBe('MENTION_FORBIDDEN');
			// A host post in announcements reaches every partner: only host people may be named.
			expect(
				await codeOf(() => post(w.manager, w.announcements, `Bravo ${mention(w.alpha)}`))
			).toBe('MENTION_FORBIDDEN');
			const ok = await post(
				w.alpha,
				w.alphaChannel,
				`Thanks ${mention(w.alphaMember)} and ${mention(w.rep)}`
			);
			const stored = await db()
				.select()
				.from(tables.feedMentions)
				.where(eq(tables.feedMentions.postId, ok.id));
			expect(stored.map((m) => m.userId).sort()).toEqual(
				[w.alphaMember.user.id, w.rep.user.id].sort()
			);
			const got = (await notificationsOf(w.alphaMember)).filter((n) => n.kind === 'feed_mention');
			expect(got.at(-1)?.link).toBe(`/feed/posts/${ok.id}`);
			const item = await getPost(db(), as(w.alphaMember), ok.id);
			expect(item?.tokens.filter((t) => t.type === 'mention').every((t) => t.label !== null)).toBe(
				true
			);
		});

		it('resolves a mention for each reader: a new name shows, a name the reader may not see never', async () => {
			const moving = await createTestUser(db(), {
				role: 'partner_member',
				organisation: w.alpha.organisation,
				name: 'Mia Moving'
			});
			const { id } = await post(w.rep, w.alphaChannel, `Welcome ${mention(moving)}`);
			const labelFor = async (u: TestUser) =>
				(await getPost(db(), as(u), id))?.tokens.find((t) => t.type === 'mention')?.label;
			expect(await labelFor(w.alphaMember)).toBe('Mia Moving');
			// The name is never stored: a renamed person shows their new name.
			await db()
				.update(tables.users)
				.set({ name: 'Mia Renamed' })
				.where(eq(tables.users.id, moving.user.id));
			expect(await labelFor(w.alphaMember)).toBe('Mia Renamed');
			// Once at another partner company, Alpha may no longer see her ("someone"); the host may.
			await db()
				.update(tables.users)
				.set({ organisationId: w.beta.organisation.id })
				.where(eq(tables.users.id, moving.user.id));
			expect(await labelFor(w.alphaMember)).toBeNull();
			expect(await labelFor(w.rep)).toBe('Mia Renamed');
		});

		it('limits mention candidates to people who may see the channel', async () => {
			const names = async (u: TestUser, channelId: string, q: string) =>
				(await mentionCandidates(db(), as(u), { channelId, q })).map((p) => p.id);
			const alphaSees = await names(w.alpha, w.alphaChannel, '');
			expect(alphaSees).toContain(w.alphaMember.user.id);
			expect(alphaSees).not.toContain(w.beta.user.id);
			expect(alphaSees.length).toBeLessThanOrEqual(8);
			expect(await names(w.manager, w.alphaChannel, 'Bob')).toEqual([]);
			expect(await names(w.manager, w.alphaChannel, 'Alice')).toEqual([w.alpha.user.id]);
			expect(await codeOf(() => names(w.alpha, w.betaChannel, ''))).toBe('NOT_FOUND');
		});

		it('refuses references to records the author may not see', async () => {
			const [account] = await db()
				.insert(tables.accounts)
				.values({ name: 'Secret Corp', normalisedName: 'secret corp' })
				.returning();
			expect(
				await codeOf(() => post(w.alpha, w.alphaChannel, `See #[account:${account.id}]`))
			).toBe('REFERENCE_FORBIDDEN');
			expect(
				await codeOf(() =>
					post(w.alpha, w.alphaChannel, `See #[partner:${w.beta.organisation.id}]`)
				)
			).toBe('REFERENCE_FORBIDDEN');
			const ok = await post(w.manager, w.alphaChannel, `See #[account:${account.id}]`);
			// Alpha reads the post, but the account's name stays hidden from them.
			const forAlpha = await getPost(db(), as(w.alpha), ok.id);
			expect(forAlpha?.tokens).toEqual([
				{ type: 'reference', kind: 'account', id: account.id, label: null, href: null }
			]);
			const forHost = await getPost(db(), as(w.rep), ok.id);
			expect(forHost?.tokens[0]).toMatchObject({
				label: 'Secret Corp',
				href: `/accounts/${account.id}`
			});
		});
	});

	describe('community channels', () => {
		it('shows member companies each other, and nothing to a non-member', async () => {
			const { id } = await createChannel(db(), as(w.admin), {
				kind: 'community',
				name: 'Partner council',
				organisationIds: [w.beta.organisation.id, w.gamma.organisation.id]
			});
			const summary = await getChannel(db(), as(w.gamma), id);
			expect(summary?.organisations.map((o) => o.id).sort()).toEqual(
				[w.beta.organisation.id, w.gamma.organisation.id].sort()
			);
			const betaPost = await post(w.beta, id, `Hello ${mention(w.gamma)}`);
			const forGamma = await getPost(db(), as(w.gamma), betaPost.id);
			expect(forGamma?.author?.id).toBe(w.beta.user.id);
			expect(forGamma?.tokens[0]).toMatchObject({ type: 'mention', label: w.gamma.user.name });
			expect(await getChannel(db(), as(w.alpha), id)).toBeNull();
			expect(await getPost(db(), as(w.alpha), betaPost.id)).toBeNull();
			const created = await eventWhere(
				(e) => e.type === 'feed.post.created' && e.data.postId === betaPost.id
			);
			expect(receivers(created, [w.beta, w.gamma, w.alpha, w.rep]).map((u) => u.user.id)).toEqual([
				w.beta.user.id,
				w.gamma.user.id,
				w.rep.user.id
			]);
			await updateChannel(db(), as(w.admin), id, {
				name: 'Council',
				description: '',
				archived: true
			});
			expect(await codeOf(() => post(w.beta, id, 'too late'))).toBe('CHANNEL_ARCHIVED');
		});
	});

	describe('the timeline', () => {
		it('pages newest first with a keyset cursor and returns newer posts with `after`', async () => {
			const { id: channelId } = await createChannel(db(), as(w.manager), {
				kind: 'internal',
				name: 'Paging'
			});
			const ids: string[] = [];
			for (let i = 0; i < 7; i += 1) ids.push((await post(w.manager, channelId, `Post ${i}`)).id);
			const first = await timeline(db(), as(w.manager), { channelId, limit: 3 });
			expect(first.items.map((i) => i.id)).toEqual([ids[6], ids[5], ids[4]]);
			const second = await timeline(db(), as(w.manager), {
				channelId,
				limit: 3,
				cursor: first.nextCursor
			});
			expect(second.items.map((i) => i.id)).toEqual([ids[3], ids[2], ids[1]]);
			const third = await timeline(db(), as(w.manager), {
				channelId,
				limit: 3,
				cursor: second.nextCursor
			});
			expect(third.items.map((i) => i.id)).toEqual([ids[0]]);
			expect(third.nextCursor).toBeNull();
			const newer = await timeline(db(), as(w.manager), { channelId, after: ids[4] });
			expect(newer.items.map((i) => i.id)).toEqual([ids[6], ids[5]]);
		});

		it('merges the channels a partner reads in the home timeline, without the ones left', async () => {
			const a = await post(w.manager, w.alphaChannel, 'For Alpha');
			const b = await post(w.manager, w.betaChannel, 'For Beta');
			const n = await post(w.admin, w.announcements, 'For all');
			const home = await timeline(db(), as(w.alphaMember), { limit: 50 });
			const ids = home.items.map((i) => i.id);
			expect(ids).toEqual(expect.arrayContaining([a.id, n.id]));
			expect(ids).not.toContain(b.id);
			const times = home.items.map((i) => i.createdAt);
			expect([...times].sort().reverse()).toEqual(times);
			// A host person who left a channel no longer sees it in the home timeline.
			await setMembership(db(), as(w.rep), { channelId: w.betaChannel, action: 'leave' });
			const repHome = await timeline(db(), as(w.rep), { limit: 50 });
			expect(repHome.items.map((i) => i.id)).not.toContain(b.id);
		});
	});

	describe('the activity bridge', () => {
		it("posts a partner's registration in that partner's channel only, and a won deal notifies its admins", async () => {
			const activity = await recordActivity(db(), {
				actorId: w.alphaMember.user.id,
				organisationId: w.alpha.organisation.id,
				verb: 'registration_submitted',
				objectType: 'deal_registration',
				objectId: '11111111-1111-4111-8111-111111111111',
				data: { account: 'Acme', partner: 'Alpha' }
			});
			const [row] = await db()
				.select()
				.from(tables.feedPosts)
				.where(eq(tables.feedPosts.activityId, activity.id));
			expect(row.channelId).toBe(w.alphaChannel);
			expect(row.kind).toBe('activity');
			const forAlpha = await getPost(db(), as(w.alpha), row.id);
			expect(forAlpha?.activity).toMatchObject({
				verb: 'registration_submitted',
				href: '/registrations/11111111-1111-4111-8111-111111111111'
			});
			expect(await getPost(db(), as(w.beta), row.id)).toBeNull();
			const created = await eventWhere(
				(e) => e.type === 'feed.post.created' && e.data.postId === row.id
			);
			expect(receivers(created, [w.alpha, w.beta, w.rep])).toHaveLength(2);

			// Host-only and unlisted verbs are not posted.
			const hostOnly = await recordActivity(db(), {
				actorId: w.rep.user.id,
				organisationId: null,
				verb: 'deal_won',
				objectType: 'opportunity',
				objectId: '22222222-2222-4222-8222-222222222222'
			});
			const other = await recordActivity(db(), {
				actorId: w.rep.user.id,
				organisationId: w.alpha.organisation.id,
				verb: 'partner.tier_changed',
				objectType: 'organisation',
				objectId: w.alpha.organisation.id
			});
			for (const a of [hostOnly, other]) {
				const rows = await db()
					.select()
					.from(tables.feedPosts)
					.where(eq(tables.feedPosts.activityId, a.id));
				expect(rows).toEqual([]);
			}

			await recordActivity(db(), {
				actorId: w.rep.user.id,
				organisationId: w.alpha.organisation.id,
				verb: 'deal_won',
				objectType: 'opportunity',
				objectId: '33333333-3333-4333-8333-333333333333',
				data: { name: 'Big deal', accountName: 'Acme' }
			});
			const won = (await notificationsOf(w.alpha)).filter((n) => n.kind === 'deal_won');
			expect(won).toHaveLength(1);
			expect(won[0].data).toMatchObject({ name: 'Big deal', accountName: 'Acme' });
			expect((await notificationsOf(w.beta)).some((n) => n.kind === 'deal_won')).toBe(false);
		});
	});
});
