import { DomainError, type DomainErrorCode } from '../../src/lib/server/errors.ts';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	changeOpportunityStage,
	createAccount,
	createContact,
	createOpportunity,
	deleteAccount,
	deleteContact,
	deleteOpportunity,
	getAccount,
	getContact,
	getOpportunity,
	getOpportunityHistory,
	listAccounts,
	listContactsOfAccount,
	listOpportunitiesOfAccount,
	listRecentlyDeleted,
	restoreRecord,
	updateAccount,
	updateContact,
	updateOpportunity
} from '../../src/lib/server/crm/index.ts';
import { tables } from '../../src/lib/server/db/index.ts';
import { accountInput, contactInput, opportunityInput } from '../../src/lib/shared/schemas/crm.ts';
import { parseAmount } from '../../src/lib/shared/amount.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestOrganisation, createTestUser } from '../support/factories.ts';
import type { Actor } from '../../src/lib/server/access/actor.ts';

const { auditLog, accountPartners, opportunityHistory, activities } = tables;

function actorOf(t: Awaited<ReturnType<typeof createTestUser>>): Actor {
	return {
		id: t.user.id,
		role: t.user.role,
		organisationId: t.organisation.id,
		organisationKind: t.organisation.kind,
		name: t.user.name
	};
}

async function refusal(promise: Promise<unknown>): Promise<DomainErrorCode | 'none'> {
	try {
		await promise;
		return 'none';
	} catch (cause) {
		if (cause instanceof DomainError) return cause.code;
		throw cause;
	}
}

const account = (name: string, extra: Partial<Record<string, string | string[]>> = {}) =>
	accountInput.parse({ name, ...extra });
const deal = (name: string, extra: Record<string, string> = {}) =>
	opportunityInput.parse({ name, stage: 'prospecting', amountCents: '1000', ...extra });

describe('CRM input', () => {
	it('reads amounts typed with a comma or a dot, spaces and thousands separators', () => {
		expect(parseAmount('12 500,50', 'fr')).toEqual({ ok: true, cents: 1_250_050 });
		expect(parseAmount('12500.5', 'fr')).toEqual({ ok: true, cents: 1_250_050 });
		expect(parseAmount('1.234,56', 'fr')).toEqual({ ok: true, cents: 123_456 });
		expect(parseAmount('1,234.56', 'fr')).toEqual({ ok: true, cents: 123_456 });
		expect(parseAmount('12\u202f500 €', 'fr')).toEqual({ ok: true, cents: 1_250_000 });
		expect(parseAmount('12,5,0', 'fr')).toEqual({ ok: false, error: 'not_a_number' });
		expect(parseAmount('douze', 'fr')).toEqual({ ok: false, error: 'not_a_number' });
		expect(parseAmount('-5', 'fr')).toEqual({ ok: false, error: 'negative' });
	});

	it('normalises the domain and the SIREN and refuses bad ones with a field error', () => {
		const ok = accountInput.parse({
			name: 'Acme',
			domain: 'https://www.Acme.fr/x',
			siren: '732 829 320 00074'
		});
		expect(ok.domain).toBe('acme.fr');
		expect(ok.siren).toBe('732829320');
		const bad = accountInput.safeParse({ name: 'Acme', domain: 'not a domain', siren: '12' });
		expect(bad.success).toBe(false);
		const messages = bad.error?.issues.map((i) => [i.path[0], i.message]);
		expect(messages).toContainEqual(['domain', 'crm_error_domain']);
		expect(messages).toContainEqual(['siren', 'crm_error_siren']);
	});

	it('asks for a reason when a deal is lost', () => {
		const lost = opportunityInput.safeParse({ name: 'X', stage: 'lost', amountCents: '' });
		expect(lost.success).toBe(false);
		expect(lost.error?.issues[0].path).toEqual(['lostReason']);
		expect(contactInput.safeParse({ name: 'A', email: 'nope' }).success).toBe(false);
	});
});

