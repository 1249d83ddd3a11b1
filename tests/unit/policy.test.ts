import { describe, expect, it } from 'vitest';
import * as policy from '../../src/lib/server/access/policy.ts';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import type { OrganisationRef, UserRef } from '../../src/lib/server/access/policy.ts';
import type { LiveAudience } from '../../src/lib/server/live/events.ts';
import { ROLES, type Role } from '../../src/lib/shared/enums.ts';

// Every policy function × every role × the object's place: the actor's own organisation, another
// partner company, the host company. The expected answers are written out by hand, row by row:
// reading a row should tell a newcomer the rule without reading policy.ts.

const HOST: OrganisationRef = { id: '00000000-0000-4000-8000-000000000001', kind: 'host' };
const ALPHA: OrganisationRef = { id: '00000000-0000-4000-8000-0000000000a1', kind: 'partner' };
const BETA: OrganisationRef = { id: '00000000-0000-4000-8000-0000000000b1', kind: 'partner' };

/** Host roles sit in the host company; partner roles in Alpha. Beta is always "another partner". */
const ACTORS: Record<Role, Actor> = {
	admin: actorIn(HOST, 'admin'),
	manager: actorIn(HOST, 'manager'),
	rep: actorIn(HOST, 'rep'),
	partner_admin: actorIn(ALPHA, 'partner_admin'),
	partner_member: actorIn(ALPHA, 'partner_member')
};

function actorIn(org: OrganisationRef, role: Role): Actor {
	return { id: `actor-${role}`, role, organisationId: org.id, organisationKind: org.kind };
}

const SCOPES = ['own organisation', 'another partner', 'the host'] as const;
type Scope = (typeof SCOPES)[number];
/** One expected answer per scope, in SCOPES order. */
type Row<T = boolean> = [own: T, otherPartner: T, host: T];
type Table<T = boolean> = Record<Role, Row<T>>;

function orgOf(actor: Actor, scope: Scope): OrganisationRef {
	if (scope === 'own organisation')
		return { id: actor.organisationId, kind: actor.organisationKind };
	return scope === 'another partner' ? BETA : HOST;
}

/** A colleague of nobody in particular: someone else, with the everyday role of that organisation. */
function personIn(org: OrganisationRef, extra: Partial<UserRef> = {}): UserRef {
	return {
		id: `person-in-${org.id}`,
		organisationId: org.id,
		organisationKind: org.kind,
		role: org.kind === 'host' ? 'rep' : 'partner_member',
		...extra
	};
}

function selfOf(actor: Actor): UserRef {
	return { ...actor };
}

const T = true;
const F = false;
const HOST_ROLES_: Role[] = ['admin', 'manager', 'rep'];
const PARTNER_ROLES_: Role[] = ['partner_admin', 'partner_member'];
const NONE: Role[] = [];

const tested = new Set<string>();

/** Runs one table: for each role and scope, `ask` must give the expected answer. */
function table<T>(name: string, expected: Table<T>, ask: (actor: Actor, scope: Scope) => T) {
	tested.add(name);
	describe(name, () => {
		for (const role of ROLES) {
			SCOPES.forEach((scope, i) => {
				it(`answers ${JSON.stringify(expected[role][i])} for a ${role} about ${scope}`, () => {
					expect(ask(ACTORS[role], scope)).toEqual(expected[role][i]);
				});
			});
		}
	});
}

/** Roles the predicate accepts, in ROLES order. */
const rolesWhere = (accepts: (role: Role) => boolean): Role[] => ROLES.filter(accepts);

table(
	'canViewOrganisation',
	{
		admin: [T, T, T],
		manager: [T, T, T],
		rep: [T, T, T],
		partner_admin: [T, F, T],
		partner_member: [T, F, T]
	},
	(actor, scope) => policy.canViewOrganisation(actor, orgOf(actor, scope))
);

table(
	'canManageOrganisations',
	{
		admin: [T, T, T],
		manager: [F, F, F],
		rep: [F, F, F],
		partner_admin: [F, F, F],
		partner_member: [F, F, F]
	},
	(actor) => policy.canManageOrganisations(actor)
);

table(
	'canViewUser',
	{
		admin: [T, T, T],
		manager: [T, T, T],
		rep: [T, T, T],
		// A partner never sees another partner's people, nor the host's whole directory…
		partner_admin: [T, F, F],
		partner_member: [T, F, F]
	},
	(actor, scope) => policy.canViewUser(actor, personIn(orgOf(actor, scope)))
);

describe('canViewUser for host contacts', () => {
	it.each([
		['admin', T],
		['manager', T],
		['rep', T],
		// …only the host people assigned to them.
		['partner_admin', T],
		['partner_member', T]
	] as const)('lets a %s see a host contact: %s', (role, expected) => {
		const contact = personIn(HOST, { isHostContact: true });
		expect(policy.canViewUser(ACTORS[role], contact)).toBe(expected);
	});
	it('does not let a partner see a person of another partner marked as a host contact', () => {
		const odd = personIn(BETA, { isHostContact: true });
		expect(policy.canViewUser(ACTORS.partner_admin, odd)).toBe(false);
	});
});

