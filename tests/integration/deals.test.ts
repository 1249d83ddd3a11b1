import { DomainError, type DomainErrorCode } from '../../src/lib/server/errors.ts';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables, type Db } from '../../src/lib/server/db/index.ts';
import {
	approveRegistration,
	dealJobHandlers,
	DEALS_EXPIRE_JOB,
	expireRegistrations,
	getRegistration,
	listRegistrations,
	rejectRegistration,
	scheduleDealJobs,
	submitRegistration
} from '../../src/lib/server/deals/index.ts';
import { parseForm } from '../../src/lib/server/http/forms.ts';
import { startJobRunner } from '../../src/lib/server/jobs/index.ts';
import { createLogger } from '../../src/lib/server/log/index.ts';
import { normaliseCompanyName } from '../../src/lib/shared/normalise.ts';
import type { Stage } from '../../src/lib/shared/enums.ts';
import { registrationSchema, rejectSchema } from '../../src/lib/shared/schemas/deals.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestOrganisation, createTestUser, type TestUser } from '../support/factories.ts';
import type { Actor } from '../../src/lib/server/access/actor.ts';

const {
	accounts,
	accountPartners,
	opportunities,
	opportunityHistory,
	dealRegistrations,
	notifications,
	auditLog,
	activities,
	jobs,
	regions,
	managerRegions,
	organisations
} = tables;

const PROTECTION = { protectionDays: 90 };
const DAY = 24 * 3600 * 1000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
/** The day the form compares close dates with (the page gives the workspace's). */
const TODAY = inDays(0);

let counter = 0;
/** A word no other test uses, so company names and domains never collide across tests. */
const tag = () => `t${Date.now().toString(36)}${(counter++).toString(36)}`;

function form(values: Record<string, string>): FormData {
	const data = new FormData();
	for (const [key, value] of Object.entries(values)) data.append(key, value);
	return data;
}

const acting = (u: TestUser): Actor => ({
	id: u.user.id,
	role: u.user.role,
	organisationId: u.organisation.id,
	organisationKind: u.organisation.kind,
	name: u.user.name
});

async function refusal(promise: Promise<unknown>): Promise<DomainErrorCode> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof DomainError) return error.code;
		throw error;
	}
	throw new Error('The command was expected to be refused');
}