describe.each(drivers())('CRM records on %s', (driver) => {
	let database: TestDatabase;
	let admin: Actor;
	let manager: Actor;
	let rep: Actor;
	let otherRep: Actor;
	let alphaAdmin: Actor;
	let alphaMember: Actor;
	let betaAdmin: Actor;
	let alphaId: string;
	let betaId: string;

	beforeAll(async () => {
		database = await freshDatabase(driver);
		const db = database.db;
		const alpha = await createTestOrganisation(db, { name: 'Alpha CRM' });
		const beta = await createTestOrganisation(db, { name: 'Beta CRM' });
		alphaId = alpha.id;
		betaId = beta.id;
		admin = actorOf(await createTestUser(db, { role: 'admin' }));
		manager = actorOf(await createTestUser(db, { role: 'manager' }));
		rep = actorOf(await createTestUser(db, { role: 'rep' }));
		otherRep = actorOf(await createTestUser(db, { role: 'rep' }));
		alphaAdmin = actorOf(await createTestUser(db, { role: 'partner_admin', organisation: alpha }));
		alphaMember = actorOf(
			await createTestUser(db, { role: 'partner_member', organisation: alpha })
		);
		betaAdmin = actorOf(await createTestUser(db, { role: 'partner_admin', organisation: beta }));
	});

	afterAll(async () => {
		await database?.drop();
	});

	it('creates, edits, deletes and restores an account, with audit entries', async () => {
		const db = database.db;
		const created = await createAccount(
			db,
			manager,
			account('Société Générale SA', { domain: 'www.sg.fr', partnerIds: [alphaId] })
		);
		const detail = await getAccount(db, manager, created.id);
		expect(detail).toMatchObject({ name: 'Société Générale SA', domain: 'sg.fr', version: 1 });
		expect(detail?.partners.map((p) => p.name)).toEqual(['Alpha CRM']);
		expect(detail?.ownerId).toBe(manager.id);

		const found = await listAccounts(db, manager, { q: 'societe gen' });
		expect(found.items.map((a) => a.id)).toContain(created.id);

		const saved = await updateAccount(db, manager, {
			...account('Société Générale', { domain: 'sg.fr', partnerIds: [alphaId, betaId] }),
			id: created.id,
			version: 1
		});
		expect(saved).toMatchObject({ version: 2, changed: true });

		await deleteAccount(db, manager, { id: created.id });
		expect(await getAccount(db, manager, created.id)).toBeNull();
		expect((await listAccounts(db, manager)).items.map((a) => a.id)).not.toContain(created.id);
		const deleted = await listRecentlyDeleted(db, admin);
		expect(deleted.find((d) => d.id === created.id)).toMatchObject({ kind: 'account' });
		expect(await refusal(listRecentlyDeleted(db, manager))).toBe('FORBIDDEN');
		expect(await refusal(restoreRecord(db, manager, { kind: 'account', id: created.id }))).toBe(
			'FORBIDDEN'
		);

		await restoreRecord(db, admin, { kind: 'account', id: created.id });
		expect(await getAccount(db, manager, created.id)).not.toBeNull();
		const actions = (await db.select().from(auditLog).where(eq(auditLog.objectId, created.id))).map(
			(r) => r.action
		);
		expect(actions).toEqual(
			expect.arrayContaining([
				'account.created',
				'account.updated',
				'account.deleted',
				'account.restored'
			])
		);
	});

	it('creates, edits, deletes and restores a contact', async () => {
		const db = database.db;
		const acc = await createAccount(db, rep, account('Contact Corp'));
		const c = await createContact(db, rep, {
			...contactInput.parse({ name: 'Jeanne Martin', email: 'jeanne@contact.fr' }),
			accountId: acc.id
		});
		expect(await getContact(db, rep, c.id)).toMatchObject({ name: 'Jeanne Martin', version: 1 });
		const saved = await updateContact(db, rep, {
			...contactInput.parse({ name: 'Jeanne Martin', jobTitle: 'DSI' }),
			id: c.id,
			version: 1
		});
		expect(saved.version).toBe(2);
		// Reps do not delete; managers do.
		expect(await refusal(deleteContact(db, rep, { id: c.id }))).toBe('FORBIDDEN');
		await deleteContact(db, manager, { id: c.id });
		expect(await getContact(db, rep, c.id)).toBeNull();
		expect(await listContactsOfAccount(db, rep, acc.id)).toEqual([]);
		await restoreRecord(db, admin, { kind: 'contact', id: c.id });
		expect(await getContact(db, rep, c.id)).toMatchObject({ jobTitle: 'DSI' });
	});

	it('creates, edits, deletes and restores an opportunity, keeping its history', async () => {
		const db = database.db;
		const acc = await createAccount(db, rep, account('Deal Corp'));
		const o = await createOpportunity(db, rep, {
			...deal('Big deal', { amountCents: '12 500,50' }),
			accountId: acc.id
		});
		let detail = await getOpportunity(db, rep, o.id);
		expect(detail).toMatchObject({ amountCents: 1_250_050, probability: 10, stage: 'prospecting' });

		await updateOpportunity(db, rep, {
			...deal('Big deal', {
				amountCents: '20000',
				stage: 'proposal',
				probability: '10',
				ownerId: rep.id
			}),
			id: o.id,
			version: 1
		});
		detail = await getOpportunity(db, rep, o.id);
		// The probability left as it was follows the new stage.
		expect(detail).toMatchObject({ stage: 'proposal', probability: 50, amountCents: 2_000_000 });

		const won = await changeOpportunityStage(db, rep, { id: o.id, version: 2, stage: 'won' });
		expect(won.version).toBe(3);
		detail = await getOpportunity(db, rep, o.id);
		expect(detail?.closedAt).toBeInstanceOf(Date);
		expect(detail?.probability).toBe(100);

		const history = await getOpportunityHistory(db, rep, o.id);
		expect(history.map((h) => [h.field, h.fromValue, h.toValue])).toEqual([
			['created', null, 'prospecting'],
			['stage', 'prospecting', 'proposal'],
			['amount', '1250050', '2000000'],
			['stage', 'proposal', 'won']
		]);
		const verbs = (await db.select().from(activities).where(eq(activities.objectId, o.id))).map(
			(a) => a.verb
		);
		expect(verbs).toEqual(expect.arrayContaining(['opportunity_created', 'deal_won']));

		expect(
			await refusal(changeOpportunityStage(db, rep, { id: o.id, version: 3, stage: 'lost' }))
		).toBe('LOST_REASON_REQUIRED');

		await deleteOpportunity(db, manager, { id: o.id });
		expect(await getOpportunity(db, rep, o.id)).toBeNull();
		expect(await listOpportunitiesOfAccount(db, rep, acc.id)).toEqual([]);
		await restoreRecord(db, admin, { kind: 'opportunity', id: o.id });
		expect(await getOpportunity(db, rep, o.id)).not.toBeNull();
	});

	it('catches a stale edit: the second edit from version 1 gets a conflict and overwrites nothing', async () => {
		const db = database.db;
		const acc = await createAccount(db, manager, account('Stale Corp'));
		const o = await createOpportunity(db, manager, { ...deal('Stale deal'), accountId: acc.id });
		await updateOpportunity(db, manager, {
			...deal('First edit', { amountCents: '500' }),
			id: o.id,
			version: 1
		});
		let caught: unknown;
		try {
			await updateOpportunity(db, admin, {
				...deal('Second edit', { amountCents: '900' }),
				id: o.id,
				version: 1
			});
		} catch (cause) {
			caught = cause;
		}
		expect(caught).toBeInstanceOf(DomainError);
		expect((caught as DomainError).code).toBe('STALE');
		expect((caught as DomainError).current).toMatchObject({ name: 'First edit', version: 2 });
		expect(await getOpportunity(db, admin, o.id)).toMatchObject({
			name: 'First edit',
			amountCents: 50_000,
			version: 2
		});

		await updateAccount(db, manager, { ...account('Stale Corp 2'), id: acc.id, version: 1 });
		expect(
			await refusal(
				updateAccount(db, admin, { ...account('Stale Corp 3'), id: acc.id, version: 1 })
			)
		).toBe('STALE');
		expect((await getAccount(db, admin, acc.id))?.name).toBe('Stale Corp 2');

		const c = await createContact(db, manager, {
			...contactInput.parse({ name: 'A' }),
			accountId: acc.id
		});
		await updateContact(db, manager, {
			...contactInput.parse({ name: 'B' }),
			id: c.id,
			version: 1
		});
		expect(
			await refusal(
				updateContact(db, admin, { ...contactInput.parse({ name: 'C' }), id: c.id, version: 1 })
			)
		).toBe('STALE');
		expect((await getContact(db, admin, c.id))?.name).toBe('B');
	});

	it("lets a rep read another rep's records but not edit them", async () => {
		const db = database.db;
		const acc = await createAccount(db, otherRep, account('Other Rep Corp'));
		const o = await createOpportunity(db, otherRep, { ...deal('Theirs'), accountId: acc.id });
		const c = await createContact(db, otherRep, {
			...contactInput.parse({ name: 'Z' }),
			accountId: acc.id
		});
		expect((await getAccount(db, rep, acc.id))?.permissions).toEqual({
			edit: false,
			delete: false
		});
		expect((await getOpportunity(db, rep, o.id))?.permissions.edit).toBe(false);
		expect(
			await refusal(updateAccount(db, rep, { ...account('Mine now'), id: acc.id, version: 1 }))
		).toBe('FORBIDDEN');
		expect(
			await refusal(updateOpportunity(db, rep, { ...deal('Mine now'), id: o.id, version: 1 }))
		).toBe('FORBIDDEN');
		expect(
			await refusal(changeOpportunityStage(db, rep, { id: o.id, version: 1, stage: 'proposal' }))
		).toBe('FORBIDDEN');
		expect(
			await refusal(
				updateContact(db, rep, { ...contactInput.parse({ name: 'Y' }), id: c.id, version: 1 })
			)
		).toBe('FORBIDDEN');
		expect((await getAccount(db, otherRep, acc.id))?.permissions.edit).toBe(true);
	});

	it("keeps a partner of Alpha out of everything of Beta's, through every query and command", async () => {
		const db = database.db;
		// Beta's world, made by Beta's admin and by the host for Beta.
		const betaAcc = await createAccount(db, betaAdmin, account('Beta Customer'));
		const betaDeal = await createOpportunity(db, betaAdmin, {
			...deal('Beta deal'),
			accountId: betaAcc.id
		});
		const betaContact = await createContact(db, betaAdmin, {
			...contactInput.parse({ name: 'Beta person' }),
			accountId: betaAcc.id
		});
		// An account both serve: Alpha sees it, never Beta's name, contacts or deals on it.
		const shared = await createAccount(
			db,
			manager,
			account('Shared Customer', { partnerIds: [alphaId, betaId] })
		);
		const sharedBetaDeal = await createOpportunity(db, manager, {
			...deal('Beta on shared', { partnerId: betaId }),
			accountId: shared.id
		});
		const sharedBetaContact = await createContact(db, betaAdmin, {
			...contactInput.parse({ name: 'Beta on shared' }),
			accountId: shared.id
		});
		const alphaAcc = await createAccount(db, alphaMember, account('Alpha Customer'));
		const links = await db
			.select()
			.from(accountPartners)
			.where(eq(accountPartners.accountId, alphaAcc.id));
		expect(links.map((l) => l.organisationId)).toEqual([alphaId]);

		for (const alphaUser of [alphaAdmin, alphaMember]) {
			const list = await listAccounts(db, alphaUser);
			const ids = list.items.map((a) => a.id);
			expect(ids).toContain(alphaAcc.id);
			expect(ids).toContain(shared.id);
			expect(ids).not.toContain(betaAcc.id);
			for (const item of list.items) {
				expect(item.partners.map((p) => p.id)).toEqual([alphaId]);
			}
			expect((await listAccounts(db, alphaUser, { q: 'beta' })).items.map((a) => a.id)).toEqual([]);
			// A host filter by Beta means nothing for Alpha.
			expect(
				(await listAccounts(db, alphaUser, { partnerId: betaId })).items.map((a) => a.id)
			).not.toContain(betaAcc.id);
			expect(await getAccount(db, alphaUser, betaAcc.id)).toBeNull();
			expect(await getOpportunity(db, alphaUser, betaDeal.id)).toBeNull();
			expect(await getOpportunity(db, alphaUser, sharedBetaDeal.id)).toBeNull();
			expect(await getContact(db, alphaUser, betaContact.id)).toBeNull();
			expect(await getContact(db, alphaUser, sharedBetaContact.id)).toBeNull();
			expect(await getOpportunityHistory(db, alphaUser, betaDeal.id)).toEqual([]);
			expect(await listContactsOfAccount(db, alphaUser, shared.id)).toEqual([]);
			expect(await listOpportunitiesOfAccount(db, alphaUser, shared.id)).toEqual([]);
			expect(await listContactsOfAccount(db, alphaUser, betaAcc.id)).toEqual([]);
			expect(await listOpportunitiesOfAccount(db, alphaUser, betaAcc.id)).toEqual([]);

			const commands: (() => Promise<unknown>)[] = [
				() => updateAccount(db, alphaUser, { ...account('Taken'), id: betaAcc.id, version: 1 }),
				() => deleteAccount(db, alphaUser, { id: betaAcc.id }),
				() => updateOpportunity(db, alphaUser, { ...deal('Taken'), id: betaDeal.id, version: 1 }),
				() => changeOpportunityStage(db, alphaUser, { id: betaDeal.id, version: 1, stage: 'won' }),
				() => deleteOpportunity(db, alphaUser, { id: betaDeal.id }),
				() =>
					updateOpportunity(db, alphaUser, { ...deal('Taken'), id: sharedBetaDeal.id, version: 1 }),
				() =>
					updateContact(db, alphaUser, {
						...contactInput.parse({ name: 'Taken' }),
						id: betaContact.id,
						version: 1
					}),
				() => deleteContact(db, alphaUser, { id: betaContact.id }),
				() => deleteContact(db, alphaUser, { id: sharedBetaContact.id }),
				() =>
					createContact(db, alphaUser, {
						...contactInput.parse({ name: 'X' }),
						accountId: betaAcc.id
					}),
				() => createOpportunity(db, alphaUser, { ...deal('X'), accountId: betaAcc.id }),
				() => restoreRecord(db, alphaUser, { kind: 'account', id: betaAcc.id })
			];
			for (const command of commands) {
				expect(['NOT_FOUND', 'FORBIDDEN']).toContain(await refusal(command()));
			}
		}
		// Nothing of Beta's changed.
		expect(await getAccount(db, betaAdmin, betaAcc.id)).toMatchObject({
			name: 'Beta Customer',
			version: 1
		});
		expect(await getOpportunity(db, betaAdmin, betaDeal.id)).toMatchObject({ version: 1 });
		expect(await getContact(db, betaAdmin, betaContact.id)).toMatchObject({ version: 1 });

		// A partner's own deal is always its company's, whatever the form says.
		const alphaDeal = await createOpportunity(db, alphaMember, {
			...deal('Alpha deal', { partnerId: betaId }),
			accountId: shared.id
		});
		expect((await getOpportunity(db, alphaMember, alphaDeal.id))?.partnerId).toBe(alphaId);
		await updateOpportunity(db, alphaMember, {
			...deal('Alpha deal', { partnerId: betaId }),
			id: alphaDeal.id,
			version: 1
		});
		expect((await getOpportunity(db, alphaMember, alphaDeal.id))?.partnerId).toBe(alphaId);
		// Partner members do not delete; their admin does, for their own records only.
		expect(await refusal(deleteOpportunity(db, alphaMember, { id: alphaDeal.id }))).toBe(
			'FORBIDDEN'
		);
		await deleteOpportunity(db, alphaAdmin, { id: alphaDeal.id });
		const [row] = await db
			.select()
			.from(opportunityHistory)
			.where(
				and(
					eq(opportunityHistory.opportunityId, alphaDeal.id),
					eq(opportunityHistory.field, 'created')
				)
			);
		expect(row.actorId).toBe(alphaMember.id);
	});

	it('refuses an owner who is not a host person and a partner that does not exist', async () => {
		const db = database.db;
		expect(
			await refusal(createAccount(db, manager, account('Bad owner', { ownerId: alphaMember.id })))
		).toBe('UNKNOWN_OWNER');
		expect(
			await refusal(
				createAccount(db, manager, account('Bad partner', { partnerIds: [crypto.randomUUID()] }))
			)
		).toBe('UNKNOWN_PARTNER');
	});
});
