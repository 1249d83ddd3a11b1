import { describe, expect, it } from 'vitest';
import {
	canCreateCrmRecord,
	canDeleteCrmRecord,
	canEditCrmRecord,
	canEditPartner,
	canImport,
	canRegisterDeal,
	canRestoreCrmRecords,
	canReviewRegistrations,
	canSeeRecordOwners,
	canViewCrmRecord,
	canViewPartner,
	canViewPartnerDirectory,
	canViewRegistration,
	type CrmRecordRef
} from '../../src/lib/server/access/crm-policy.ts';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import type { Role } from '../../src/lib/shared/enums.ts';

// Every role × view/edit/create/delete × the kinds of CRM record a person meets: their own
// partner's, another partner's, the host's own (owned by them or by another rep).

const HOST = 'host-org';
const ALPHA = 'alpha-org';
const BETA = 'beta-org';
const ME = 'me';

const actors: Record<Role, Actor> = {
	admin: { id: ME, role: 'admin', organisationId: HOST, organisationKind: 'host' },
	manager: { id: ME, role: 'manager', organisationId: HOST, organisationKind: 'host' },
	rep: { id: ME, role: 'rep', organisationId: HOST, organisationKind: 'host' },
	partner_admin: {
		id: ME,
		role: 'partner_admin',
		organisationId: ALPHA,
		organisationKind: 'partner'
	},
	partner_member: {
		id: ME,
		role: 'partner_member',
		organisationId: ALPHA,
		organisationKind: 'partner'
	}
};

const records: Record<string, CrmRecordRef> = {
	'own partner': { partnerIds: [ALPHA], ownerId: 'someone' },
	'other partner': { partnerIds: [BETA], ownerId: 'someone' },
	'shared by both partners': { partnerIds: [ALPHA, BETA], ownerId: 'someone' },
	'host record owned by me': { partnerIds: [], ownerId: ME },
	'host record of another rep': { partnerIds: [], ownerId: 'other-rep' }
};

type Row = [view: boolean, edit: boolean, create: boolean, del: boolean];
// For create, a shared record means "a new record for both partners".
const expected: Record<Role, Record<string, Row>> = {
	admin: {
		'own partner': [true, true, true, true],
		'other partner': [true, true, true, true],
		'shared by both partners': [true, true, true, true],
		'host record owned by me': [true, true, true, true],
		'host record of another rep': [true, true, true, true]
	},
	manager: {
		'own partner': [true, true, true, true],
		'other partner': [true, true, true, true],
		'shared by both partners': [true, true, true, true],
		'host record owned by me': [true, true, true, true],
		'host record of another rep': [true, true, true, true]
	},
	rep: {
		'own partner': [true, false, true, false],
		'other partner': [true, false, true, false],
		'shared by both partners': [true, false, true, false],
		'host record owned by me': [true, true, true, false],
		'host record of another rep': [true, false, true, false]
	},
	partner_admin: {
		'own partner': [true, true, true, true],
		'other partner': [false, false, false, false],
		'shared by both partners': [true, true, false, true],
		'host record owned by me': [false, false, false, false],
		'host record of another rep': [false, false, false, false]
	},
	partner_member: {
		'own partner': [true, true, true, false],
		'other partner': [false, false, false, false],
		'shared by both partners': [true, true, false, false],
		'host record owned by me': [false, false, false, false],
		'host record of another rep': [false, false, false, false]
	}
};

const checks = [
	['view', canViewCrmRecord],
	['edit', canEditCrmRecord],
	['create', canCreateCrmRecord],
	['delete', canDeleteCrmRecord]
] as const;

describe.each(Object.keys(actors) as Role[])('CRM records for a %s', (role) => {
	for (const [scope, record] of Object.entries(records)) {
		checks.forEach(([verb, check], i) => {
			const answer = expected[role][scope][i];
			it(`${answer ? 'lets' : 'does not let'} them ${verb} a ${scope} record`, () => {
				expect(check(actors[role], record)).toBe(answer);
			});
		});
	}
});

describe('restoring deleted CRM records', () => {
	it('is for workspace admins only', () => {
		const allowed = (Object.keys(actors) as Role[]).filter((r) => canRestoreCrmRecords(actors[r]));
		expect(allowed).toEqual(['admin']);
	});
});

// The rules about partners, registrations and imports, per role, for their own company and
// another partner company (Beta).
type CompanyRow = [own: boolean, other: boolean];
const companyRules: [string, Record<Role, CompanyRow>, (actor: Actor, org: string) => boolean][] = [
	[
		'canViewPartnerDirectory',
		{
			admin: [true, true],
			manager: [true, true],
			rep: [true, true],
			partner_admin: [false, false],
			partner_member: [false, false]
		},
		(actor) => canViewPartnerDirectory(actor)
	],
	[
		'canViewPartner',
		{
			admin: [true, true],
			manager: [true, true],
			rep: [true, true],
			partner_admin: [true, false],
			partner_member: [true, false]
		},
		(actor, org) => canViewPartner(actor, { id: org })
	],
	[
		'canEditPartner',
		{
			admin: [true, true],
			manager: [true, true],
			rep: [false, false],
			partner_admin: [false, false],
			partner_member: [false, false]
		},
		(actor) => canEditPartner(actor)
	],
	[
		'canSeeRecordOwners',
		{
			admin: [true, true],
			manager: [true, true],
			rep: [true, true],
			partner_admin: [false, false],
			partner_member: [false, false]
		},
		(actor) => canSeeRecordOwners(actor)
	],
	[
		'canRegisterDeal',
		{
			admin: [false, false],
			manager: [false, false],
			rep: [false, false],
			partner_admin: [true, true],
			partner_member: [true, true]
		},
		(actor) => canRegisterDeal(actor)
	],
	[
		'canViewRegistration',
		{
			admin: [true, true],
			manager: [true, true],
			rep: [true, true],
			partner_admin: [true, false],
			partner_member: [true, false]
		},
		(actor, org) => canViewRegistration(actor, { partnerId: org })
	],
	[
		'canReviewRegistrations',
		{
			admin: [true, true],
			manager: [true, true],
			rep: [false, false],
			partner_admin: [false, false],
			partner_member: [false, false]
		},
		(actor) => canReviewRegistrations(actor)
	]
];

describe.each(companyRules)('%s', (_name, table, rule) => {
	it.each(Object.keys(actors) as Role[])('answers per company for a %s', (role) => {
		// For host people "own" is Alpha too: a partner company like any other.
		expect([rule(actors[role], ALPHA), rule(actors[role], BETA)]).toEqual(table[role]);
	});
});

describe('canImport', () => {
	// [accounts, contacts, opportunities, partners]
	const kinds = ['accounts', 'contacts', 'opportunities', 'partners'] as const;
	const expected: Record<Role, [boolean, boolean, boolean, boolean]> = {
		admin: [true, true, true, true],
		manager: [true, true, true, true],
		rep: [false, false, false, false],
		partner_admin: [true, true, true, false],
		partner_member: [false, false, false, false]
	};
	it.each(Object.keys(actors) as Role[])('lets a %s import these kinds', (role) => {
		expect(kinds.map((kind) => canImport(actors[role], kind))).toEqual(expected[role]);
	});
});
