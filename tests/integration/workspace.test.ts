import { DomainError, type DomainErrorCode } from '../../src/lib/server/errors.ts';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createSession,
	generateToken,
	validateSessionToken
} from '../../src/lib/server/auth/sessions.ts';
import { listAudit } from '../../src/lib/server/audit/index.ts';
import { tables } from '../../src/lib/server/db/index.ts';
import { LIVE_CHANNEL } from '../../src/lib/server/live/events.ts';
import {
	assignTeamAndRegion,
	auditNewerCursor,
	changeRole,
	createPartnerOrganisation,
	deactivateUser,
	invitePerson,
	listOrganisations,
	listPendingInvitations,
	listPeople,
	reactivateUser,
	resendInvitation,
	revokeInvitation,
	updateOrganisation
} from '../../src/lib/server/workspace/index.ts';
import { parseForm } from '../../src/lib/server/http/forms.ts';
import type { OrganisationKind, Role } from '../../src/lib/shared/enums.ts';
import {
	companyInviteSchema,
	createOrganisationSchema,
	inviteSchema,
	peopleFilterSchema
} from '../../src/lib/shared/schemas/admin.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import type { Actor } from '../../src/lib/server/access/actor.ts';

const { organisations, users, regions, teams, managerRegions, invitations, auditLog } = tables;
const context = { ip: '203.0.113.7' };
const inviteContext = { ...context, origin: 'http://relais.example', mail: {} };

type Org = { id: string; kind: OrganisationKind; name: string };
type Person = Actor & { email: string };

function form(values: Record<string, string | string[]>): FormData {
	const data = new FormData();
	for (const [key, value] of Object.entries(values)) {
		for (const v of Array.isArray(value) ? value : [value]) data.append(key, v);
	}
	return data;
}

async function refusal(promise: Promise<unknown>): Promise<DomainErrorCode> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof DomainError) return error.code;
		throw error;
	}
	throw new Error('The command was expected to be refused');
}

describe('the workspace schemas', () => {
	it('refuse an unknown role with the "choose from the list" message', () => {
		const parsed = parseForm(
			inviteSchema,
			form({
				email: 'new@relais.test',
				organisationId: crypto.randomUUID(),
				role: 'superuser',
				locale: 'fr'
			})
		);
		expect(parsed.ok).toBe(false);
		if (parsed.ok) return;
		expect(parsed.failure.fieldErrors.role).toEqual({ key: 'error_invalid_choice' });
		expect(parsed.failure.values.email).toBe('new@relais.test');
	});

	it('refuse a malformed e-mail address with the e-mail message', () => {
		const parsed = parseForm(
			companyInviteSchema,
			form({ email: 'not-an-address@', role: 'partner_member', locale: 'en' })
		);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok)
			expect(parsed.failure.fieldErrors.email).toEqual({ key: 'error_email_invalid' });
	});

	it('refuse a host role in a partner admin’s invitation form', () => {
		const parsed = parseForm(
			companyInviteSchema,
			form({ email: 'x@alpha.test', role: 'admin', locale: 'en' })
		);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok)
			expect(parsed.failure.fieldErrors.role).toEqual({ key: 'error_invalid_choice' });
	});

	it('refuse an oversized or empty organisation name with the length messages', () => {
		const long = parseForm(createOrganisationSchema, form({ name: 'x'.repeat(121), tier: 'gold' }));
		expect(long.ok).toBe(false);
		if (!long.ok) {
			expect(long.failure.fieldErrors.name).toEqual({
				key: 'error_too_long',
				params: { max: 120 }
			});
		}
		const empty = parseForm(createOrganisationSchema, form({ name: '   ', tier: 'gold' }));
		expect(empty.ok).toBe(false);
		if (!empty.ok) expect(empty.failure.fieldErrors.name).toEqual({ key: 'error_required' });
	});

	it('refuse an unknown tier', () => {
		const parsed = parseForm(createOrganisationSchema, form({ name: 'Gamma', tier: 'diamond' }));
		expect(parsed.ok).toBe(false);
		if (!parsed.ok)
			expect(parsed.failure.fieldErrors.tier).toEqual({ key: 'error_invalid_choice' });
	});

	it('drop malformed URL filters instead of refusing the page', () => {
		const filter = peopleFilterSchema.parse({
			organisation: 'nope',
			role: 'pirate',
			status: 'active',
			q: '  Alice  ',
			after: '1; drop table users'
		});
		expect(filter).toEqual({
			organisation: undefined,
			role: undefined,
			status: 'active',
			q: 'Alice',
			after: undefined
		});
	});
});

