import type { OrganisationKind, PlanPersonAccess, PlanShareMode } from '../../shared/enums.ts';
import { isHostActor, isPartnerActor, type Actor } from './actor.ts';
import type { AccessLevel } from './policy.ts';

// Rules of account plans. Host access follows the plan's subject (the account, or the partner
// company a partner plan is about): admins, the subject's owner and the plan's owner, people of
// their teams, and managers of the subject's region. A plan is shared with at most one partner
// company, as editors or viewers; that company's admin may narrow it per person, never widen it.
// Internal notes are for host people only.

/** What the rules need about one plan, and about the person asking (loaded by plans/access.ts). */
export type PlanAccessFacts = {
	deleted: boolean;
	ownerId: string;
	/** The account's owner, or the owner rep of the partner company the plan is about. */
	subjectOwnerId: string | null;
	/** The account's region, or the partner company's region. */
	subjectRegionId: string | null;
	/** Teams of the plan's owner and of the subject's owner. */
	responsibleTeamIds: readonly string[];
	sharedWithId: string | null;
	shareMode: PlanShareMode | null;
	/** About the person asking: */
	actorTeamId: string | null;
	actorManagedRegionIds: readonly string[];
	/** The partner admin's narrowing for this person, if any. */
	actorPersonAccess: PlanPersonAccess | null;
};

function hostAccess(actor: Actor, facts: PlanAccessFacts): AccessLevel {
	if (actor.role === 'admin') return 'edit';
	if (actor.id === facts.ownerId || actor.id === facts.subjectOwnerId) return 'edit';
	if (facts.actorTeamId && facts.responsibleTeamIds.includes(facts.actorTeamId)) return 'edit';
	if (
		actor.role === 'manager' &&
		facts.subjectRegionId !== null &&
		facts.actorManagedRegionIds.includes(facts.subjectRegionId)
	)
		return 'edit';
	return 'none';
}

function partnerAccess(actor: Actor, facts: PlanAccessFacts): AccessLevel {
	if (!facts.sharedWithId || facts.sharedWithId !== actor.organisationId || !facts.shareMode)
		return 'none';
	const shared: AccessLevel = facts.shareMode === 'editor' ? 'edit' : 'read';
	switch (facts.actorPersonAccess) {
		case 'none':
			return 'none';
		case 'viewer':
			return 'read';
		default:
			return shared;
	}
}

/** The shared plan document and its page: edit, read, or nothing at all (a 404). */
export function planAccess(actor: Actor, facts: PlanAccessFacts): AccessLevel {
	if (facts.deleted) return 'none';
	return isHostActor(actor) ? hostAccess(actor, facts) : partnerAccess(actor, facts);
}

/** Internal notes: host people who may open the plan. Partner people never, not even read. */
export function internalNotesAccess(actor: Actor, facts: PlanAccessFacts): AccessLevel {
	return isHostActor(actor) ? planAccess(actor, facts) : 'none';
}

/** Publish, share, change owner, restore a version: host people with edit access. */
export function canManagePlan(actor: Actor, facts: PlanAccessFacts): boolean {
	return isHostActor(actor) && planAccess(actor, facts) === 'edit';
}

/** Deleting a plan (soft): admins and managers who manage it, or its owner. */
export function canDeletePlan(actor: Actor, facts: PlanAccessFacts): boolean {
	if (!canManagePlan(actor, facts)) return false;
	return actor.role === 'admin' || actor.role === 'manager' || actor.id === facts.ownerId;
}

/** "Mark reviewed": whoever may edit the plan, host or partner. */
export function canReviewPlan(actor: Actor, facts: PlanAccessFacts): boolean {
	return planAccess(actor, facts) === 'edit';
}

/** Comments: everyone who may open the plan, viewers included. */
export function canCommentOnPlan(actor: Actor, facts: PlanAccessFacts): boolean {
	return planAccess(actor, facts) !== 'none';
}

/**
 * Whose name a plan's comment threads show this person (authors, resolvers): host people see
 * everyone's; partner people the host's and their own company's — never another partner's, even
 * when the plan was shared with that company before.
 */
export function canSeePlanParticipant(
	actor: Actor,
	person: { organisationId: string; organisationKind: OrganisationKind }
): boolean {
	return (
		isHostActor(actor) || isHostActor(person) || person.organisationId === actor.organisationId
	);
}

/** Narrowing the plan per person: the admin of the partner company it is shared with. */
export function canNarrowPlanForPeople(actor: Actor, facts: PlanAccessFacts): boolean {
	return (
		!facts.deleted &&
		actor.role === 'partner_admin' &&
		isPartnerActor(actor) &&
		facts.sharedWithId === actor.organisationId
	);
}

/** Creating a plan for an account or a partner: host people responsible for it (or admins). */
export function canCreatePlan(
	actor: Actor,
	subject: Pick<
		PlanAccessFacts,
		| 'subjectOwnerId'
		| 'subjectRegionId'
		| 'responsibleTeamIds'
		| 'actorTeamId'
		| 'actorManagedRegionIds'
	>
): boolean {
	if (!isHostActor(actor)) return false;
	const facts: PlanAccessFacts = {
		...subject,
		deleted: false,
		ownerId: actor.id,
		sharedWithId: null,
		shareMode: null,
		actorPersonAccess: null
	};
	// The creator becomes the owner, so test as if someone else owned it.
	return hostAccess(actor, { ...facts, ownerId: '' }) === 'edit';
}

/**
 * The home page's plan blocks beyond "my actions" (which everyone has): host managers and admins
 * oversee the overdue actions and stale plans of every plan they may see; other host people get
 * the stale plans they own; partner people neither (they own no plan).
 */
export function planHomeBlocks(actor: Actor): {
	overdue: boolean;
	toReview: 'none' | 'own' | 'visible';
} {
	if (!isHostActor(actor)) return { overdue: false, toReview: 'none' };
	const overseer = actor.role === 'admin' || actor.role === 'manager';
	return { overdue: overseer, toReview: overseer ? 'visible' : 'own' };
}
