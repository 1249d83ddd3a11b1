import { DomainError, type DomainErrorCode } from '../../src/lib/server/errors.ts';
import { and, eq, inArray } from 'drizzle-orm';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAccess } from '../../src/lib/server/access/plan-policy.ts';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import { visiblePlans } from '../../src/lib/server/access/plan-scope.ts';
import { tables, type Db } from '../../src/lib/server/db/index.ts';
import { LIVE_CHANNEL, type LiveEvent } from '../../src/lib/server/live/events.ts';
import {
	changePlanOwner,
	createPlan,
	deletePlan,
	listPlans,
	loadPlanPage,
	markPlanReviewed,
	planAccessFacts,
	planButton,
	planViewer,
	publishPlan,
	resolvePlanAccess,
	setPersonAccess,
	sharePlan,
	unpublishPlan,
	plansProvider
} from '../../src/lib/server/plans/index.ts';
import { prefixQuery } from '../../src/lib/shared/normalise.ts';
import { planDocumentName } from '../../src/lib/shared/collab.ts';
import {
	fragmentText,
	meta,
	NOTES_FIELD,
	readRows,
	richText,
	sectionField,
	SUMMARY_FIELD
} from '../../src/lib/shared/plan-doc.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import {
	createTestOrganisation,
	createTestUser,
	type TestOrganisation,
	type TestUser
} from '../support/factories.ts';

const {
	accounts,
	accountPartners,
	activities,
	auditLog,
	managerRegions,
	notifications,
	opportunities,
	planDocuments,
	planPersonAccess,
	plans,
	regions,
	teams,
	users
} = tables;

const actor = (u: TestUser): Actor & { name: string } => ({
	id: u.user.id,
	role: u.user.role,
	organisationId: u.organisation.id,
	organisationKind: u.organisation.kind,
	name: u.user.name
});

async function refused(
	work: Promise<unknown>
): Promise<{ code: DomainErrorCode; planId?: string }> {
	try {
		await work;
	} catch (cause) {
		if (cause instanceof DomainError) return { code: cause.code, planId: cause.existingId };
		throw cause;
	}
	throw new Error('expected a refusal');
}

function docOf(state: Uint8Array): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, state);
	return doc;
}

let counter = 0;
const tag = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