describe.each(drivers())('the workspace commands on %s', (driver) => {
	let database: TestDatabase;
	let host: Org;
	let alpha: Org;
	let beta: Org;
	let regionA: string;
	let regionB: string;
	let team: string;
	const people: Record<string, Person> = {};

	async function addPerson(key: string, org: Org, role: Role): Promise<Person> {
		const email = `${key}@${org.name.toLowerCase()}.test`;
		const name = key.replace(/^./, (c) => c.toUpperCase());
		const [row] = await database.db
			.insert(users)
			.values({ email, name, organisationId: org.id, role, locale: 'en' })
			.returning({ id: users.id });
		const person = {
			id: row.id,
			name,
			email,
			role,
			organisationId: org.id,
			organisationKind: org.kind
		};
		people[key] = person;
		return person;
	}

	async function signIn(person: Person): Promise<string> {
		const token = generateToken();
		await createSession(database.db, token, person.id);
		return token;
	}

	async function userRow(id: string) {
		const [row] = await database.db.select().from(users).where(eq(users.id, id));
		return row;
	}

	async function audits(action: string, objectId: string) {
		return database.db
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.action, action), eq(auditLog.objectId, objectId)));
	}

	beforeAll(async () => {
		database = await freshDatabase(driver);
		const db = database.db;
		[regionA, regionB] = (
			await db
				.insert(regions)
				.values([
					{ code: 'IDF', name: 'Île-de-France' },
					{ code: 'ARA', name: 'Auvergne-Rhône-Alpes' }
				])
				.returning({ id: regions.id })
		).map((r) => r.id);
		[{ id: team }] = await db
			.insert(teams)
			.values({ name: 'Paris Ouest', regionId: regionA })
			.returning({ id: teams.id });
		const orgs = await db
			.insert(organisations)
			.values([
				{ name: 'Nordis', kind: 'host' },
				{ name: 'Alpha', kind: 'partner', tier: 'gold', regionId: regionA },
				{ name: 'Beta', kind: 'partner', tier: 'silver', regionId: regionB }
			])
			.returning({ id: organisations.id, kind: organisations.kind, name: organisations.name });
		[host, alpha, beta] = orgs;
		await addPerson('admin', host, 'admin');
		await addPerson('manager', host, 'manager');
		await addPerson('rep', host, 'rep');
		await addPerson('alphaadmin', alpha, 'partner_admin');
		await addPerson('alphamember', alpha, 'partner_member');
		await addPerson('betaadmin', beta, 'partner_admin');
		await addPerson('betamember', beta, 'partner_member');
	});

	afterAll(async () => {
		await database.drop();
	});

	describe('changeRole', () => {
		it('lets an admin promote a rep to manager, audits it and tells the person', async () => {
			const { admin, rep } = people;
			await expect(
				changeRole(database.db, admin, { userId: rep.id, role: 'manager' }, context)
			).resolves.toEqual({ changed: true });
			expect((await userRow(rep.id)).role).toBe('manager');
			const [entry] = await audits('user.role_changed', rep.id);
			expect(entry).toMatchObject({
				actorId: admin.id,
				data: { from: 'rep', to: 'manager' },
				ip: '203.0.113.7'
			});
			const notes = await database.db
				.select()
				.from(tables.notifications)
				.where(eq(tables.notifications.userId, rep.id));
			expect(notes.map((n) => [n.kind, n.data])).toEqual([
				['role_changed', { name: 'Admin', role: 'manager' }]
			]);
			await changeRole(database.db, admin, { userId: rep.id, role: 'rep' }, context);
		});

		it('tells the person’s live connections that their access changed', async () => {
			const { admin, rep } = people;
			const payloads: string[] = [];
			const unlisten = await database.listen(LIVE_CHANNEL, (p) => payloads.push(p));
			try {
				await changeRole(database.db, admin, { userId: rep.id, role: 'manager' }, context);
				await expect
					.poll(() =>
						payloads
							.map((p) => JSON.parse(p) as { type: string; audience: unknown })
							.filter((e) => e.type === 'access.changed')
					)
					.toEqual([
						expect.objectContaining({ type: 'access.changed', audience: { users: [rep.id] } })
					]);
			} finally {
				await unlisten();
				await changeRole(database.db, admin, { userId: rep.id, role: 'rep' }, context);
			}
		});

		it('refuses a role that does not fit the organisation', async () => {
			const { admin, alphamember, rep } = people;
			expect(
				await refusal(changeRole(database.db, admin, { userId: alphamember.id, role: 'manager' }))
			).toBe('ROLE_DOES_NOT_FIT');
			expect(
				await refusal(changeRole(database.db, admin, { userId: rep.id, role: 'partner_admin' }))
			).toBe('ROLE_DOES_NOT_FIT');
			expect((await userRow(alphamember.id)).role).toBe('partner_member');
		});

		it('lets a partner admin switch their own people between the partner roles', async () => {
			const { alphaadmin, alphamember } = people;
			await changeRole(database.db, alphaadmin, { userId: alphamember.id, role: 'partner_admin' });
			expect((await userRow(alphamember.id)).role).toBe('partner_admin');
			await changeRole(database.db, alphaadmin, { userId: alphamember.id, role: 'partner_member' });
			expect((await userRow(alphamember.id)).role).toBe('partner_member');
		});

		it('does not let a partner admin touch another partner’s people or the host’s', async () => {
			const { alphaadmin, betamember, rep } = people;
			expect(
				await refusal(
					changeRole(database.db, alphaadmin, { userId: betamember.id, role: 'partner_admin' })
				)
			).toBe('NOT_FOUND');
			expect(
				await refusal(changeRole(database.db, alphaadmin, { userId: rep.id, role: 'manager' }))
			).toBe('NOT_FOUND');
			expect((await userRow(betamember.id)).role).toBe('partner_member');
		});

		it('refuses managers, reps and members, and one’s own role', async () => {
			const { manager, rep, alphamember, alphaadmin, admin } = people;
			expect(
				await refusal(changeRole(database.db, manager, { userId: rep.id, role: 'admin' }))
			).toBe('FORBIDDEN');
			expect(
				await refusal(
					changeRole(database.db, alphamember, { userId: alphaadmin.id, role: 'partner_member' })
				)
			).toBe('FORBIDDEN');
			expect(await refusal(changeRole(database.db, admin, { userId: admin.id, role: 'rep' }))).toBe(
				'SELF_CHANGE'
			);
			expect(
				await refusal(changeRole(database.db, admin, { userId: crypto.randomUUID(), role: 'rep' }))
			).toBe('NOT_FOUND');
		});

		it('clears the managed regions of a manager who becomes a rep', async () => {
			const { admin, manager } = people;
			await assignTeamAndRegion(database.db, admin, {
				userId: manager.id,
				teamId: team,
				regionId: regionA,
				managedRegionIds: [regionA, regionB]
			});
			await changeRole(database.db, admin, { userId: manager.id, role: 'rep' });
			const managed = await database.db
				.select()
				.from(managerRegions)
				.where(eq(managerRegions.userId, manager.id));
			expect(managed).toEqual([]);
			await changeRole(database.db, admin, { userId: manager.id, role: 'manager' });
		});
	});

	describe('assignTeamAndRegion', () => {
		it('sets a manager’s team, region and managed regions, and audits the change', async () => {
			const { admin, manager } = people;
			const result = await assignTeamAndRegion(database.db, admin, {
				userId: manager.id,
				teamId: team,
				regionId: regionA,
				managedRegionIds: [regionB, regionA]
			});
			expect(result).toEqual({ changed: true });
			const row = await userRow(manager.id);
			expect([row.teamId, row.regionId]).toEqual([team, regionA]);
			const managed = await database.db
				.select({ regionId: managerRegions.regionId })
				.from(managerRegions)
				.where(eq(managerRegions.userId, manager.id));
			expect(managed.map((m) => m.regionId).sort()).toEqual([regionA, regionB].sort());
			expect(await audits('user.team_changed', manager.id)).not.toHaveLength(0);
		});

		it('ignores managed regions for someone who is not a manager', async () => {
			const { admin, rep } = people;
			await assignTeamAndRegion(database.db, admin, {
				userId: rep.id,
				teamId: null,
				regionId: regionB,
				managedRegionIds: [regionA]
			});
			const managed = await database.db
				.select()
				.from(managerRegions)
				.where(eq(managerRegions.userId, rep.id));
			expect(managed).toEqual([]);
			expect((await userRow(rep.id)).regionId).toBe(regionB);
		});

		it('refuses unknown teams and regions, partner people and non-admins', async () => {
			const { admin, rep, manager, alphamember, alphaadmin } = people;
			const base = { userId: rep.id, teamId: null, regionId: null };
			expect(
				await refusal(
					assignTeamAndRegion(database.db, admin, { ...base, teamId: crypto.randomUUID() })
				)
			).toBe('UNKNOWN_TEAM');
			expect(
				await refusal(
					assignTeamAndRegion(database.db, admin, { ...base, regionId: crypto.randomUUID() })
				)
			).toBe('UNKNOWN_REGION');
			expect(
				await refusal(
					assignTeamAndRegion(database.db, admin, { ...base, userId: alphamember.id, teamId: team })
				)
			).toBe('FORBIDDEN');
			expect(await refusal(assignTeamAndRegion(database.db, manager, base))).toBe('FORBIDDEN');
			expect(await refusal(assignTeamAndRegion(database.db, alphaadmin, base))).toBe('NOT_FOUND');
		});
	});

	describe('deactivateUser and reactivateUser', () => {
		it('ends the person’s sessions at once and announces it to live connections', async () => {
			const { admin, rep } = people;
			const token = await signIn(rep);
			expect((await validateSessionToken(database.db, token)).user?.id).toBe(rep.id);
			const payloads: string[] = [];
			const unlisten = await database.listen(LIVE_CHANNEL, (p) => payloads.push(p));
			try {
				await deactivateUser(database.db, admin, { userId: rep.id }, context);
				await expect
					.poll(() =>
						payloads
							.map((p) => JSON.parse(p) as { type: string; audience: unknown })
							.filter((e) => e.type === 'session.revoked')
					)
					.toEqual([
						expect.objectContaining({ type: 'session.revoked', audience: { users: [rep.id] } })
					]);
			} finally {
				await unlisten();
			}
			expect(await validateSessionToken(database.db, token)).toEqual({ session: null, user: null });
			const sessions = await database.db
				.select()
				.from(tables.sessions)
				.where(eq(tables.sessions.userId, rep.id));
			expect(sessions).toEqual([]);
			const row = await userRow(rep.id);
			expect(row.active).toBe(false);
			expect(row.deactivatedAt).toBeInstanceOf(Date);
			expect(await audits('user.deactivated', rep.id)).toHaveLength(1);
		});

		it('reactivates someone, who can then sign in again', async () => {
			const { admin, rep } = people;
			await expect(reactivateUser(database.db, admin, { userId: rep.id })).resolves.toEqual({
				changed: true
			});
			const row = await userRow(rep.id);
			expect([row.active, row.deactivatedAt]).toEqual([true, null]);
			const token = await signIn(rep);
			expect((await validateSessionToken(database.db, token)).user?.id).toBe(rep.id);
			await expect(reactivateUser(database.db, admin, { userId: rep.id })).resolves.toEqual({
				changed: false
			});
		});

		it('lets a partner admin deactivate their own people only', async () => {
			const { alphaadmin, alphamember, betamember, rep } = people;
			const betaToken = await signIn(betamember);
			expect(
				await refusal(deactivateUser(database.db, alphaadmin, { userId: betamember.id }))
			).toBe('NOT_FOUND');
			expect(await refusal(deactivateUser(database.db, alphaadmin, { userId: rep.id }))).toBe(
				'NOT_FOUND'
			);
			expect((await userRow(betamember.id)).active).toBe(true);
			expect((await validateSessionToken(database.db, betaToken)).user?.id).toBe(betamember.id);

			await deactivateUser(database.db, alphaadmin, { userId: alphamember.id });
			expect((await userRow(alphamember.id)).active).toBe(false);
			await reactivateUser(database.db, alphaadmin, { userId: alphamember.id });
		});

		it('refuses oneself, and people without the right', async () => {
			const { admin, manager, rep, alphamember, alphaadmin } = people;
			expect(await refusal(deactivateUser(database.db, admin, { userId: admin.id }))).toBe(
				'SELF_CHANGE'
			);
			expect(await refusal(deactivateUser(database.db, manager, { userId: rep.id }))).toBe(
				'FORBIDDEN'
			);
			expect(
				await refusal(deactivateUser(database.db, alphamember, { userId: alphaadmin.id }))
			).toBe('FORBIDDEN');
		});
	});

	describe('the last admin', () => {
		it('is never demoted or deactivated, even by a second admin acting on a stale page', async () => {
			const { admin } = people;
			const second = await addPerson('second', host, 'admin');
			// The second admin demotes the first…
			await changeRole(database.db, second, { userId: admin.id, role: 'manager' });
			// …while the first, on a page loaded earlier, still acts as an admin.
			expect(
				await refusal(changeRole(database.db, admin, { userId: second.id, role: 'rep' }))
			).toBe('LAST_ADMIN');
			expect(await refusal(deactivateUser(database.db, admin, { userId: second.id }))).toBe(
				'LAST_ADMIN'
			);
			expect((await userRow(second.id)).role).toBe('admin');
			// Put things back: the first admin is an admin again and the second one leaves.
			await changeRole(database.db, second, { userId: admin.id, role: 'admin' });
			await deactivateUser(database.db, admin, { userId: second.id });
			expect((await userRow(second.id)).active).toBe(false);
		});
	});

	describe('invitations', () => {
		it('lets an admin invite into the host with a team and region, and lists it as pending', async () => {
			const { admin } = people;
			const { invitationId, link } = await invitePerson(
				database.db,
				admin,
				{
					email: 'Nouvelle@Relais.test',
					role: 'rep',
					organisationId: host.id,
					teamId: team,
					regionId: regionA,
					locale: 'fr'
				},
				inviteContext
			);
			expect(link).toMatch(/^http:\/\/relais\.example\/invitation\/[a-z2-7]+$/);
			const pending = await listPendingInvitations(database.db, { organisationId: host.id });
			expect(pending).toEqual([
				expect.objectContaining({
					id: invitationId,
					role: 'rep',
					teamName: 'Paris Ouest',
					regionName: 'Île-de-France',
					status: 'pending'
				})
			]);
		});

		it('refuses a role that does not fit, a suspended company, unknown teams', async () => {
			const { admin } = people;
			const base = { email: 'someone@relais.test', locale: 'en' as const };
			expect(
				await refusal(
					invitePerson(
						database.db,
						admin,
						{ ...base, role: 'partner_member', organisationId: host.id },
						inviteContext
					)
				)
			).toBe('ROLE_DOES_NOT_FIT');
			expect(
				await refusal(
					invitePerson(
						database.db,
						admin,
						{ ...base, role: 'rep', organisationId: host.id, teamId: crypto.randomUUID() },
						inviteContext
					)
				)
			).toBe('UNKNOWN_TEAM');
			expect(
				await refusal(
					invitePerson(
						database.db,
						admin,
						{ ...base, email: people.rep.email, role: 'rep', organisationId: host.id },
						inviteContext
					)
				)
			).toBe('EMAIL_TAKEN');
		});

		it('does not let a partner admin invite into another partner or give a host role', async () => {
			const { alphaadmin } = people;
			const base = { email: 'intruder@alpha.test', locale: 'en' as const };
			expect(
				await refusal(
					invitePerson(
						database.db,
						alphaadmin,
						{ ...base, role: 'partner_member', organisationId: beta.id },
						inviteContext
					)
				)
			).toBe('NOT_FOUND');
			expect(
				await refusal(
					invitePerson(
						database.db,
						alphaadmin,
						{ ...base, role: 'rep', organisationId: host.id },
						inviteContext
					)
				)
			).toBe('FORBIDDEN');
			expect(
				await refusal(
					invitePerson(
						database.db,
						alphaadmin,
						{ ...base, role: 'admin', organisationId: alpha.id },
						inviteContext
					)
				)
			).toBe('ROLE_DOES_NOT_FIT');
			const sent = await database.db
				.select()
				.from(invitations)
				.where(eq(invitations.email, 'intruder@alpha.test'));
			expect(sent).toEqual([]);
		});

		it('lets a partner admin invite into their own company, without team or region', async () => {
			const { alphaadmin, betaadmin } = people;
			const { invitationId } = await invitePerson(
				database.db,
				alphaadmin,
				{
					email: 'colleague@alpha.test',
					role: 'partner_member',
					organisationId: alpha.id,
					teamId: team,
					regionId: regionA,
					locale: 'en'
				},
				inviteContext
			);
			const [row] = await database.db
				.select()
				.from(invitations)
				.where(eq(invitations.id, invitationId));
			expect([row.teamId, row.regionId, row.organisationId]).toEqual([null, null, alpha.id]);
			// Another partner's admin cannot revoke or resend it: it does not exist for them.
			expect(await refusal(revokeInvitation(database.db, betaadmin, { invitationId }))).toBe(
				'NOT_FOUND'
			);
			expect(
				await refusal(
					resendInvitation(database.db, betaadmin, { invitationId, locale: 'en' }, inviteContext)
				)
			).toBe('NOT_FOUND');
		});

		it('resends an expired invitation with a new link and revokes the old one', async () => {
			const { alphaadmin } = people;
			const [old] = await database.db
				.select()
				.from(invitations)
				.where(eq(invitations.email, 'colleague@alpha.test'));
			await database.db
				.update(invitations)
				.set({ expiresAt: new Date(Date.now() - 1000) })
				.where(eq(invitations.id, old.id));
			const before = await listPendingInvitations(database.db, { organisationId: alpha.id });
			expect(before.find((i) => i.id === old.id)?.status).toBe('expired');

			const { invitationId } = await resendInvitation(
				database.db,
				alphaadmin,
				{ invitationId: old.id, locale: 'fr' },
				inviteContext
			);
			expect(invitationId).not.toBe(old.id);
			const after = await listPendingInvitations(database.db, { organisationId: alpha.id });
			expect(after.map((i) => [i.id, i.status])).toEqual([[invitationId, 'pending']]);
			expect(await audits('invitation.resent', invitationId)).toHaveLength(1);
			const mails = await database.db
				.select()
				.from(tables.emailOutbox)
				.where(eq(tables.emailOutbox.toAddress, 'colleague@alpha.test'));
			expect(mails).toHaveLength(2);
		});

		it('revokes a pending invitation once, then says it is no longer pending', async () => {
			const { alphaadmin } = people;
			const [pending] = await listPendingInvitations(database.db, { organisationId: alpha.id });
			await revokeInvitation(database.db, alphaadmin, { invitationId: pending.id }, context);
			expect(await listPendingInvitations(database.db, { organisationId: alpha.id })).toEqual([]);
			expect(
				await refusal(revokeInvitation(database.db, alphaadmin, { invitationId: pending.id }))
			).toBe('INVITATION_NOT_PENDING');
			expect(await audits('invitation.revoked', pending.id)).toHaveLength(1);
		});
	});

	describe('organisations', () => {
		it('creates a partner, audits it and records the activity', async () => {
			const { admin } = people;
			const { organisationId } = await createPartnerOrganisation(
				database.db,
				admin,
				{ name: '  Gamma Froid  ', tier: 'registered', regionId: regionB },
				context
			);
			const [org] = await database.db
				.select()
				.from(organisations)
				.where(eq(organisations.id, organisationId));
			expect(org).toMatchObject({
				name: 'Gamma Froid',
				kind: 'partner',
				tier: 'registered',
				regionId: regionB,
				status: 'active'
			});
			expect(await audits('organisation.created', organisationId)).toHaveLength(1);
			const acts = await database.db
				.select()
				.from(tables.activities)
				.where(eq(tables.activities.objectId, organisationId));
			expect(acts.map((a) => a.verb)).toEqual(['partner.joined']);
		});

		it('refuses a name already taken, whatever its case', async () => {
			const { admin } = people;
			expect(
				await refusal(
					createPartnerOrganisation(database.db, admin, { name: 'ALPHA', tier: 'gold' })
				)
			).toBe('NAME_TAKEN');
			expect(
				await refusal(
					updateOrganisation(database.db, admin, { organisationId: beta.id, name: 'gamma froid' })
				)
			).toBe('NAME_TAKEN');
		});

		it('refuses anyone but an admin', async () => {
			for (const key of ['manager', 'rep', 'alphaadmin', 'alphamember']) {
				expect(
					await refusal(
						createPartnerOrganisation(database.db, people[key], { name: `By ${key}`, tier: 'gold' })
					)
				).toBe('FORBIDDEN');
				expect(
					await refusal(
						updateOrganisation(database.db, people[key], {
							organisationId: alpha.id,
							status: 'suspended'
						})
					)
				).toBe('FORBIDDEN');
			}
		});

		it('changes a tier and tells the partner’s admins', async () => {
			const { admin, alphaadmin } = people;
			await updateOrganisation(database.db, admin, { organisationId: alpha.id, tier: 'platinum' });
			const notes = await database.db
				.select()
				.from(tables.notifications)
				.where(
					and(
						eq(tables.notifications.userId, alphaadmin.id),
						eq(tables.notifications.kind, 'tier_changed')
					)
				);
			expect(notes).toHaveLength(1);
			const orgs = await listOrganisations(database.db);
			expect(orgs[0].kind).toBe('host');
			expect(orgs.find((o) => o.id === alpha.id)).toMatchObject({
				tier: 'platinum',
				peopleCount: 2
			});
		});

		it('suspends a partner: every session of its people ends, then reactivates it', async () => {
			const { admin, betaadmin, betamember, alphaadmin } = people;
			const tokens = [await signIn(betaadmin), await signIn(betamember)];
			const alphaToken = await signIn(alphaadmin);
			const payloads: string[] = [];
			const unlisten = await database.listen(LIVE_CHANNEL, (p) => payloads.push(p));
			try {
				await updateOrganisation(
					database.db,
					admin,
					{ organisationId: beta.id, status: 'suspended' },
					context
				);
				const revoked = () =>
					payloads
						.map((p) => JSON.parse(p) as { type: string; data: { userId?: string } })
						.filter((e) => e.type === 'session.revoked')
						.map((e) => e.data.userId)
						.sort();
				await expect.poll(revoked).toEqual([betaadmin.id, betamember.id].sort());
			} finally {
				await unlisten();
			}
			const remaining = await database.db
				.select()
				.from(tables.sessions)
				.innerJoin(users, eq(users.id, tables.sessions.userId))
				.where(eq(users.organisationId, beta.id));
			expect(remaining).toEqual([]);
			for (const token of tokens) {
				expect((await validateSessionToken(database.db, token)).session).toBeNull();
			}
			expect((await validateSessionToken(database.db, alphaToken)).user?.id).toBe(alphaadmin.id);
			expect(await audits('organisation.suspended', beta.id)).toHaveLength(1);

			await updateOrganisation(database.db, admin, { organisationId: beta.id, status: 'active' });
			const fresh = await signIn(betamember);
			expect((await validateSessionToken(database.db, fresh)).user?.id).toBe(betamember.id);
		});

		it('refuses to suspend the host company', async () => {
			const { admin } = people;
			expect(
				await refusal(
					updateOrganisation(database.db, admin, { organisationId: host.id, status: 'suspended' })
				)
			).toBe('HOST_NOT_SUSPENDABLE');
			const [row] = await database.db
				.select()
				.from(organisations)
				.where(eq(organisations.id, host.id));
			expect(row.status).toBe('active');
		});

		it('refuses invitations into a suspended partner', async () => {
			const { admin } = people;
			await updateOrganisation(database.db, admin, {
				organisationId: beta.id,
				status: 'suspended'
			});
			expect(
				await refusal(
					invitePerson(
						database.db,
						admin,
						{
							email: 'late@beta.test',
							role: 'partner_member',
							organisationId: beta.id,
							locale: 'en'
						},
						inviteContext
					)
				)
			).toBe('ORGANISATION_SUSPENDED');
			await updateOrganisation(database.db, admin, { organisationId: beta.id, status: 'active' });
		});
	});

	describe('listPeople', () => {
		it('filters, searches and pages in name order, forwards and back', async () => {
			const { admin } = people;
			const all = await listPeople(database.db, admin, { limit: 100 });
			const names = all.items.map((p) => p.name);
			expect(names).toEqual(
				[...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
			);

			const first = await listPeople(database.db, admin, { limit: 3 });
			expect(first.previous).toBeNull();
			expect(first.nextCursor).toBe(first.items[2].id);
			const second = await listPeople(database.db, admin, { limit: 3, after: first.nextCursor });
			expect(second.items[0].id).toBe(all.items[3].id);
			expect(second.previous).toEqual({ cursor: null });
			const third = await listPeople(database.db, admin, { limit: 3, after: second.nextCursor });
			expect(third.previous).toEqual({ cursor: first.nextCursor });

			const search = await listPeople(database.db, admin, { q: 'ALPHAM' });
			expect(search.items.map((p) => p.id)).toEqual([people.alphamember.id]);
			const byMail = await listPeople(database.db, admin, { q: '@beta.' });
			expect(byMail.items).toHaveLength(2);
			const partnerAdmins = await listPeople(database.db, admin, { role: 'partner_admin' });
			expect(partnerAdmins.items.map((p) => p.organisationName).sort()).toEqual(['Alpha', 'Beta']);
			const inactive = await listPeople(database.db, admin, { status: 'deactivated' });
			expect(inactive.items.map((p) => p.id)).toEqual([people.second.id]);
		});

		it('shows a partner person only their own company, whatever the filter asks', async () => {
			const { alphaadmin } = people;
			const page = await listPeople(database.db, alphaadmin, { organisationId: beta.id });
			expect(new Set(page.items.map((p) => p.organisationId))).toEqual(new Set([alpha.id]));
		});
	});

	describe('the audit log pages', () => {
		it('walks back to newer pages with the cursor auditNewerCursor gives', async () => {
			const filter = { limit: 2 };
			const first = await listAudit(database.db, filter);
			const second = await listAudit(database.db, { ...filter, before: first.nextCursor });
			const third = await listAudit(database.db, { ...filter, before: second.nextCursor });
			expect(third.items).toHaveLength(2);
			expect(await auditNewerCursor(database.db, filter, third.items[0].id)).toBe(first.nextCursor);
			expect(await auditNewerCursor(database.db, filter, second.items[0].id)).toBeNull();
			expect(await auditNewerCursor(database.db, filter, first.items[0].id)).toBeUndefined();
		});

		it('keeps the filters when walking back', async () => {
			const filter = { limit: 1, action: 'user.role_changed' };
			const first = await listAudit(database.db, filter);
			const second = await listAudit(database.db, { ...filter, before: first.nextCursor });
			expect(second.items[0].action).toBe('user.role_changed');
			expect(await auditNewerCursor(database.db, filter, second.items[0].id)).toBeNull();
		});
	});
});
