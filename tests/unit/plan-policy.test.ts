import { describe, expect, it } from 'vitest';
import {
	canCommentOnPlan,
	canCreatePlan,
	canDeletePlan,
	canManagePlan,
	canNarrowPlanForPeople,
	canReviewPlan,
	canSeePlanParticipant,
	internalNotesAccess,
	planAccess,
	planHomeBlocks,
	type PlanAccessFacts
} from '../../src/lib/server/access/plan-policy.ts';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import { ROLES, type Role } from '../../src/lib/shared/enums.ts';

// Every plan rule × every role × the plan's situation: who owns it, whose team, whose region,
// whether it is shared with the actor's own partner company (editor / viewer / narrowed) or with
// another one, deleted. The expected answers are written out by hand, one line per situation, so
// a row reads as the rule: "a rep of the owner's team edits it, but may not delete it".

const HOST = '00000000-0000-4000-8000-000000000001';
const ALPHA = '00000000-0000-4000-8000-0000000000a1';
const BETA = '00000000-0000-4000-8000-0000000000b1';

const ACTORS: Record<Role, Actor> = {
	admin: { id: 'me', role: 'admin', organisationId: HOST, organisationKind: 'host' },
	manager: { id: 'me', role: 'manager', organisationId: HOST, organisationKind: 'host' },
	rep: { id: 'me', role: 'rep', organisationId: HOST, organisationKind: 'host' },
	partner_admin: {
		id: 'me',
		role: 'partner_admin',
		organisationId: ALPHA,
		organisationKind: 'partner'
	},
	partner_member: {
		id: 'me',
		role: 'partner_member',
		organisationId: ALPHA,
		organisationKind: 'partner'
	}
};

const BASE: PlanAccessFacts = {
	deleted: false,
	ownerId: 'plan-owner',
	subjectOwnerId: 'subject-owner',
	subjectRegionId: 'region-1',
	responsibleTeamIds: ['team-1'],
	sharedWithId: null,
	shareMode: null,
	actorTeamId: null,
	actorManagedRegionIds: [],
	actorPersonAccess: null
};

const SITUATIONS = {
	'owns the plan': { ownerId: 'me' },
	'owns the account or partner': { subjectOwnerId: 'me' },
	'is in a responsible team': { actorTeamId: 'team-1' },
	'manages the region': { actorManagedRegionIds: ['region-1'] },
	'has no link to it': {},
	'owned the plan, now deleted': { ownerId: 'me', deleted: true },
	'shared with my company as editors': { sharedWithId: ALPHA, shareMode: 'editor' },
	'shared with my company as viewers': { sharedWithId: ALPHA, shareMode: 'viewer' },
	'shared as editors, me narrowed to viewer': {
		sharedWithId: ALPHA,
		shareMode: 'editor',
		actorPersonAccess: 'viewer'
	},
	'shared as editors, me narrowed to none': {
		sharedWithId: ALPHA,
		shareMode: 'editor',
		actorPersonAccess: 'none'
	},
	'shared as viewers, a row says editor (no widening)': {
		sharedWithId: ALPHA,
		shareMode: 'viewer',
		actorPersonAccess: 'editor'
	},
	'shared with another partner': { sharedWithId: BETA, shareMode: 'editor' },
	'shared with my company, deleted': { sharedWithId: ALPHA, shareMode: 'editor', deleted: true }
} satisfies Record<string, Partial<PlanAccessFacts>>;
type Situation = keyof typeof SITUATIONS;

/**
 * access / internal notes, then flags: M manage, R review, C comment, N narrow, D delete,
 * + create (canCreatePlan on the plan's subject). '-' = no.
 */
type Expected = `${'edit' | 'read' | 'none'} ${'edit' | 'none'} ${string}`;

