import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/lib/server/config.ts';
import { tables, type Db } from '../../src/lib/server/db/index.ts';
import { startJobRunner } from '../../src/lib/server/jobs/index.ts';
import { createLogger } from '../../src/lib/server/log/index.ts';
import { getPlansHome } from '../../src/lib/server/plans/home.ts';
import {
	PLAN_REVIEW_REMINDER_KIND,
	planJobHandlers,
	PLANS_REMIND_JOB,
	schedulePlanJobs,
	sendReviewReminders
} from '../../src/lib/server/plans/reminders.ts';
import type { PlanActionStatus } from '../../src/lib/shared/enums.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import {
	createTestOrganisation,
	createTestUser,
	type TestOrganisation,
	type TestUser
} from '../support/factories.ts';

const {
	accounts,
	plans,
	planActions,
	planPersonAccess,
	notifications,
	emailOutbox,
	activities,
	jobs,
	regions,
	managerRegions,
	organisations
} = tables;

const DAY = 24 * 3600 * 1000;
const NOW = new Date();
const daysFrom = (now: Date, days: number) => new Date(now.getTime() + days * DAY);
const dayOf = (days: number) => daysFrom(NOW, days).toISOString().slice(0, 10);
const actor = (u: TestUser) => ({
	id: u.user.id,
	role: u.user.role,
	organisationId: u.organisation.id,
	organisationKind: u.organisation.kind
});
const settings = { origin: 'http://relais.example' };

type PlanInput = {
	title: string;
	partner: TestOrganisation;
	owner: TestUser;
	shared?: boolean;
	createdDaysAgo?: number;
	reviewedDaysAgo?: number | null;
	deleted?: boolean;
};