table(
	'canManagePeopleOf',
	{
		admin: [T, T, T],
		manager: [F, F, F],
		rep: [F, F, F],
		partner_admin: [T, F, F],
		partner_member: [F, F, F]
	},
	(actor, scope) => policy.canManagePeopleOf(actor, orgOf(actor, scope))
);

tested.add('roleFitsOrganisation');
describe('roleFitsOrganisation', () => {
	const fits: Record<Role, [host: boolean, partner: boolean]> = {
		admin: [T, F],
		manager: [T, F],
		rep: [T, F],
		partner_admin: [F, T],
		partner_member: [F, T]
	};
	it.each(ROLES)('places the %s role in the right kind of organisation', (role) => {
		expect([
			policy.roleFitsOrganisation(role, 'host'),
			policy.roleFitsOrganisation(role, 'partner')
		]).toEqual(fits[role]);
	});
});

table(
	'canInvite',
	{
		admin: [HOST_ROLES_, PARTNER_ROLES_, HOST_ROLES_],
		manager: [NONE, NONE, NONE],
		rep: [NONE, NONE, NONE],
		partner_admin: [PARTNER_ROLES_, NONE, NONE],
		partner_member: [NONE, NONE, NONE]
	},
	(actor, scope) => rolesWhere((role) => policy.canInvite(actor, orgOf(actor, scope), role))
);

table(
	'canChangeRole',
	{
		admin: [HOST_ROLES_, PARTNER_ROLES_, HOST_ROLES_],
		manager: [NONE, NONE, NONE],
		rep: [NONE, NONE, NONE],
		partner_admin: [PARTNER_ROLES_, NONE, NONE],
		partner_member: [NONE, NONE, NONE]
	},
	(actor, scope) =>
		rolesWhere((role) => policy.canChangeRole(actor, personIn(orgOf(actor, scope)), role))
);

describe('canChangeRole on oneself', () => {
	it.each(ROLES)('refuses a %s every role for themselves', (role) => {
		const actor = ACTORS[role];
		expect(rolesWhere((r) => policy.canChangeRole(actor, selfOf(actor), r))).toEqual([]);
	});
});

table(
	'canAssignTeam',
	{
		admin: [T, F, T],
		manager: [F, F, F],
		rep: [F, F, F],
		partner_admin: [F, F, F],
		partner_member: [F, F, F]
	},
	(actor, scope) => policy.canAssignTeam(actor, personIn(orgOf(actor, scope)))
);

table(
	'canDeactivate',
	{
		admin: [T, T, T],
		manager: [F, F, F],
		rep: [F, F, F],
		partner_admin: [T, F, F],
		partner_member: [F, F, F]
	},
	(actor, scope) => policy.canDeactivate(actor, personIn(orgOf(actor, scope)))
);

describe('canDeactivate on oneself', () => {
	it.each(ROLES)('never lets a %s deactivate themselves', (role) => {
		expect(policy.canDeactivate(ACTORS[role], selfOf(ACTORS[role]))).toBe(false);
	});
});

table(
	'canViewAuditLog',
	{
		admin: [T, T, T],
		manager: [F, F, F],
		rep: [F, F, F],
		partner_admin: [F, F, F],
		partner_member: [F, F, F]
	},
	(actor) => policy.canViewAuditLog(actor)
);

table(
	'canViewOutbox',
	{
		admin: [T, T, T],
		manager: [F, F, F],
		rep: [F, F, F],
		partner_admin: [F, F, F],
		partner_member: [F, F, F]
	},
	(actor) => policy.canViewOutbox(actor)
);

/** An activity's world: a partner's id, or null for the host's own world. */
function activityWorld(actor: Actor, scope: Scope): string | null {
	const org = orgOf(actor, scope);
	return org.kind === 'host' ? null : org.id;
}

table(
	'canViewActivity',
	{
		admin: [T, T, T],
		manager: [T, T, T],
		rep: [T, T, T],
		partner_admin: [T, F, F],
		partner_member: [T, F, F]
	},
	(actor, scope) => policy.canViewActivity(actor, { organisationId: activityWorld(actor, scope) })
);

tested.add('canReadNotification');
describe('canReadNotification', () => {
	// [their own, a colleague's, another partner's person's]
	const expected: Record<Role, [boolean, boolean, boolean]> = {
		admin: [T, F, F],
		manager: [T, F, F],
		rep: [T, F, F],
		partner_admin: [T, F, F],
		partner_member: [T, F, F]
	};
	it.each(ROLES)('lets a %s read only their own notifications', (role) => {
		const actor = ACTORS[role];
		const colleague = personIn(orgOf(actor, 'own organisation'));
		const stranger = personIn(BETA);
		expect([
			policy.canReadNotification(actor, { userId: actor.id }),
			policy.canReadNotification(actor, { userId: colleague.id }),
			policy.canReadNotification(actor, { userId: stranger.id })
		]).toEqual(expected[role]);
	});
});

table(
	'canReceiveLiveEvent',
	{
		admin: [T, T, T],
		manager: [T, T, T],
		rep: [T, T, T],
		partner_admin: [T, F, F],
		partner_member: [T, F, F]
	},
	(actor, scope) => policy.canReceiveLiveEvent(actor, { organisation: activityWorld(actor, scope) })
);