const TABLE: Record<Role, Record<Situation, Expected>> = {
	admin: {
		'owns the plan': 'edit edit MRC-D+',
		'owns the account or partner': 'edit edit MRC-D+',
		'is in a responsible team': 'edit edit MRC-D+',
		'manages the region': 'edit edit MRC-D+',
		'has no link to it': 'edit edit MRC-D+',
		'owned the plan, now deleted': 'none none ------',
		'shared with my company as editors': 'edit edit MRC-D+',
		'shared with my company as viewers': 'edit edit MRC-D+',
		'shared as editors, me narrowed to viewer': 'edit edit MRC-D+',
		'shared as editors, me narrowed to none': 'edit edit MRC-D+',
		'shared as viewers, a row says editor (no widening)': 'edit edit MRC-D+',
		'shared with another partner': 'edit edit MRC-D+',
		'shared with my company, deleted': 'none none ------'
	},
	manager: {
		'owns the plan': 'edit edit MRC-D-',
		'owns the account or partner': 'edit edit MRC-D+',
		'is in a responsible team': 'edit edit MRC-D+',
		'manages the region': 'edit edit MRC-D+',
		'has no link to it': 'none none ------',
		'owned the plan, now deleted': 'none none ------',
		'shared with my company as editors': 'none none ------',
		'shared with my company as viewers': 'none none ------',
		'shared as editors, me narrowed to viewer': 'none none ------',
		'shared as editors, me narrowed to none': 'none none ------',
		'shared as viewers, a row says editor (no widening)': 'none none ------',
		'shared with another partner': 'none none ------',
		'shared with my company, deleted': 'none none ------'
	},
	rep: {
		'owns the plan': 'edit edit MRC-D-',
		'owns the account or partner': 'edit edit MRC--+',
		'is in a responsible team': 'edit edit MRC--+',
		'manages the region': 'none none ------',
		'has no link to it': 'none none ------',
		'owned the plan, now deleted': 'none none ------',
		'shared with my company as editors': 'none none ------',
		'shared with my company as viewers': 'none none ------',
		'shared as editors, me narrowed to viewer': 'none none ------',
		'shared as editors, me narrowed to none': 'none none ------',
		'shared as viewers, a row says editor (no widening)': 'none none ------',
		'shared with another partner': 'none none ------',
		'shared with my company, deleted': 'none none ------'
	},
	partner_admin: {
		'owns the plan': 'none none ------',
		'owns the account or partner': 'none none ------',
		'is in a responsible team': 'none none ------',
		'manages the region': 'none none ------',
		'has no link to it': 'none none ------',
		'owned the plan, now deleted': 'none none ------',
		'shared with my company as editors': 'edit none -RCN--',
		'shared with my company as viewers': 'read none --CN--',
		'shared as editors, me narrowed to viewer': 'read none --CN--',
		'shared as editors, me narrowed to none': 'none none ---N--',
		'shared as viewers, a row says editor (no widening)': 'read none --CN--',
		'shared with another partner': 'none none ------',
		'shared with my company, deleted': 'none none ------'
	},
	partner_member: {
		'owns the plan': 'none none ------',
		'owns the account or partner': 'none none ------',
		'is in a responsible team': 'none none ------',
		'manages the region': 'none none ------',
		'has no link to it': 'none none ------',
		'owned the plan, now deleted': 'none none ------',
		'shared with my company as editors': 'edit none -RC---',
		'shared with my company as viewers': 'read none --C---',
		'shared as editors, me narrowed to viewer': 'read none --C---',
		'shared as editors, me narrowed to none': 'none none ------',
		'shared as viewers, a row says editor (no widening)': 'read none --C---',
		'shared with another partner': 'none none ------',
		'shared with my company, deleted': 'none none ------'
	}
};