describe.each(drivers())('plans on the home page and review reminders on %s', (driver) => {
	let database: TestDatabase;
	let db: Db;
	let repA: TestUser;
	let repB: TestUser;
	let manager: TestUser;
	let admin: TestUser;
	let alpha: TestOrganisation;
	let beta: TestOrganisation;
	let alphaMember: TestUser;
	let betaMember: TestUser;

	const regionOf = new Map<string, string>();
	/** An account plan: the account takes the owner and the partner's region; shared with the partner. */
	async function makePlan(input: PlanInput): Promise<string> {
		const [account] = await db
			.insert(accounts)
			.values({
				name: `Account of ${input.title}`,
				normalisedName: `account of ${input.title}`.toLowerCase(),
				ownerId: input.owner.user.id,
				regionId: regionOf.get(input.partner.id)
			})
			.returning({ id: accounts.id });
		const [row] = await db
			.insert(plans)
			.values({
				kind: 'account',
				accountId: account.id,
				title: input.title,
				locale: 'en',
				ownerId: input.owner.user.id,
				sharedWithId: input.shared === false ? null : input.partner.id,
				shareMode: input.shared === false ? null : 'editor',
				createdAt: daysFrom(NOW, -(input.createdDaysAgo ?? 60)),
				lastReviewedAt:
					input.reviewedDaysAgo === undefined || input.reviewedDaysAgo === null
						? null
						: daysFrom(NOW, -input.reviewedDaysAgo),
				deletedAt: input.deleted ? NOW : null
			})
			.returning({ id: plans.id });
		return row.id;
	}

	let position = 0;
	async function addAction(
		planId: string,
		title: string,
		owner: TestUser,
		dueInDays: number | null,
		status: PlanActionStatus = 'todo'
	): Promise<void> {
		await db.insert(planActions).values({
			planId,
			actionId: `a${position}`,
			title,
			ownerId: owner.user.id,
			dueDate: dueInDays === null ? null : dayOf(dueInDays),
			status,
			position: position++
		});
	}

	beforeAll(async () => {
		database = await freshDatabase(driver);
		db = database.db;
		const [north] = await db.insert(regions).values({ code: 'N', name: 'North' }).returning();
		const [south] = await db.insert(regions).values({ code: 'S', name: 'South' }).returning();
		repA = await createTestUser(db, { role: 'rep', name: 'Rep A', locale: 'fr' });
		repB = await createTestUser(db, { role: 'rep', name: 'Rep B' });
		manager = await createTestUser(db, { role: 'manager', name: 'Manager North' });
		admin = await createTestUser(db, { role: 'admin', name: 'Admin' });
		await db.insert(managerRegions).values({ userId: manager.user.id, regionId: north.id });
		alpha = await createTestOrganisation(db, { name: 'Alpha test' });
		beta = await createTestOrganisation(db, { name: 'Beta test' });
		// Alpha is Rep A's partner in the north; Beta is Rep B's in the south.
		await db
			.update(organisations)
			.set({ ownerId: repA.user.id, regionId: north.id })
			.where(eq(organisations.id, alpha.id));
		await db
			.update(organisations)
			.set({ ownerId: repB.user.id, regionId: south.id })
			.where(eq(organisations.id, beta.id));
		regionOf.set(alpha.id, north.id);
		regionOf.set(beta.id, south.id);
		alphaMember = await createTestUser(db, { role: 'partner_member', organisation: alpha });
		betaMember = await createTestUser(db, { role: 'partner_member', organisation: beta });
	});
	afterAll(async () => {
		await database.drop();
	});

	it('lists my open actions soonest first, only from plans I may still open', async () => {
		const alphaPlan = await makePlan({ title: 'Alpha plan', partner: alpha, owner: repA });
		const betaPlan = await makePlan({ title: 'Beta plan', partner: beta, owner: repB });
		const narrowed = await makePlan({ title: 'Alpha narrowed', partner: alpha, owner: repA });
		const gone = await makePlan({
			title: 'Alpha deleted',
			partner: alpha,
			owner: repA,
			deleted: true
		});
		await addAction(alphaPlan, 'Later', alphaMember, 10);
		await addAction(alphaPlan, 'Overdue', alphaMember, -1, 'in_progress');
		await addAction(alphaPlan, 'Finished', alphaMember, -5, 'done');
		await addAction(alphaPlan, 'Undated', alphaMember, null);
		// Owned by Alpha's member on Beta's plan (say, written there by mistake): never shown to them.
		await addAction(betaPlan, 'Beta secret', alphaMember, 2);
		await addAction(betaPlan, 'Beta own', betaMember, 3);
		await addAction(narrowed, 'Narrowed away', alphaMember, 1);
		await addAction(gone, 'On a deleted plan', alphaMember, 1);
		await db
			.insert(planPersonAccess)
			.values({ planId: narrowed, userId: alphaMember.user.id, access: 'none' });

		const home = await getPlansHome(db, actor(alphaMember), NOW);
		expect(home.myActions.map((a) => a.title)).toEqual(['Overdue', 'Later', 'Undated']);
		expect(home.myActions.map((a) => a.overdue)).toEqual([true, false, false]);
		expect(home.myActions[0]).toMatchObject({ planId: alphaPlan, planTitle: 'Alpha plan' });
		// Partner people own no plan and oversee nothing.
		expect(home.overdue).toBeNull();
		expect(home.toReview).toBeNull();

		const betaHome = await getPlansHome(db, actor(betaMember), NOW);
		expect(betaHome.myActions.map((a) => a.title)).toEqual(['Beta own']);
	});

	it('shows the overdue actions of the plans they oversee to managers and admins only', async () => {
		const managerHome = await getPlansHome(db, actor(manager), NOW);
		// The manager oversees the north (Alpha), not Beta's south; done and future actions stay out.
		expect(managerHome.overdue?.map((a) => a.title)).toEqual(['Overdue']);
		expect(managerHome.overdue?.[0].ownerName).toBe(alphaMember.user.name);
		const adminHome = await getPlansHome(db, actor(admin), NOW);
		expect(adminHome.overdue?.map((a) => a.title)).toEqual(['Overdue']);
		expect((await getPlansHome(db, actor(repA), NOW)).overdue).toBeNull();
	});

	it('flags a plan stale after 30 days without a review, for its owner and its overseers', async () => {
		const fresh = await makePlan({
			title: 'Reviewed 29 days ago',
			partner: alpha,
			owner: repA,
			reviewedDaysAgo: 29
		});
		const stale = await makePlan({
			title: 'Reviewed 31 days ago',
			partner: alpha,
			owner: repA,
			reviewedDaysAgo: 31
		});
		const young = await makePlan({
			title: 'New, never reviewed',
			partner: alpha,
			owner: repA,
			createdDaysAgo: 10
		});
		const othersStale = await makePlan({
			title: 'Rep B stale',
			partner: beta,
			owner: repB,
			reviewedDaysAgo: 45
		});
		const mine = (await getPlansHome(db, actor(repA), NOW)).toReview?.map((p) => p.id) ?? [];
		expect(mine).toContain(stale);
		expect(mine).not.toContain(fresh);
		expect(mine).not.toContain(young);
		expect(mine).not.toContain(othersStale);
		// Never reviewed and created 60 days ago: stale too, and listed before the 31-day one.
		const alphaPlanRow = (await db.select().from(plans).where(eq(plans.title, 'Alpha plan')))[0];
		expect(mine.indexOf(alphaPlanRow.id)).toBeLessThan(mine.indexOf(stale));

		// Two days later, the 29-day plan crosses the line.
		const later = await getPlansHome(db, actor(repA), daysFrom(NOW, 2));
		expect(later.toReview?.map((p) => p.id)).toContain(fresh);

		const managerSees = (await getPlansHome(db, actor(manager), NOW)).toReview?.map((p) => p.id);
		expect(managerSees).toContain(stale);
		expect(managerSees).not.toContain(othersStale);
		const adminSees = (await getPlansHome(db, actor(admin), NOW)).toReview?.map((p) => p.id);
		expect(adminSees).toEqual(expect.arrayContaining([stale, othersStale]));
		// A rep sees only their own stale plans, never a colleague's.
		const repBSees = (await getPlansHome(db, actor(repB), NOW)).toReview?.map((p) => p.id);
		expect(repBSees).toContain(othersStale);
		expect(repBSees).not.toContain(stale);
	});

	it('reminds the owner once a week per plan, with a notification and an outbox e-mail, and nothing in the feed', async () => {
		// Start from a clean slate: only this test's plans exist.
		await db.delete(plans);
		const due = await makePlan({
			title: 'Weekly due',
			partner: alpha,
			owner: repA,
			reviewedDaysAgo: 8
		});
		await makePlan({ title: 'Reviewed lately', partner: alpha, owner: repA, reviewedDaysAgo: 0 });
		await makePlan({ title: 'Deleted', partner: alpha, owner: repA, deleted: true });
		const feedBefore = await db.$count(activities);

		expect(await sendReviewReminders(db, settings, NOW)).toEqual({ sent: 1 });
		const sent = await db
			.select()
			.from(notifications)
			.where(eq(notifications.kind, PLAN_REVIEW_REMINDER_KIND));
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ userId: repA.user.id, link: `/plans/${due}` });
		expect(sent[0].data).toMatchObject({ planId: due, title: 'Weekly due', days: 8 });
		const mails = await db.select().from(emailOutbox).where(eq(emailOutbox.kind, 'plan_review'));
		expect(mails).toHaveLength(1);
		expect(mails[0].toAddress).toBe(repA.user.email);
		// Rep A reads French.
		expect(mails[0].subject).toBe('Plan à revoir : Weekly due');
		expect(mails[0].bodyText).toContain(`http://relais.example/plans/${due}`);

		// The same day, three days later, six days later: nothing more.
		for (const days of [0, 3, 6.9]) {
			expect(await sendReviewReminders(db, settings, daysFrom(NOW, days))).toEqual({ sent: 0 });
		}
		// A week later, still not reviewed: once more, even with two runners at the same moment.
		const nextWeek = daysFrom(NOW, 7.1);
		const runs = await Promise.all([
			sendReviewReminders(db, settings, nextWeek),
			sendReviewReminders(db, settings, nextWeek)
		]);
		expect(runs[0].sent + runs[1].sent).toBe(2);
		const after = await db
			.select()
			.from(notifications)
			.where(eq(notifications.kind, PLAN_REVIEW_REMINDER_KIND));
		// The weekly plan again, and "Reviewed lately" whose review is now 7 days old.
		expect(after.map((n) => (n.data as { title: string }).title).sort()).toEqual([
			'Reviewed lately',
			'Weekly due',
			'Weekly due'
		]);
		expect(await db.$count(emailOutbox, eq(emailOutbox.kind, 'plan_review'))).toBe(3);
		expect(await db.$count(activities)).toBe(feedBefore);

		// Marked reviewed: no reminder until a week after that.
		await db
			.update(plans)
			.set({ lastReviewedAt: daysFrom(NOW, 8) })
			.where(eq(plans.id, due));
		expect(await sendReviewReminders(db, settings, daysFrom(NOW, 14.5))).toEqual({ sent: 1 });
		expect(
			await db.$count(
				notifications,
				and(
					eq(notifications.kind, PLAN_REVIEW_REMINDER_KIND),
					eq(notifications.link, `/plans/${due}`)
				)
			)
		).toBe(2);
	});

	it('runs as a recurring job that schedules its next run', async () => {
		await schedulePlanJobs(db);
		await schedulePlanJobs(db);
		const waiting = () =>
			db
				.select()
				.from(jobs)
				.where(and(eq(jobs.kind, PLANS_REMIND_JOB)));
		expect((await waiting()).filter((j) => j.doneAt === null)).toHaveLength(1);
		const runner = startJobRunner({
			db,
			log: createLogger({ level: 'silent', pretty: false }),
			handlers: planJobHandlers(loadConfig({ ORIGIN: 'http://relais.example' })),
			autoStart: false
		});
		expect(await runner.runOnce()).toBe(1);
		await runner.stop();
		const rows = await waiting();
		expect(rows.filter((j) => j.doneAt !== null)).toHaveLength(1);
		const next = rows.filter((j) => j.doneAt === null);
		expect(next).toHaveLength(1);
		expect(next[0].runAt.getTime()).toBeGreaterThan(Date.now() + 30 * 60 * 1000);
	});
});