describe.each(drivers())('account plans: domain and pages on %s', (driver) => {
	let database: TestDatabase;
	let db: Db;
	let admin: TestUser;
	let manager: TestUser;
	let rep: TestUser;
	let teammate: TestUser;
	let otherRep: TestUser;
	let alpha: TestOrganisation;
	let beta: TestOrganisation;
	let alphaAdmin: TestUser;
	let alphaMember: TestUser;
	let alphaColleague: TestUser;
	let betaAdmin: TestUser;
	let regionId: string;
	const events: LiveEvent[] = [];
	let unlisten: () => Promise<void>;

	/** An account owned by `rep`, in the manager's region, served by `servedBy`. */
	async function makeAccount(
		servedBy: TestOrganisation[] = [alpha]
	): Promise<{ id: string; name: string }> {
		const name = `Account ${tag()}`;
		const [account] = await db
			.insert(accounts)
			.values({ name, normalisedName: name.toLowerCase(), ownerId: rep.user.id, regionId })
			.returning({ id: accounts.id, name: accounts.name });
		for (const partner of servedBy) {
			await db
				.insert(accountPartners)
				.values({ accountId: account.id, organisationId: partner.id });
		}
		return account;
	}

	beforeAll(async () => {
		database = await freshDatabase(driver);
		db = database.db;
		const [region] = await db
			.insert(regions)
			.values({ code: `R${tag()}`, name: 'North' })
			.returning();
		regionId = region.id;
		const [team] = await db.insert(teams).values({ name: 'North team', regionId }).returning();
		admin = await createTestUser(db, { role: 'admin', name: 'Ada Admin' });
		manager = await createTestUser(db, { role: 'manager', name: 'Mona Manager' });
		await db.insert(managerRegions).values({ userId: manager.user.id, regionId });
		rep = await createTestUser(db, { role: 'rep', name: 'Remi Rep', locale: 'fr' });
		teammate = await createTestUser(db, { role: 'rep', name: 'Tess Teammate' });
		otherRep = await createTestUser(db, { role: 'rep', name: 'Olga Other' });
		await db
			.update(users)
			.set({ teamId: team.id })
			.where(inArray(users.id, [rep.user.id, teammate.user.id]));
		alpha = await createTestOrganisation(db, { name: `Alpha ${tag()}` });
		beta = await createTestOrganisation(db, { name: `Beta ${tag()}` });
		alphaAdmin = await createTestUser(db, {
			role: 'partner_admin',
			organisation: alpha,
			name: 'Alice Alpha'
		});
		alphaMember = await createTestUser(db, {
			role: 'partner_member',
			organisation: alpha,
			name: 'Marie Alpha'
		});
		alphaColleague = await createTestUser(db, {
			role: 'partner_member',
			organisation: alpha,
			name: 'Colin Alpha'
		});
		betaAdmin = await createTestUser(db, {
			role: 'partner_admin',
			organisation: beta,
			name: 'Bob Beta'
		});
		unlisten = await database.listen(LIVE_CHANNEL, (payload) =>
			events.push(JSON.parse(payload) as LiveEvent)
		);
	});

	afterAll(async () => {
		await unlisten?.();
		await database?.drop();
	});

	/** Live events are delivered at commit, asynchronously: wait for one. */
	async function eventOf(type: string, match: (data: Record<string, unknown>) => boolean) {
		for (let i = 0; i < 100; i++) {
			const found = events.find((e) => e.type === type && match(e.data));
			if (found) return found;
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		return null;
	}

	it('creates a French account plan from the template, with both documents stored', async () => {
		const account = await makeAccount();
		const { id } = await createPlan(db, actor(rep), {
			kind: 'account',
			accountId: account.id,
			locale: 'fr'
		});
		const [plan] = await db.select().from(plans).where(eq(plans.id, id));
		expect(plan).toMatchObject({
			kind: 'account',
			accountId: account.id,
			locale: 'fr',
			status: 'draft',
			ownerId: rep.user.id,
			sharedWithId: null,
			shareMode: null,
			title: `Plan de compte — ${account.name}`
		});
		const rows = await db.select().from(planDocuments).where(eq(planDocuments.planId, id));
		expect(rows.map((r) => r.name).sort()).toEqual(
			[planDocumentName(id, 'shared'), planDocumentName(id, 'internal')].sort()
		);
		const shared = docOf(rows.find((r) => r.document === 'shared')!.state);
		expect(meta(shared).get('locale')).toBe('fr');
		expect(meta(shared).get('schemaVersion')).toBe(1);
		expect(fragmentText(richText(shared, SUMMARY_FIELD))).toContain(
			`Plan de compte — ${account.name}`
		);
		const sections = readRows(shared, 'sections');
		expect(sections.map((s) => s.title)).toEqual(['Contexte', 'Prochaines étapes']);
		expect(fragmentText(richText(shared, sectionField(sections[0].id)))).not.toBe('');
		expect(readRows(shared, 'whitespace.products').length).toBeGreaterThan(0);
		expect(readRows(shared, 'whitespace.units').map((u) => u.name)).toContain('DSI');
		expect(readRows(shared, 'goals')).toEqual([]);
		expect(readRows(shared, 'actions')).toEqual([]);
		const internal = docOf(rows.find((r) => r.document === 'internal')!.state);
		expect(fragmentText(richText(internal, NOTES_FIELD))).toContain('Notes internes');
		// The stored state vector is the one of the stored state (what "saved" is compared with).
		const row = rows.find((r) => r.document === 'shared')!;
		expect(Buffer.from(row.stateVector)).toEqual(
			Buffer.from(Y.encodeStateVectorFromUpdate(row.state))
		);
		expect(plan.summaryText).toContain(account.name);
		const [audit] = await db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.objectId, id), eq(auditLog.action, 'plan.created')));
		expect(audit.actorId).toBe(rep.user.id);
	});

	it('creates an English plan with English headings and a chosen title', async () => {
		const account = await makeAccount();
		const { id } = await createPlan(db, actor(manager), {
			kind: 'account',
			accountId: account.id,
			locale: 'en',
			title: 'FY27 growth plan'
		});
		const [plan] = await db.select().from(plans).where(eq(plans.id, id));
		expect(plan.title).toBe('FY27 growth plan');
		const [row] = await db
			.select()
			.from(planDocuments)
			.where(eq(planDocuments.name, planDocumentName(id, 'shared')));
		const shared = docOf(row.state);
		expect(readRows(shared, 'sections').map((s) => s.title)).toEqual(['Context', 'Next steps']);
		expect(fragmentText(richText(shared, SUMMARY_FIELD))).toContain(
			`Account plan — ${account.name}`
		);
		const [internalRow] = await db
			.select()
			.from(planDocuments)
			.where(eq(planDocuments.name, planDocumentName(id, 'internal')));
		expect(fragmentText(richText(docOf(internalRow.state), NOTES_FIELD))).toContain(
			'Internal notes'
		);
	});

	it('allows one plan per account: a second attempt points to the existing plan', async () => {
		const account = await makeAccount();
		const first = await createPlan(db, actor(rep), {
			kind: 'account',
			accountId: account.id,
			locale: 'en'
		});
		const second = await refused(
			createPlan(db, actor(admin), { kind: 'account', accountId: account.id, locale: 'fr' })
		);
		expect(second).toEqual({ code: 'ALREADY_EXISTS', planId: first.id });
		// Two at once: the unique index decides, never two plans.
		const other = await makeAccount();
		const results = await Promise.allSettled([
			createPlan(db, actor(rep), { kind: 'account', accountId: other.id, locale: 'en' }),
			createPlan(db, actor(admin), { kind: 'account', accountId: other.id, locale: 'en' })
		]);
		const live = await db.select().from(plans).where(eq(plans.accountId, other.id));
		expect(live).toHaveLength(1);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		// After a deletion, a new plan may be created.
		await deletePlan(db, actor(admin), first.id);
		const again = await createPlan(db, actor(rep), {
			kind: 'account',
			accountId: account.id,
			locale: 'en'
		});
		expect(again.id).not.toBe(first.id);
	});

	it('lets only host people responsible for the subject create its plan', async () => {
		const account = await makeAccount();
		for (const who of [otherRep, alphaAdmin, alphaMember]) {
			expect(
				(
					await refused(
						createPlan(db, actor(who), { kind: 'account', accountId: account.id, locale: 'en' })
					)
				).code
			).toBe('FORBIDDEN');
		}
		expect(await planButton(db, actor(otherRep), 'account', account.id)).toEqual({
			planId: null,
			canCreate: false
		});
		expect(await planButton(db, actor(teammate), 'account', account.id)).toEqual({
			planId: null,
			canCreate: true
		});
		const { id } = await createPlan(db, actor(teammate), {
			kind: 'account',
			accountId: account.id,
			locale: 'en'
		});
		expect(await planButton(db, actor(manager), 'account', account.id)).toEqual({
			planId: id,
			canCreate: false
		});
		// Alpha serves the account but the plan is not shared: no button at all.
		expect(await planButton(db, actor(alphaAdmin), 'account', account.id)).toEqual({
			planId: null,
			canCreate: false
		});
	});

	it('shares a partner plan with its partner as editors by default, and tells its admins', async () => {
		await db
			.update(tables.organisations)
			.set({ ownerId: rep.user.id, regionId })
			.where(eq(tables.organisations.id, beta.id));
		const { id } = await createPlan(db, actor(rep), {
			kind: 'partner',
			partnerId: beta.id,
			locale: 'en'
		});
		const [plan] = await db.select().from(plans).where(eq(plans.id, id));
		expect(plan).toMatchObject({
			kind: 'partner',
			partnerId: beta.id,
			sharedWithId: beta.id,
			shareMode: 'editor'
		});
		expect(plan.title).toBe(`Partner plan — ${beta.name}`);
		const told = await db
			.select()
			.from(notifications)
			.where(
				and(eq(notifications.userId, betaAdmin.user.id), eq(notifications.kind, 'plan_shared'))
			);
		expect(told).toHaveLength(1);
		expect(told[0].link).toBe(`/plans/${id}`);
		// A partner plan is shared only with its own partner.
		expect(
			(await refused(sharePlan(db, actor(rep), id, { partnerId: alpha.id, mode: 'editor' }))).code
		).toBe('PARTNER_NOT_SERVING');
		expect(await sharePlan(db, actor(rep), id, { partnerId: beta.id, mode: 'viewer' })).toEqual({
			changed: true
		});
	});

	it('shares an account plan only with a partner serving that account', async () => {
		const account = await makeAccount([alpha]);
		const { id } = await createPlan(db, actor(rep), {
			kind: 'account',
			accountId: account.id,
			locale: 'en'
		});
		expect(
			(await refused(sharePlan(db, actor(rep), id, { partnerId: beta.id, mode: 'editor' }))).code
		).toBe('PARTNER_NOT_SERVING');
		expect(
			(await refused(sharePlan(db, actor(rep), id, { partnerId: 'not-an-id', mode: 'editor' })))
				.code
		).toBe('INVALID');
		await sharePlan(db, actor(rep), id, { partnerId: alpha.id, mode: 'viewer' });
		const [plan] = await db.select().from(plans).where(eq(plans.id, id));
		expect(plan).toMatchObject({ sharedWithId: alpha.id, shareMode: 'viewer' });
		expect(await eventOf('plan.access.changed', (d) => d.planId === id)).not.toBeNull();
		// Partner people may not share, nor may a rep with no link to the account.
		expect(
			(await refused(sharePlan(db, actor(alphaAdmin), id, { partnerId: null, mode: 'viewer' })))
				.code
		).toBe('FORBIDDEN');
		expect(
			(await refused(sharePlan(db, actor(otherRep), id, { partnerId: null, mode: 'viewer' }))).code
		).toBe('NOT_FOUND');
	});

	it('lets the partner admin narrow per person, never widen, and only their own people', async () => {
		const account = await makeAccount([alpha, beta]);
		const { id } = await createPlan(db, actor(rep), {
			kind: 'account',
			accountId: account.id,
			locale: 'en'
		});
		await sharePlan(db, actor(rep), id, { partnerId: alpha.id, mode: 'viewer' });
		// Viewers cannot be made editors.
		expect(
			(await refused(setPersonAccess(db, actor(alphaAdmin), id, alphaMember.user.id, 'editor')))
				.code
		).toBe('WIDENS');
		await setPersonAccess(db, actor(alphaAdmin), id, alphaColleague.user.id, 'none');
		expect((await resolvePlanAccess(db, actor(alphaColleague), id))!.access).toBe('none');
		expect((await resolvePlanAccess(db, actor(alphaMember), id))!.access).toBe('read');
		expect(await eventOf('plan.access.changed', (d) => d.planId === id)).not.toBeNull();
		// Back to the share's own mode: the narrowing row goes away.
		await setPersonAccess(db, actor(alphaAdmin), id, alphaColleague.user.id, 'viewer');
		expect(await db.select().from(planPersonAccess).where(eq(planPersonAccess.planId, id))).toEqual(
			[]
		);
		// Someone of another company is "not found"; a member is not the admin; Beta is not shared.
		expect(
			(await refused(setPersonAccess(db, actor(alphaAdmin), id, betaAdmin.user.id, 'none'))).code
		).toBe('NOT_FOUND');
		expect(
			(await refused(setPersonAccess(db, actor(alphaAdmin), id, rep.user.id, 'none'))).code
		).toBe('NOT_FOUND');
		expect(
			(await refused(setPersonAccess(db, actor(alphaMember), id, alphaColleague.user.id, 'none')))
				.code
		).toBe('FORBIDDEN');
		expect(
			(await refused(setPersonAccess(db, actor(betaAdmin), id, betaAdmin.user.id, 'none'))).code
		).toBe('NOT_FOUND');
		// Editors can be narrowed to viewers; changing the partner drops the old partner's rows.
		await sharePlan(db, actor(rep), id, { partnerId: alpha.id, mode: 'editor' });
		await setPersonAccess(db, actor(alphaAdmin), id, alphaMember.user.id, 'viewer');
		expect((await resolvePlanAccess(db, actor(alphaMember), id))!.access).toBe('read');
		expect((await resolvePlanAccess(db, actor(alphaColleague), id))!.access).toBe('edit');
		await sharePlan(db, actor(rep), id, { partnerId: beta.id, mode: 'editor' });
		expect(await db.select().from(planPersonAccess).where(eq(planPersonAccess.planId, id))).toEqual(
			[]
		);
		expect((await resolvePlanAccess(db, actor(alphaMember), id))!.access).toBe('none');
		expect((await resolvePlanAccess(db, actor(betaAdmin), id))!.access).toBe('edit');
	});

	it('lists exactly the plans the policy lets each person open (visiblePlans = planAccess)', async () => {
		const sharedAlpha = await createPlan(db, actor(rep), {
			kind: 'account',
			accountId: (await makeAccount([alpha])).id,
			locale: 'en'
		});
		await sharePlan(db, actor(rep), sharedAlpha.id, { partnerId: alpha.id, mode: 'editor' });
		await setPersonAccess(db, actor(alphaAdmin), sharedAlpha.id, alphaColleague.user.id, 'none');
		const sharedBeta = await createPlan(db, actor(manager), {
			kind: 'account',
			accountId: (await makeAccount([beta])).id,
			locale: 'en'
		});
		await sharePlan(db, actor(manager), sharedBeta.id, { partnerId: beta.id, mode: 'viewer' });
		const deleted = await createPlan(db, actor(rep), {
			kind: 'account',
			accountId: (await makeAccount()).id,
			locale: 'en'
		});
		await deletePlan(db, actor(manager), deleted.id);
		const allPlans = await db.select({ id: plans.id }).from(plans);
		for (const person of [
			admin,
			manager,
			rep,
			teammate,
			otherRep,
			alphaAdmin,
			alphaMember,
			alphaColleague,
			betaAdmin
		]) {
			const viewer = await planViewer(db, actor(person));
			const listed = await db.select({ id: plans.id }).from(plans).where(visiblePlans(viewer));
			const expected: string[] = [];
			for (const plan of allPlans) {
				const facts = await planAccessFacts(db, viewer, plan.id);
				if (facts && planAccess(viewer, facts) !== 'none') expected.push(plan.id);
			}
			expect(listed.map((p) => p.id).sort(), person.user.name).toEqual(expected.sort());
			const page = await listPlans(db, viewer, { limit: 100 });
			expect(page.items.map((p) => p.id).sort(), person.user.name).toEqual(expected.sort());
		}
		const alphaList = await listPlans(db, await planViewer(db, actor(alphaMember)), {});
		expect(alphaList.items.map((p) => p.id)).toContain(sharedAlpha.id);
		expect(alphaList.items.map((p) => p.id)).not.toContain(sharedBeta.id);
		expect(alphaList.items.find((p) => p.id === sharedAlpha.id)!.editable).toBe(true);
		const betaList = await listPlans(db, await planViewer(db, actor(betaAdmin)), {});
		expect(betaList.items.find((p) => p.id === sharedBeta.id)!.editable).toBe(false);
	});

	it('filters the list by words, kind, status, owner and staleness, page by page', async () => {
		const account = await makeAccount();
		const word = `zebra${tag()}`;
		const { id } = await createPlan(db, actor(rep), {
			kind: 'account',
			accountId: account.id,
			locale: 'en',
			title: `The ${word} plan`
		});
		const viewer = await planViewer(db, actor(rep));
		expect((await listPlans(db, viewer, { q: word })).items.map((p) => p.id)).toEqual([id]);
		expect((await listPlans(db, viewer, { q: word, kind: 'partner' })).items).toEqual([]);
		expect((await listPlans(db, viewer, { q: word, status: 'published' })).items).toEqual([]);
		expect((await listPlans(db, viewer, { q: word, ownerId: rep.user.id })).items).toHaveLength(1);
		expect((await listPlans(db, viewer, { q: word, stale: true })).items).toEqual([]);
		// Created 40 days ago and never reviewed: stale. Reviewing clears it.
		await db
			.update(plans)
			.set({ createdAt: new Date(Date.now() - 40 * 86400_000) })
			.where(eq(plans.id, id));
		const stale = await listPlans(db, viewer, { q: word, stale: true });
		expect(stale.items.map((p) => [p.id, p.stale])).toEqual([[id, true]]);
		await markPlanReviewed(db, actor(rep), id);
		expect((await listPlans(db, viewer, { q: word, stale: true })).items).toEqual([]);
		const first = await listPlans(db, await planViewer(db, actor(admin)), { limit: 2 });
		expect(first.nextCursor).not.toBeNull();
		const second = await listPlans(db, await planViewer(db, actor(admin)), {
			limit: 2,
			after: first.nextCursor!
		});
		expect(second.items[0].id).not.toBe(first.items[0].id);
		expect(second.previous).not.toBeNull();
	});

	it('finds plans in the global search, only those the person may open', async () => {
		const word = `quokka${tag()}`;
		const account = await makeAccount([alpha, beta]);
		const { id } = await createPlan(db, actor(rep), {
			kind: 'account',
			accountId: account.id,
			locale: 'en',
			title: `Plan ${word}`
		});
		await sharePlan(db, actor(rep), id, { partnerId: beta.id, mode: 'viewer' });
		const query = { text: word, tsquery: prefixQuery(word)!, words: [word] };
		const found = async (who: TestUser) =>
			(await plansProvider.search(db, actor(who), query, 10))!.hits.map((h) => h.href);
		expect(await found(rep)).toEqual([`/plans/${id}`]);
		expect(await found(betaAdmin)).toEqual([`/plans/${id}`]);
		expect(await found(alphaAdmin)).toEqual([]);
		expect(await found(otherRep)).toEqual([]);
	});

	it('gives Alpha nothing of a plan shared with Beta: not in lists, no page, no action', async () => {
		const account = await makeAccount([alpha, beta]);
		const { id } = await createPlan(db, actor(rep), {
			kind: 'account',
			accountId: account.id,
			locale: 'en'
		});
		await sharePlan(db, actor(rep), id, { partnerId: beta.id, mode: 'editor' });
		for (const who of [alphaAdmin, alphaMember]) {
			const viewer = await planViewer(db, actor(who));
			expect((await listPlans(db, viewer, { limit: 100 })).items.map((p) => p.id)).not.toContain(
				id
			);
			expect(await loadPlanPage(db, actor(who), id, { currency: 'EUR' })).toBeNull();
			for (const command of [publishPlan, unpublishPlan, markPlanReviewed, deletePlan]) {
				expect((await refused(command(db, actor(who), id))).code).toBe('NOT_FOUND');
			}
			expect(
				(await refused(sharePlan(db, actor(who), id, { partnerId: null, mode: 'viewer' }))).code
			).toBe('NOT_FOUND');
			expect((await refused(setPersonAccess(db, actor(who), id, who.user.id, 'none'))).code).toBe(
				'NOT_FOUND'
			);
			expect((await refused(changePlanOwner(db, actor(who), id, who.user.id))).code).toBe(
				'NOT_FOUND'
			);
		}
		const [plan] = await db.select().from(plans).where(eq(plans.id, id));
		expect(plan.status).toBe('draft');
		expect(plan.lastReviewedAt).toBeNull();
	});

	it('puts the internal notes key in page data for host people only', async () => {
		const account = await makeAccount([alpha]);
		const { id } = await createPlan(db, actor(rep), {
			kind: 'account',
			accountId: account.id,
			locale: 'en'
		});
		await sharePlan(db, actor(rep), id, { partnerId: alpha.id, mode: 'viewer' });
		const host = await loadPlanPage(db, actor(rep), id, { currency: 'EUR' });
		expect(host!.internal).toBe(true);
		expect(host!.access).toBe('edit');
		expect(host!.can).toEqual({
			manage: true,
			review: true,
			comment: true,
			restore: true,
			narrow: false
		});
		expect(host!.plan.sharedWith).toEqual({ id: alpha.id, name: alpha.name, mode: 'viewer' });
		for (const who of [alphaAdmin, alphaMember]) {
			const data = await loadPlanPage(db, actor(who), id, { currency: 'EUR' });
			expect(data).not.toBeNull();
			expect('internal' in data!).toBe(false);
			expect(JSON.stringify(data)).not.toContain('internal');
			expect(data!.access).toBe('read');
			expect(data!.can.manage).toBe(false);
			expect(data!.can.narrow).toBe(who === alphaAdmin);
			// People: their own company and the host people responsible, never Beta nor every admin.
			const names = data!.people.map((p) => p.name);
			expect(names).toContain('Remi Rep');
			expect(names).not.toContain('Bob Beta');
			expect(names).not.toContain('Ada Admin');
			expect(names).not.toContain('Olga Other');
		}
		expect(await loadPlanPage(db, actor(otherRep), id, { currency: 'EUR' })).toBeNull();
	});

	it('shows in the CRM blocks only the open deals the viewer may see, and their total', async () => {
		const account = await makeAccount([alpha, beta]);
		const { id } = await createPlan(db, actor(rep), {
			kind: 'account',
			accountId: account.id,
			locale: 'en'
		});
		await sharePlan(db, actor(rep), id, { partnerId: alpha.id, mode: 'editor' });
		await db.insert(opportunities).values([
			{
				accountId: account.id,
				name: 'Direct deal',
				stage: 'proposal',
				amountCents: 100_00,
				closeDate: '2030-01-10'
			},
			{
				accountId: account.id,
				partnerId: alpha.id,
				name: 'Alpha deal',
				stage: 'qualification',
				amountCents: 250_00,
				closeDate: '2030-01-05'
			},
			{
				accountId: account.id,
				partnerId: beta.id,
				name: 'Beta deal',
				stage: 'negotiation',
				amountCents: 400_00
			},
			{ accountId: account.id, name: 'Won deal', stage: 'won', amountCents: 999_00 }
		]);
		const host = await loadPlanPage(db, actor(rep), id, { currency: 'EUR' });
		expect(host!.crm!.opportunities.map((o) => o.name)).toEqual([
			'Alpha deal',
			'Direct deal',
			'Beta deal'
		]);
		expect(host!.crm!.openTotalCents).toBe(750_00);
		expect(host!.crm!.currency).toBe('EUR');
		const partner = await loadPlanPage(db, actor(alphaMember), id, { currency: 'EUR' });
		expect(partner!.crm!.opportunities.map((o) => o.name)).toEqual(['Alpha deal']);
		expect(partner!.crm!.openTotalCents).toBe(250_00);
	});

	it('records publishing and reviewing as activity for the host and the shared partner, and tells the owner', async () => {
		const account = await makeAccount([alpha]);
		const { id } = await createPlan(db, actor(rep), {
			kind: 'account',
			accountId: account.id,
			locale: 'en'
		});
		await sharePlan(db, actor(rep), id, { partnerId: alpha.id, mode: 'editor' });
		expect(await publishPlan(db, actor(manager), id)).toEqual({ changed: true });
		expect(await publishPlan(db, actor(manager), id)).toEqual({ changed: false });
		// A partner editor may review, not publish.
		expect((await refused(unpublishPlan(db, actor(alphaMember), id))).code).toBe('FORBIDDEN');
		await markPlanReviewed(db, actor(alphaMember), id);
		const rows = await db.select().from(activities).where(eq(activities.objectId, id));
		const published = rows.find((r) => r.verb === 'plan.published')!;
		const reviewed = rows.find((r) => r.verb === 'plan.reviewed')!;
		expect(published).toMatchObject({
			actorId: manager.user.id,
			organisationId: alpha.id,
			data: { title: expect.any(String) }
		});
		expect(reviewed).toMatchObject({ actorId: alphaMember.user.id, organisationId: alpha.id });
		const [plan] = await db.select().from(plans).where(eq(plans.id, id));
		expect(plan.status).toBe('published');
		expect(plan.publishedById).toBe(manager.user.id);
		expect(plan.lastReviewedById).toBe(alphaMember.user.id);
		const told = await db.select().from(notifications).where(eq(notifications.userId, rep.user.id));
		const kinds = told
			.filter((n) => n.link === `/plans/${id}`)
			.map((n) => n.kind)
			.sort();
		expect(kinds).toEqual(['plan_published', 'plan_reviewed']);
		expect(
			told.find((n) => n.kind === 'plan_published' && n.link === `/plans/${id}`)!.data
		).toMatchObject({ name: 'Mona Manager' });
		// The owner reviewing their own plan is not notified.
		await markPlanReviewed(db, actor(rep), id);
		const after = await db
			.select()
			.from(notifications)
			.where(and(eq(notifications.userId, rep.user.id), eq(notifications.kind, 'plan_reviewed')));
		expect(after.filter((n) => n.link === `/plans/${id}`)).toHaveLength(1);
		const page = await loadPlanPage(db, actor(alphaMember), id, { currency: 'EUR' });
		expect(page!.plan).toMatchObject({ status: 'published', lastReviewedByName: 'Remi Rep' });
		expect(
			await eventOf('activity.created', (d) => d.objectId === id && d.verb === 'plan.published')
		).not.toBeNull();
		await unpublishPlan(db, actor(rep), id);
		expect((await db.select().from(plans).where(eq(plans.id, id)))[0].status).toBe('draft');
	});

	it('changes the owner to an active host person only, and deletes softly', async () => {
		const account = await makeAccount([alpha]);
		const { id } = await createPlan(db, actor(rep), {
			kind: 'account',
			accountId: account.id,
			locale: 'en'
		});
		expect((await refused(changePlanOwner(db, actor(rep), id, alphaAdmin.user.id))).code).toBe(
			'OWNER_INVALID'
		);
		await changePlanOwner(db, actor(rep), id, otherRep.user.id);
		expect((await resolvePlanAccess(db, actor(otherRep), id))!.access).toBe('edit');
		const [told] = await db
			.select()
			.from(notifications)
			.where(and(eq(notifications.userId, otherRep.user.id), eq(notifications.kind, 'plan_owner')));
		expect(told.data).toMatchObject({ name: 'Remi Rep' });
		// A teammate edits the plan but may not delete it; its owner may.
		expect((await refused(deletePlan(db, actor(teammate), id))).code).toBe('FORBIDDEN');
		await deletePlan(db, actor(otherRep), id);
		expect((await resolvePlanAccess(db, actor(admin), id))!.access).toBe('none');
		expect(await loadPlanPage(db, actor(admin), id, { currency: 'EUR' })).toBeNull();
		const [row] = await db.select().from(plans).where(eq(plans.id, id));
		expect(row.deletedAt).not.toBeNull();
		expect(await eventOf('plan.access.changed', (d) => d.planId === id)).not.toBeNull();
	});
});
