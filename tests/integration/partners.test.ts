import { DomainError, type DomainErrorCode } from '../../src/lib/server/errors.ts';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../src/lib/server/db/index.ts';
import {
	computeHealth,
	getPartnerDetail,
	listOwnerCandidates,
	listPartners,
	updatePartner,
	type HealthInputs
} from '../../src/lib/server/partners/index.ts';
import { createPartnerOrganisation } from '../../src/lib/server/workspace/index.ts';
import { parseForm } from '../../src/lib/server/http/forms.ts';
import { partnerFilterSchema, updatePartnerSchema } from '../../src/lib/shared/schemas/partners.ts';
import { createOrganisationSchema } from '../../src/lib/shared/schemas/admin.ts';
import type { Role, Stage } from '../../src/lib/shared/enums.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import {
	createTestOrganisation,
	createTestUser,
	type TestOrganisation
} from '../support/factories.ts';
import type { Actor } from '../../src/lib/server/access/actor.ts';

const {
	organisations,
	users,
	regions,
	accounts,
	accountPartners,
	opportunities,
	dealRegistrations,
	activities,
	auditLog,
	sessions,
	invitations
} = tables;
const context = { ip: '203.0.113.9' };
const DAY = 24 * 60 * 60 * 1000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
/** The day the agreement form compares with (the page gives the workspace's). */
const TODAY = '2026-12-08';

function form(values: Record<string, string>): FormData {
	const data = new FormData();
	for (const [key, value] of Object.entries(values)) data.append(key, value);
	return data;
}

async function refusal(promise: Promise<unknown>): Promise<DomainErrorCode | string> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof DomainError || error instanceof DomainError) return error.code;
		throw error;
	}
	throw new Error('The command was expected to be refused');
}

describe('the partner schemas', () => {
	it('drop malformed URL filters instead of refusing the page', () => {
		expect(
			partnerFilterSchema.parse({ tier: 'diamond', sort: 'random', q: '  alp ', after: 'x' })
		).toEqual({
			tier: undefined,
			region: undefined,
			owner: undefined,
			status: undefined,
			q: 'alp',
			sort: undefined,
			after: undefined
		});
	});

	it('refuse an agreement date in the future and accept an empty one', () => {
		const base = { tier: 'gold', regionId: '', ownerId: '' };
		const future = parseForm(
			updatePartnerSchema(TODAY),
			form({ ...base, agreementSignedAt: '2999-01-01' })
		);
		expect(future.ok).toBe(false);
		if (!future.ok)
			expect(future.failure.fieldErrors.agreementSignedAt).toEqual({
				key: 'partners_error_future_date'
			});
		const impossible = parseForm(
			updatePartnerSchema(TODAY),
			form({ ...base, agreementSignedAt: '2024-02-31' })
		);
		expect(impossible.ok).toBe(false);
		const empty = parseForm(updatePartnerSchema(TODAY), form({ ...base, agreementSignedAt: '' }));
		expect(empty.ok && empty.data.agreementSignedAt).toBeNull();
	});

	it('accept a new partner without an admin e-mail, and refuse a malformed one', () => {
		const without = parseForm(createOrganisationSchema, form({ name: 'Delta', tier: 'gold' }));
		expect(without.ok).toBe(true);
		const bad = parseForm(
			createOrganisationSchema,
			form({ name: 'Delta', tier: 'gold', adminEmail: 'nope@', locale: 'fr' })
		);
		expect(bad.ok).toBe(false);
		if (!bad.ok) expect(bad.failure.fieldErrors.adminEmail).toEqual({ key: 'error_email_invalid' });
	});
});