describe.each(drivers())('deal registration on %s', (driver) => {
	let database: TestDatabase;
	let db: Db;
	let manager: TestUser;
	let admin: TestUser;
	let rep: TestUser;
	let alphaAdmin: TestUser;
	let alphaMember: TestUser;
	let beta: TestUser;

	beforeAll(async () => {
		database = await freshDatabase(driver);
		db = database.db;
		manager = await createTestUser(db, { role: 'manager', name: 'Manon Manager' });
		admin = await createTestUser(db, { role: 'admin' });
		rep = await createTestUser(db, { role: 'rep', name: 'Rémi Rep' });
		const alpha = await createTestOrganisation(db, { name: `Alpha ${tag()}` });
		alphaAdmin = await createTestUser(db, { role: 'partner_admin', organisation: alpha });
		alphaMember = await createTestUser(db, { role: 'partner_member', organisation: alpha });
		const betaOrg = await createTestOrganisation(db, { name: `Betacorp ${tag()}` });
		beta = await createTestUser(db, {
			role: 'partner_admin',
			organisation: betaOrg,
			name: 'Bertrand Beta'
		});
	});

	afterAll(async () => {
		await database?.drop();
	});

	async function createAccount(input: {
		name: string;
		domain?: string;
		siren?: string;
		partners?: string[];
	}) {
		const [account] = await db
			.insert(accounts)
			.values({
				name: input.name,
				normalisedName: normaliseCompanyName(input.name),
				domain: input.domain ?? null,
				siren: input.siren ?? null
			})
			.returning();
		for (const organisationId of input.partners ?? []) {
			await db.insert(accountPartners).values({ accountId: account.id, organisationId });
		}
		return account;
	}

	async function createOpportunity(input: {
		accountId: string;
		partnerId: string | null;
		name?: string;
		stage?: Stage;
		ownerId?: string | null;
	}) {
		const [opportunity] = await db
			.insert(opportunities)
			.values({
				accountId: input.accountId,
				partnerId: input.partnerId,
				ownerId: input.ownerId ?? null,
				name: input.name ?? 'A deal',
				stage: input.stage ?? 'proposal',
				amountCents: 5_000_000
			})
			.returning();
		return opportunity;
	}

	/** Submits through the page's schema, as the form would. */
	async function submit(who: TestUser, values: Record<string, string>) {
		const parsed = parseForm(
			registrationSchema(TODAY),
			form({
				accountMode: 'new',
				amount: '12 500,50',
				expectedCloseDate: inDays(30),
				products: 'Licences',
				...values
			})
		);
		if (!parsed.ok) throw new Error(JSON.stringify(parsed.failure.fieldErrors));
		return submitRegistration(db, acting(who), parsed.data, { ip: '203.0.113.9' });
	}

	async function storedConflicts(id: string) {
		const [row] = await db
			.select({ conflicts: dealRegistrations.conflicts })
			.from(dealRegistrations)
			.where(eq(dealRegistrations.id, id));
		return row.conflicts as Array<{ kind: string; id: string; reasons: string[] }>;
	}

	it('flags a conflict with an open opportunity of the direct team on the same company', async () => {
		const t = tag();
		const account = await createAccount({ name: `Société Générale ${t} SA`, siren: '552120222' });
		const direct = await createOpportunity({ accountId: account.id, partnerId: null });
		const byName = await submit(alphaMember, { accountName: `societe generale ${t}` });
		expect(byName.conflict).toBe(true);
		expect(await storedConflicts(byName.id)).toEqual([
			{ kind: 'opportunity', id: direct.id, reasons: ['name'] }
		]);
		// The same SIREN, typed as a SIRET, under another name.
		const bySiren = await submit(alphaMember, {
			accountName: `Other name ${t}`,
			accountSiren: '552 120 222 00013'
		});
		expect(await storedConflicts(bySiren.id)).toContainEqual({
			kind: 'opportunity',
			id: direct.id,
			reasons: ['siren']
		});
	});

	it('does not count a won or lost opportunity as a conflict', async () => {
		const t = tag();
		const account = await createAccount({ name: `Closed ${t}` });
		await createOpportunity({ accountId: account.id, partnerId: null, stage: 'won' });
		await createOpportunity({
			accountId: account.id,
			partnerId: beta.organisation.id,
			stage: 'lost'
		});
		expect((await submit(alphaMember, { accountName: `Closed ${t}` })).conflict).toBe(false);
	});

	it("flags a conflict with another partner's pending registration on the same domain", async () => {
		const t = tag();
		const first = await submit(beta, { accountName: `Acme ${t}`, accountDomain: `acme-${t}.fr` });
		const second = await submit(alphaMember, {
			accountName: `ACME Industries ${t}`,
			accountDomain: `https://www.acme-${t}.fr/contact`
		});
		expect(second.conflict).toBe(true);
		expect(await storedConflicts(second.id)).toEqual([
			{ kind: 'registration', id: first.id, reasons: ['domain'] }
		]);
	});

	it('ignores expired, rejected, lapsed and old registrations of other partners', async () => {
		const t = tag();
		const expired = await submit(beta, { accountName: `Expired ${t}` });
		await db
			.update(dealRegistrations)
			.set({ status: 'expired' })
			.where(eq(dealRegistrations.id, expired.id));
		const rejected = await submit(beta, { accountName: `Rejected ${t}` });
		await rejectRegistration(db, acting(manager), { id: rejected.id, reason: 'Duplicate' });
		const lapsed = await submit(beta, { accountName: `Lapsed ${t}` });
		await db
			.update(dealRegistrations)
			.set({ status: 'approved', protectedUntil: new Date(Date.now() - DAY) })
			.where(eq(dealRegistrations.id, lapsed.id));
		const old = await submit(beta, { accountName: `Old ${t}` });
		await db
			.update(dealRegistrations)
			.set({ createdAt: new Date(Date.now() - 91 * DAY) })
			.where(eq(dealRegistrations.id, old.id));

		for (const name of ['Expired', 'Rejected', 'Lapsed', 'Old']) {
			const result = await submit(alphaMember, { accountName: `${name} ${t}` });
			expect(result.conflict, name).toBe(false);
		}
	});

	it("never flags the partner's own opportunities and registrations", async () => {
		const t = tag();
		const account = await createAccount({
			name: `Own ${t}`,
			domain: `own-${t}.fr`,
			partners: [alphaAdmin.organisation.id]
		});
		await createOpportunity({ accountId: account.id, partnerId: alphaAdmin.organisation.id });
		await submit(alphaAdmin, { accountName: `Own ${t}` });
		const again = await submit(alphaMember, { accountMode: 'existing', accountId: account.id });
		expect(again.conflict).toBe(false);
	});

	it("shows the partner a possible conflict without the other party's name or data", async () => {
		const t = tag();
		const account = await createAccount({ name: `Secretive ${t}`, domain: `secret-${t}.fr` });
		const other = await createOpportunity({
			accountId: account.id,
			partnerId: beta.organisation.id,
			name: `Hidden deal ${t}`,
			ownerId: rep.user.id
		});
		const mine = await submit(alphaMember, {
			accountName: `Mine ${t}`,
			accountDomain: `secret-${t}.fr`
		});

		const partnerView = await getRegistration(db, acting(alphaMember), mine.id);
		expect(partnerView?.conflict).toBe(true);
		expect(partnerView?.conflicts).toBeNull();
		const seen = JSON.stringify(partnerView);
		for (const secret of [
			beta.organisation.name,
			`Hidden deal ${t}`,
			`Secretive ${t}`,
			rep.user.name,
			other.id,
			account.id
		]) {
			expect(seen).not.toContain(secret);
		}
		const list = JSON.stringify(await listRegistrations(db, acting(alphaMember)));
		expect(list).not.toContain(beta.organisation.name);
		expect(list).not.toContain(other.id);

		// The reviewer sees both sides.
		const review = await getRegistration(db, acting(manager), mine.id);
		expect(review?.conflicts).toEqual([
			expect.objectContaining({
				kind: 'opportunity',
				id: other.id,
				partnerName: beta.organisation.name,
				accountName: `Secretive ${t}`,
				stage: 'proposal',
				ownerName: rep.user.name,
				amountCents: 5_000_000,
				reasons: ['domain']
			})
		]);
		// A rep reads the registration but not the conflict detail.
		expect((await getRegistration(db, acting(rep), mine.id))?.conflicts).toBeNull();
	});

	it('approves: creates the account, links it to the partner, creates the opportunity and its history, and notifies', async () => {
		const t = tag();
		const before = Date.now();
		const { id } = await submit(alphaMember, {
			accountName: `Nouvelle Société ${t}`,
			accountDomain: `nouvelle-${t}.fr`,
			accountSiren: 'FR 40 732829320',
			amount: '12 500,50',
			products: 'Licences, support'
		});
		// At submission, the host reviewers are told.
		const [submitted] = await db
			.select()
			.from(notifications)
			.where(
				and(
					eq(notifications.userId, manager.user.id),
					eq(notifications.link, `/registrations/${id}`)
				)
			);
		expect(submitted.kind).toBe('registration_submitted');

		const result = await approveRegistration(db, acting(manager), { id }, PROTECTION, {
			ip: '203.0.113.1'
		});
		expect(result.accountCreated).toBe(true);
		expect(result.linked).toBe(false);

		const [account] = await db.select().from(accounts).where(eq(accounts.id, result.accountId));
		expect(account).toMatchObject({
			name: `Nouvelle Société ${t}`,
			normalisedName: `nouvelle societe ${t}`,
			domain: `nouvelle-${t}.fr`,
			siren: '732829320'
		});
		expect(account.search).toBeTruthy();
		const links = await db
			.select()
			.from(accountPartners)
			.where(eq(accountPartners.accountId, account.id));
		expect(links.map((l) => l.organisationId)).toEqual([alphaMember.organisation.id]);

		const [opportunity] = await db
			.select()
			.from(opportunities)
			.where(eq(opportunities.id, result.opportunityId));
		expect(opportunity).toMatchObject({
			accountId: account.id,
			partnerId: alphaMember.organisation.id,
			stage: 'qualification',
			probability: 25,
			amountCents: 1_250_050,
			closeDate: inDays(30),
			products: 'Licences, support',
			registrationId: id
		});
		const protectedFor = opportunity.protectedUntil!.getTime() - before;
		expect(protectedFor).toBeGreaterThan(89.9 * DAY);
		expect(protectedFor).toBeLessThan(90.1 * DAY);
		const history = await db
			.select()
			.from(opportunityHistory)
			.where(eq(opportunityHistory.opportunityId, opportunity.id));
		expect(history).toEqual([
			expect.objectContaining({
				field: 'created',
				toValue: 'qualification',
				actorId: manager.user.id
			})
		]);

		const [registration] = await db
			.select()
			.from(dealRegistrations)
			.where(eq(dealRegistrations.id, id));
		expect(registration).toMatchObject({
			status: 'approved',
			opportunityId: opportunity.id,
			accountId: account.id,
			reviewerId: manager.user.id
		});
		expect(registration.protectedUntil?.getTime()).toBe(opportunity.protectedUntil?.getTime());

		const told = await db
			.select({ userId: notifications.userId })
			.from(notifications)
			.where(
				and(
					eq(notifications.kind, 'registration_approved'),
					eq(notifications.link, `/registrations/${id}`)
				)
			);
		expect(new Set(told.map((n) => n.userId))).toEqual(
			new Set([alphaMember.user.id, alphaAdmin.user.id])
		);
		const audit = await db.select().from(auditLog).where(eq(auditLog.objectId, id));
		expect(audit.map((a) => a.action).sort()).toEqual([
			'registration.approved',
			'registration.submitted'
		]);
		const feed = await db.select().from(activities).where(eq(activities.objectId, id));
		expect(feed.map((a) => [a.verb, a.organisationId])).toContainEqual([
			'registration_approved',
			alphaMember.organisation.id
		]);
		// The partner now sees its opportunity; a second decision is refused.
		expect(await refusal(approveRegistration(db, acting(manager), { id }, PROTECTION))).toBe(
			'NOT_PENDING'
		);
	});

	it('approves on an account the partner already has: links its open opportunity', async () => {
		const t = tag();
		const account = await createAccount({
			name: `Linked ${t}`,
			partners: [alphaAdmin.organisation.id]
		});
		const open = await createOpportunity({
			accountId: account.id,
			partnerId: alphaAdmin.organisation.id,
			stage: 'prospecting'
		});
		const { id } = await submit(alphaAdmin, { accountMode: 'existing', accountId: account.id });
		const result = await approveRegistration(db, acting(admin), { id }, PROTECTION);
		expect(result).toMatchObject({ opportunityId: open.id, accountId: account.id, linked: true });
		const [row] = await db.select().from(opportunities).where(eq(opportunities.id, open.id));
		expect(row.registrationId).toBe(id);
		expect(row.protectedUntil).not.toBeNull();
		expect(row.version).toBe(2);
	});

	it('notifies the managers of the partner’s region and its owner rep at submission', async () => {
		const [region] = await db
			.insert(regions)
			.values({ code: `R${tag()}`, name: 'Ouest' })
			.returning();
		const regional = await createTestUser(db, { role: 'manager' });
		await db.insert(managerRegions).values({ userId: regional.user.id, regionId: region.id });
		const gamma = await createTestOrganisation(db, { name: `Gamma ${tag()}` });
		await db
			.update(organisations)
			.set({ regionId: region.id, ownerId: rep.user.id })
			.where(eq(organisations.id, gamma.id));
		const gammaUser = await createTestUser(db, { role: 'partner_member', organisation: gamma });
		const { id } = await submit(gammaUser, { accountName: `Regional ${tag()}` });
		const told = await db
			.select({ userId: notifications.userId })
			.from(notifications)
			.where(eq(notifications.link, `/registrations/${id}`));
		expect(new Set(told.map((n) => n.userId))).toEqual(new Set([regional.user.id, rep.user.id]));
	});

	it('requires a reason to reject, then tells the partner', async () => {
		const { id } = await submit(alphaMember, { accountName: `Refused ${tag()}` });
		const empty = parseForm(rejectSchema, form({ id, reason: '   ' }));
		expect(empty.ok).toBe(false);
		if (!empty.ok)
			expect(empty.failure.fieldErrors.reason).toEqual({ key: 'deals_error_reason_required' });
		expect(await refusal(rejectRegistration(db, acting(manager), { id, reason: ' ' }))).toBe(
			'REASON_REQUIRED'
		);
		await rejectRegistration(db, acting(manager), { id, reason: 'Already in our pipeline' });
		const view = await getRegistration(db, acting(alphaMember), id);
		expect(view).toMatchObject({ status: 'rejected', rejectionReason: 'Already in our pipeline' });
		const [told] = await db
			.select()
			.from(notifications)
			.where(
				and(
					eq(notifications.userId, alphaMember.user.id),
					eq(notifications.kind, 'registration_rejected')
				)
			);
		expect(told.link).toBe(`/registrations/${id}`);
	});

	it('expires lapsed protections and stale pending registrations, and reschedules itself', async () => {
		const approved = await submit(alphaMember, { accountName: `Lapsing ${tag()}` });
		const { opportunityId } = await approveRegistration(db, acting(manager), approved, PROTECTION);
		const past = new Date(Date.now() - 1000);
		await db
			.update(dealRegistrations)
			.set({ protectedUntil: past })
			.where(eq(dealRegistrations.id, approved.id));
		await db
			.update(opportunities)
			.set({ protectedUntil: past })
			.where(eq(opportunities.id, opportunityId));
		const stale = await submit(alphaMember, { accountName: `Stale ${tag()}` });
		await db
			.update(dealRegistrations)
			.set({ createdAt: new Date(Date.now() - 91 * DAY) })
			.where(eq(dealRegistrations.id, stale.id));
		const fresh = await submit(alphaMember, { accountName: `Fresh ${tag()}` });

		await scheduleDealJobs(db);
		await scheduleDealJobs(db); // idempotent: one waiting job
		const waiting = await db
			.select()
			.from(jobs)
			.where(and(eq(jobs.kind, DEALS_EXPIRE_JOB), sql`${jobs.doneAt} is null`));
		expect(waiting).toHaveLength(1);
		const runner = startJobRunner({
			db,
			log: createLogger({ level: 'silent', pretty: false }),
			handlers: dealJobHandlers({ registrationDays: 90 }),
			autoStart: false
		});
		expect(await runner.runOnce()).toBe(1);
		await runner.stop();

		const status = async (id: string) =>
			(await db.select().from(dealRegistrations).where(eq(dealRegistrations.id, id)))[0].status;
		expect(await status(approved.id)).toBe('expired');
		expect(await status(stale.id)).toBe('expired');
		expect(await status(fresh.id)).toBe('pending');
		const [opportunity] = await db
			.select()
			.from(opportunities)
			.where(eq(opportunities.id, opportunityId));
		expect(opportunity.protectedUntil).toBeNull();
		const told = await db
			.select({ link: notifications.link })
			.from(notifications)
			.where(
				and(
					eq(notifications.userId, alphaMember.user.id),
					eq(notifications.kind, 'registration_expired')
				)
			);
		expect(told.map((n) => n.link).sort()).toEqual(
			[`/registrations/${approved.id}`, `/registrations/${stale.id}`].sort()
		);
		// The next run is already queued, an hour later.
		const next = await db
			.select()
			.from(jobs)
			.where(and(eq(jobs.kind, DEALS_EXPIRE_JOB), sql`${jobs.doneAt} is null`));
		expect(next).toHaveLength(1);
		expect(next[0].runAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60 * 1000);
		// Nothing left to expire.
		expect(await expireRegistrations(db, PROTECTION)).toEqual({ approved: 0, pending: 0 });
	});

	it("keeps partner people out of reviewing and out of other partners' registrations", async () => {
		const own = await submit(alphaMember, { accountName: `Own review ${tag()}` });
		const theirs = await submit(beta, { accountName: `Theirs ${tag()}` });
		expect(await refusal(approveRegistration(db, acting(alphaAdmin), own, PROTECTION))).toBe(
			'FORBIDDEN'
		);
		expect(await refusal(approveRegistration(db, acting(alphaAdmin), theirs, PROTECTION))).toBe(
			'NOT_FOUND'
		);
		expect(
			await refusal(rejectRegistration(db, acting(alphaAdmin), { id: theirs.id, reason: 'no' }))
		).toBe('NOT_FOUND');
		expect(await refusal(approveRegistration(db, acting(rep), own, PROTECTION))).toBe('FORBIDDEN');
		expect(await getRegistration(db, acting(alphaAdmin), theirs.id)).toBeNull();
		const list = await listRegistrations(db, acting(alphaAdmin), { partner: beta.organisation.id });
		expect(list.every((r) => r.partnerId === alphaAdmin.organisation.id)).toBe(true);
		// Host people do not register deals; a partner cannot use another partner's account.
		const betaAccount = await createAccount({
			name: `Beta only ${tag()}`,
			partners: [beta.organisation.id]
		});
		expect(
			await refusal(submit(alphaMember, { accountMode: 'existing', accountId: betaAccount.id }))
		).toBe('UNKNOWN_ACCOUNT');
		expect(await refusal(submit(manager, { accountName: `Host ${tag()}` }))).toBe('FORBIDDEN');
	});

	it('refuses bad input with clear messages and keeps what was typed', () => {
		const parsed = parseForm(
			registrationSchema(TODAY),
			form({
				accountMode: 'new',
				accountName: '',
				accountDomain: 'not a domain',
				accountSiren: '123',
				amount: '-5',
				expectedCloseDate: '2020-01-01',
				notes: 'Keep me'
			})
		);
		expect(parsed.ok).toBe(false);
		if (parsed.ok) return;
		expect(parsed.failure.fieldErrors).toEqual({
			accountName: { key: 'error_required' },
			accountDomain: { key: 'deals_error_domain_invalid' },
			accountSiren: { key: 'deals_error_siren_invalid' },
			amount: { key: 'amount_error_negative' },
			expectedCloseDate: { key: 'deals_error_date_past' }
		});
		expect(parsed.failure.values).toMatchObject({ amount: '-5', notes: 'Keep me' });
		const garbled = parseForm(
			registrationSchema(TODAY),
			form({
				accountMode: 'existing',
				accountId: 'nope',
				amount: 'douze',
				expectedCloseDate: 'demain'
			})
		);
		expect(garbled.ok).toBe(false);
		if (garbled.ok) return;
		expect(garbled.failure.fieldErrors).toMatchObject({
			accountId: { key: 'error_invalid' },
			amount: { key: 'amount_error_not_a_number' },
			expectedCloseDate: { key: 'deals_error_date_invalid' }
		});
	});
});