describe('canReceiveLiveEvent for an item of several partner companies', () => {
	// [sent to their own company and another, to another partner only, to nobody's company]
	const expected: Record<Role, [boolean, boolean, boolean]> = {
		admin: [T, T, T],
		manager: [T, T, T],
		rep: [T, T, T],
		partner_admin: [T, F, F],
		partner_member: [T, F, F]
	};
	it.each(ROLES)('delivers to a %s only what names their company, unless host', (role) => {
		const actor = ACTORS[role];
		const audiences: LiveAudience[] = [
			{ organisations: [BETA.id, actor.organisationId] },
			{ organisations: [BETA.id] },
			{ organisations: [] }
		];
		expect(audiences.map((a) => policy.canReceiveLiveEvent(actor, a))).toEqual(expected[role]);
	});
});

describe('canReceiveLiveEvent for people and everyone', () => {
	// [sent to them, sent to someone else, sent to everyone]
	const expected: Record<Role, [boolean, boolean, boolean]> = {
		admin: [T, F, T],
		manager: [T, F, T],
		rep: [T, F, T],
		partner_admin: [T, F, T],
		partner_member: [T, F, T]
	};
	it.each(ROLES)('delivers to a %s what is theirs and what is for everyone', (role) => {
		const actor = ACTORS[role];
		const audiences: LiveAudience[] = [
			{ users: ['someone', actor.id] },
			{ users: ['someone'] },
			{ everyone: true }
		];
		expect(audiences.map((a) => policy.canReceiveLiveEvent(actor, a))).toEqual(expected[role]);
	});
});

table<string | null>(
	'partnerScopeOf',
	{
		// Host people are confined to no company; partner people to their own (Alpha).
		admin: [null, null, null],
		manager: [null, null, null],
		rep: [null, null, null],
		partner_admin: [ALPHA.id, ALPHA.id, ALPHA.id],
		partner_member: [ALPHA.id, ALPHA.id, ALPHA.id]
	},
	(actor) => policy.partnerScopeOf(actor)
);

table(
	'hasHostContacts',
	{
		admin: [F, F, F],
		manager: [F, F, F],
		rep: [F, F, F],
		partner_admin: [T, T, T],
		partner_member: [T, T, T]
	},
	(actor) => policy.hasHostContacts(actor)
);

table(
	'isWorkspaceAdmin',
	{
		// The actor themselves, and a person with their role in each place.
		admin: [T, F, T],
		manager: [F, F, F],
		rep: [F, F, F],
		partner_admin: [F, F, F],
		partner_member: [F, F, F]
	},
	(actor, scope) =>
		policy.isWorkspaceAdmin({ role: actor.role, organisationKind: orgOf(actor, scope).kind })
);

table(
	'isAdminRole',
	{
		admin: [T, T, T],
		manager: [F, F, F],
		rep: [F, F, F],
		partner_admin: [F, F, F],
		partner_member: [F, F, F]
	},
	(actor) => policy.isAdminRole(actor.role)
);

table(
	'roleManagesRegions',
	{
		admin: [F, F, F],
		manager: [T, T, T],
		rep: [F, F, F],
		partner_admin: [F, F, F],
		partner_member: [F, F, F]
	},
	(actor) => policy.roleManagesRegions(actor.role)
);

describe('a role in the wrong kind of organisation (damaged data)', () => {
	// A user row saying "admin" in a partner company, or "partner_admin" in the host, gets none
	// of the powers of that role.
	const fakeAdmin = actorIn(BETA, 'admin');
	const fakePartnerAdmin = actorIn(HOST, 'partner_admin');

	it('gives an "admin" of a partner company no admin power', () => {
		expect([
			policy.canManageOrganisations(fakeAdmin),
			policy.canViewAuditLog(fakeAdmin),
			policy.canViewOutbox(fakeAdmin),
			policy.canManagePeopleOf(fakeAdmin, ALPHA),
			policy.canManagePeopleOf(fakeAdmin, BETA),
			policy.canViewUser(fakeAdmin, personIn(ALPHA)),
			policy.canAssignTeam(fakeAdmin, personIn(HOST)),
			policy.isWorkspaceAdmin(fakeAdmin)
		]).toEqual([F, F, F, F, F, F, F, F]);
	});

	it('gives a "partner admin" of the host company no people to manage', () => {
		expect([
			policy.canManagePeopleOf(fakePartnerAdmin, HOST),
			policy.canManagePeopleOf(fakePartnerAdmin, ALPHA),
			policy.canInvite(fakePartnerAdmin, HOST, 'rep'),
			policy.canDeactivate(fakePartnerAdmin, personIn(HOST))
		]).toEqual([F, F, F, F]);
	});
});

describe('the policy module', () => {
	it('has a table for every function it exports', () => {
		const exported = Object.entries(policy)
			.filter(([, value]) => typeof value === 'function')
			.map(([name]) => name)
			.sort();
		expect(exported).toEqual([...tested].sort());
	});
});