describe.each(drivers())('the partner directory on %s', (driver) => {
	let database: TestDatabase;
	let regionNord: string;
	let regionSud: string;
	let alpha: TestOrganisation;
	let beta: TestOrganisation;
	let gamma: TestOrganisation;
	let delta: TestOrganisation;
	const people = {} as Record<
		'admin' | 'manager' | 'rep' | 'alphaAdmin' | 'alphaMember' | 'betaMember',
		Actor
	>;
	let dormantAlpha: string;

	const acting = (
		u: { id: string; name: string; role: Role; organisationId: string },
		kind: 'host' | 'partner'
	) =>
		({
			id: u.id,
			name: u.name,
			role: u.role,
			organisationId: u.organisationId,
			organisationKind: kind
		}) as Actor;

	async function deal(
		partnerId: string | null,
		stage: Stage,
		amountCents: number,
		closedDaysAgo?: number
	) {
		const [account] = await database.db
			.insert(accounts)
			.values({ name: `Account ${Math.random()}`, normalisedName: `account ${Math.random()}` })
			.returning({ id: accounts.id });
		if (partnerId) {
			await database.db
				.insert(accountPartners)
				.values({ accountId: account.id, organisationId: partnerId });
		}
		await database.db.insert(opportunities).values({
			accountId: account.id,
			partnerId,
			name: `Deal ${stage}`,
			stage,
			amountCents,
			closedAt: closedDaysAgo === undefined ? null : ago(closedDaysAgo)
		});
	}

	async function registration(partnerId: string, submittedById: string, daysAgo: number) {
		await database.db.insert(dealRegistrations).values({
			partnerId,
			submittedById,
			accountName: 'Registered',
			normalisedName: 'registered',
			amountCents: 100_00,
			expectedCloseDate: '2030-01-01',
			createdAt: ago(daysAgo)
		});
	}

	beforeAll(async () => {
		database = await freshDatabase(driver);
		const db = database.db;
		const [nord, sud] = await db
			.insert(regions)
			.values([
				{ code: 'NORD', name: 'Nord' },
				{ code: 'SUD', name: 'Sud' }
			])
			.returning({ id: regions.id });
		regionNord = nord.id;
		regionSud = sud.id;
		await createTestOrganisation(db, { kind: 'host' });
		alpha = await createTestOrganisation(db, { name: 'Alpha Réseaux', tier: 'gold' });
		beta = await createTestOrganisation(db, { name: 'Beta Distribution', tier: 'platinum' });
		gamma = await createTestOrganisation(db, { name: 'Gamma Solutions', tier: 'silver' });
		delta = await createTestOrganisation(db, { name: 'Delta Énergie', tier: 'gold' });
		const admin = await createTestUser(db, { role: 'admin', name: 'Ada Admin' });
		const manager = await createTestUser(db, { role: 'manager', name: 'Manon Manager' });
		const rep = await createTestUser(db, { role: 'rep', name: 'Rémi Rep' });
		const alphaAdmin = await createTestUser(db, { role: 'partner_admin', organisation: alpha });
		const alphaMember = await createTestUser(db, { role: 'partner_member', organisation: alpha });
		const dormant = await createTestUser(db, { role: 'partner_member', organisation: alpha });
		const betaMember = await createTestUser(db, { role: 'partner_member', organisation: beta });
		dormantAlpha = dormant.user.id;
		people.admin = acting(admin.user, 'host');
		people.manager = acting(manager.user, 'host');
		people.rep = acting(rep.user, 'host');
		people.alphaAdmin = acting(alphaAdmin.user, 'partner');
		people.alphaMember = acting(alphaMember.user, 'partner');
		people.betaMember = acting(betaMember.user, 'partner');

		await db
			.update(organisations)
			.set({ regionId: regionNord, ownerId: rep.user.id })
			.where(eq(organisations.id, alpha.id));
		await db
			.update(organisations)
			.set({ regionId: regionSud })
			.where(eq(organisations.id, beta.id));
		await db
			.update(organisations)
			.set({ regionId: regionNord, status: 'suspended' })
			.where(eq(organisations.id, gamma.id));

		// Alpha: two people seen lately, one never; 3 recent registrations and an old one; 2 won,
		// 1 lost, one won too long ago; 150,000 of open pipeline; 4 recent activities, 1 old.
		await db
			.update(users)
			.set({ lastSeenAt: ago(2) })
			.where(eq(users.id, alphaAdmin.user.id));
		await db
			.update(users)
			.set({ lastSeenAt: ago(10) })
			.where(eq(users.id, alphaMember.user.id));
		for (const days of [1, 20, 100, 400]) await registration(alpha.id, alphaAdmin.user.id, days);
		await deal(alpha.id, 'won', 40_000_00, 30);
		await deal(alpha.id, 'won', 10_000_00, 200);
		await deal(alpha.id, 'lost', 5_000_00, 50);
		await deal(alpha.id, 'won', 99_000_00, 500);
		await deal(alpha.id, 'proposal', 100_000_00);
		await deal(alpha.id, 'negotiation', 50_000_00);
		for (const days of [0, 3, 7, 29, 45]) {
			await db.insert(activities).values({
				actorId: alphaMember.user.id,
				organisationId: alpha.id,
				verb: 'user.joined',
				objectType: 'user',
				objectId: alphaMember.user.id,
				createdAt: ago(days)
			});
		}
		// Beta: a big pipeline and one lost deal; a direct deal that belongs to nobody.
		await deal(beta.id, 'qualification', 900_000_00);
		await deal(beta.id, 'lost', 1_000_00, 10);
		await deal(null, 'proposal', 70_000_00);
	});

	afterAll(async () => {
		await database?.drop();
	});

	const names = (page: { items: { name: string }[] }) => page.items.map((p) => p.name);

	it('lists every partner by name to host people, and nothing to partner people', async () => {
		const page = await listPartners(database.db, people.rep);
		expect(names(page)).toEqual([
			'Alpha Réseaux',
			'Beta Distribution',
			'Delta Énergie',
			'Gamma Solutions'
		]);
		expect(page.items[0]).toMatchObject({
			regionName: 'Nord',
			ownerName: 'Rémi Rep',
			lastVisitAt: null
		});
		expect((await listPartners(database.db, people.alphaAdmin)).items).toEqual([]);
	});

	it('filters by tier, region, owner, status and an accent-free name search', async () => {
		const list = (filter: Parameters<typeof listPartners>[2]) =>
			listPartners(database.db, people.manager, filter).then(names);
		expect(await list({ tier: 'gold' })).toEqual(['Alpha Réseaux', 'Delta Énergie']);
		expect(await list({ regionId: regionNord })).toEqual(['Alpha Réseaux', 'Gamma Solutions']);
		expect(await list({ ownerId: people.rep.id })).toEqual(['Alpha Réseaux']);
		expect(await list({ status: 'suspended' })).toEqual(['Gamma Solutions']);
		expect(await list({ q: 'ENERGIE' })).toEqual(['Delta Énergie']);
		expect(await list({ q: 'réseaux' })).toEqual(['Alpha Réseaux']);
		expect(await list({ tier: 'gold', regionId: regionSud })).toEqual([]);
	});

	it('sorts by tier and by health, weakest first', async () => {
		const byTier = await listPartners(database.db, people.manager, { sort: 'tier' });
		expect(names(byTier)).toEqual([
			'Beta Distribution',
			'Alpha Réseaux',
			'Delta Énergie',
			'Gamma Solutions'
		]);
		const byHealth = await listPartners(database.db, people.manager, { sort: 'health' });
		const scores = byHealth.items.map((p) => p.health.score);
		expect([...scores].sort((a, b) => a - b)).toEqual(scores);
		expect(byHealth.items.at(-1)?.name).toBe('Alpha Réseaux');
	});

	it('pages with a cursor in every order, forwards and back', async () => {
		for (const sort of ['name', 'tier', 'health'] as const) {
			const all = names(await listPartners(database.db, people.manager, { sort }));
			const first = await listPartners(database.db, people.manager, { sort, limit: 3 });
			expect(names(first)).toEqual(all.slice(0, 3));
			expect(first.previous).toBeNull();
			const second = await listPartners(database.db, people.manager, {
				sort,
				limit: 3,
				after: first.nextCursor
			});
			expect(names(second)).toEqual(all.slice(3));
			expect(second.nextCursor).toBeNull();
			expect(second.previous).toEqual({ cursor: null });
		}
	});

	it('computes health from one aggregate that matches the formula on the seeded data', async () => {
		const expected: HealthInputs = {
			registrations: 3,
			won: 2,
			lost: 1,
			openPipelineCents: 150_000_00,
			activeUsers: 3,
			recentSignIns: 2,
			recentActivities: 4,
			recentVisits: null
		};
		const health = computeHealth(expected);
		const [row] = (await listPartners(database.db, people.manager, { q: 'alpha' })).items;
		expect(row.health).toEqual(health);
		const detail = await getPartnerDetail(database.db, people.manager, alpha.id);
		expect(detail?.health).toEqual(health);
		expect(health.parts.find((p) => p.key === 'registrations')?.value).toBe(3);

		const beta = (await listPartners(database.db, people.manager, { q: 'beta' })).items[0];
		expect(beta.health).toEqual(
			computeHealth({
				registrations: 0,
				won: 0,
				lost: 1,
				openPipelineCents: 900_000_00,
				activeUsers: 1,
				recentSignIns: 0,
				recentActivities: 0,
				recentVisits: null
			})
		);
	});

	it('shows a partner page with its people, accounts, deals, pipeline and activity', async () => {
		const detail = await getPartnerDetail(database.db, people.rep, alpha.id);
		expect(detail).not.toBeNull();
		if (!detail) return;
		expect(detail.people).toHaveLength(3);
		expect(detail.accounts.total).toBe(6);
		expect(detail.deals.total).toBe(6);
		expect(detail.deals.items[0].stage).not.toMatch(/won|lost/);
		expect(detail.openPipelineCents).toBe(150_000_00);
		expect(detail.pipeline.map((p) => p.stage)).toEqual(['proposal', 'negotiation', 'won', 'lost']);
		expect(detail.activity).toHaveLength(5);
		expect(detail.onboarding).toMatchObject({
			agreementSignedAt: null,
			firstUserActive: true,
			firstDealRegistered: true,
			done: 2,
			total: 3
		});
		const empty = await getPartnerDetail(database.db, people.rep, delta.id);
		expect(empty).toMatchObject({
			people: [],
			accounts: { items: [], total: 0 },
			deals: { items: [], total: 0 },
			pipeline: [],
			openPipelineCents: 0,
			onboarding: { firstUserActive: false, firstDealRegistered: false, done: 0 }
		});
	});

	it('shows a partner person their own company, and another partner’s page as not found', async () => {
		const own = await getPartnerDetail(database.db, people.alphaMember, alpha.id);
		expect(own?.partner.name).toBe('Alpha Réseaux');
		expect(own?.people.map((p) => p.id)).toContain(dormantAlpha);
		expect(own?.deals.total).toBe(6);
		expect(await getPartnerDetail(database.db, people.alphaAdmin, beta.id)).toBeNull();
		expect(await getPartnerDetail(database.db, people.betaMember, alpha.id)).toBeNull();
		expect(await getPartnerDetail(database.db, people.betaMember, 'not-an-id')).toBeNull();
		const host = await database.db
			.select()
			.from(organisations)
			.where(eq(organisations.kind, 'host'));
		expect(await getPartnerDetail(database.db, people.manager, host[0].id)).toBeNull();
	});

	it('refuses every edit by partner people and reps, before touching anything', async () => {
		for (const who of [people.alphaAdmin, people.betaMember, people.rep]) {
			expect(
				await refusal(updatePartner(database.db, who, { partnerId: alpha.id, tier: 'platinum' }))
			).toBe('FORBIDDEN');
			expect(
				await refusal(updatePartner(database.db, who, { partnerId: beta.id, status: 'suspended' }))
			).toBe('FORBIDDEN');
		}
		const [row] = await database.db
			.select()
			.from(organisations)
			.where(eq(organisations.id, alpha.id));
		expect(row.tier).toBe('gold');
	});

	it('lets a manager change tier and owner, with the audit log and activities', async () => {
		const result = await updatePartner(
			database.db,
			people.manager,
			{
				partnerId: delta.id,
				tier: 'silver',
				ownerId: people.manager.id,
				agreementSignedAt: ago(3)
			},
			context
		);
		expect(result.changed).toBe(true);
		const [row] = await database.db
			.select()
			.from(organisations)
			.where(eq(organisations.id, delta.id));
		expect(row).toMatchObject({ tier: 'silver', ownerId: people.manager.id });
		const audit = await database.db.select().from(auditLog).where(eq(auditLog.objectId, delta.id));
		expect(audit.map((a) => a.action).sort()).toEqual(['organisation.updated', 'partner.updated']);
		const partnerAudit = audit.find((a) => a.action === 'partner.updated');
		expect(partnerAudit).toMatchObject({ actorId: people.manager.id, ip: context.ip });
		expect(partnerAudit?.data).toMatchObject({ ownerId: { from: null, to: people.manager.id } });
		const acts = await database.db
			.select()
			.from(activities)
			.where(eq(activities.objectId, delta.id));
		expect(acts.map((a) => a.verb).sort()).toEqual([
			'partner.agreement_signed',
			'partner.owner_changed',
			'partner.tier_changed'
		]);
		const again = await updatePartner(database.db, people.manager, {
			partnerId: delta.id,
			tier: 'silver',
			ownerId: people.manager.id
		});
		expect(again.changed).toBe(false);
		const detail = await getPartnerDetail(database.db, people.manager, delta.id);
		expect(detail?.onboarding.done).toBe(1);
	});

	it('refuses an owner who is not an active host rep or manager', async () => {
		for (const ownerId of [people.admin.id, people.alphaAdmin.id, crypto.randomUUID()]) {
			expect(
				await refusal(updatePartner(database.db, people.manager, { partnerId: delta.id, ownerId }))
			).toBe('UNKNOWN_PARTNER_OWNER');
		}
		expect((await listOwnerCandidates(database.db)).map((o) => o.name)).toEqual([
			'Manon Manager',
			'Rémi Rep'
		]);
		expect(
			await refusal(
				updatePartner(database.db, people.manager, { partnerId: crypto.randomUUID(), tier: 'gold' })
			)
		).toBe('NOT_FOUND');
	});

	it('signs out every person of a partner a manager suspends', async () => {
		const betaSessions = () =>
			database.db
				.select({ id: sessions.id })
				.from(sessions)
				.innerJoin(users, eq(users.id, sessions.userId))
				.where(eq(users.organisationId, beta.id));
		expect((await betaSessions()).length).toBeGreaterThan(0);
		await updatePartner(
			database.db,
			people.manager,
			{ partnerId: beta.id, status: 'suspended' },
			context
		);
		expect(await betaSessions()).toEqual([]);
		const audit = await database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.objectId, beta.id), eq(auditLog.action, 'organisation.suspended')));
		expect(audit).toHaveLength(1);
		await updatePartner(database.db, people.manager, { partnerId: beta.id, status: 'active' });
	});

	it('creates a partner and invites its partner admin in one transaction', async () => {
		const invite = { ...context, origin: 'http://relais.example', mail: {} };
		const { organisationId, invitationId } = await createPartnerOrganisation(
			database.db,
			people.admin,
			{
				name: 'Epsilon Conseil',
				tier: 'registered',
				adminEmail: 'boss@epsilon.test',
				locale: 'en'
			},
			invite
		);
		expect(invitationId).not.toBeNull();
		const [pending] = await database.db
			.select()
			.from(invitations)
			.where(eq(invitations.organisationId, organisationId));
		expect(pending).toMatchObject({ email: 'boss@epsilon.test', role: 'partner_admin' });
		const detail = await getPartnerDetail(database.db, people.manager, organisationId);
		expect(detail?.onboarding).toMatchObject({ pendingInvitations: 1, done: 0 });

		// An address already in use refuses the whole thing: no partner is left half made.
		const [taken] = await database.db
			.select()
			.from(users)
			.where(eq(users.id, people.alphaMember.id));
		expect(
			await refusal(
				createPartnerOrganisation(
					database.db,
					people.admin,
					{ name: 'Zeta Services', tier: 'gold', adminEmail: taken.email, locale: 'fr' },
					invite
				)
			)
		).toBe('EMAIL_TAKEN');
		const zeta = await database.db
			.select()
			.from(organisations)
			.where(eq(organisations.name, 'Zeta Services'));
		expect(zeta).toEqual([]);
	});
});