function answers(actor: Actor, facts: PlanAccessFacts): string {
	const flags = [
		canManagePlan(actor, facts) ? 'M' : '-',
		canReviewPlan(actor, facts) ? 'R' : '-',
		canCommentOnPlan(actor, facts) ? 'C' : '-',
		canNarrowPlanForPeople(actor, facts) ? 'N' : '-',
		canDeletePlan(actor, facts) ? 'D' : '-',
		// Creation is about the subject, never about a deleted or shared plan's row.
		!facts.deleted && canCreatePlan(actor, facts) ? '+' : '-'
	].join('');
	return `${planAccess(actor, facts)} ${internalNotesAccess(actor, facts) === 'none' ? 'none' : 'edit'} ${flags}`;
}

describe('plan policy', () => {
	for (const role of ROLES) {
		describe(role, () => {
			for (const [situation, changes] of Object.entries(SITUATIONS) as [
				Situation,
				Partial<PlanAccessFacts>
			][]) {
				it(`${situation}: ${TABLE[role][situation]}`, () => {
					const facts: PlanAccessFacts = { ...BASE, ...changes };
					expect(answers(ACTORS[role], facts)).toBe(TABLE[role][situation]);
				});
			}
		});
	}

	it('never gives internal notes to a partner person, whatever the share', () => {
		for (const role of ['partner_admin', 'partner_member'] as const) {
			for (const changes of Object.values(SITUATIONS)) {
				expect(internalNotesAccess(ACTORS[role], { ...BASE, ...changes })).toBe('none');
			}
		}
	});

	it('gives a host person the internal notes exactly when they may open the plan', () => {
		for (const role of ['admin', 'manager', 'rep'] as const) {
			for (const changes of Object.values(SITUATIONS)) {
				const facts = { ...BASE, ...changes };
				expect(internalNotesAccess(ACTORS[role], facts)).toBe(planAccess(ACTORS[role], facts));
			}
		}
	});

	it('lets a narrowing only narrow: a person never gets more than the share', () => {
		const rank = { none: 0, read: 1, edit: 2 } as const;
		for (const shareMode of ['editor', 'viewer'] as const) {
			for (const personAccess of ['editor', 'viewer', 'none', null] as const) {
				const facts: PlanAccessFacts = {
					...BASE,
					sharedWithId: ALPHA,
					shareMode,
					actorPersonAccess: personAccess
				};
				const shared = shareMode === 'editor' ? 'edit' : 'read';
				const got = planAccess(ACTORS.partner_member, facts);
				expect(rank[got]).toBeLessThanOrEqual(rank[shared]);
			}
		}
	});
});

describe('planHomeBlocks', () => {
	it('gives overdue actions to managers and admins, plans to review to host people only', () => {
		expect(planHomeBlocks(ACTORS.admin)).toEqual({ overdue: true, toReview: 'visible' });
		expect(planHomeBlocks(ACTORS.manager)).toEqual({ overdue: true, toReview: 'visible' });
		expect(planHomeBlocks(ACTORS.rep)).toEqual({ overdue: false, toReview: 'own' });
		expect(planHomeBlocks(ACTORS.partner_admin)).toEqual({ overdue: false, toReview: 'none' });
		expect(planHomeBlocks(ACTORS.partner_member)).toEqual({ overdue: false, toReview: 'none' });
	});
});

// Whose names a plan's comment threads show: every role × a participant of their own company,
// of another partner company, of the host.
describe('canSeePlanParticipant', () => {
	const expected: Record<Role, [own: boolean, otherPartner: boolean, host: boolean]> = {
		admin: [true, true, true],
		manager: [true, true, true],
		rep: [true, true, true],
		partner_admin: [true, false, true],
		partner_member: [true, false, true]
	};
	it.each(ROLES)('answers for a %s', (role) => {
		const actor = ACTORS[role];
		const own = { organisationId: actor.organisationId, organisationKind: actor.organisationKind };
		expect([
			canSeePlanParticipant(actor, own),
			canSeePlanParticipant(actor, { organisationId: BETA, organisationKind: 'partner' }),
			canSeePlanParticipant(actor, { organisationId: HOST, organisationKind: 'host' })
		]).toEqual(expected[role]);
	});
});
