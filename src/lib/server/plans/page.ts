import { and, eq, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import {
	canCommentOnPlan,
	canManagePlan,
	canNarrowPlanForPeople,
	canReviewPlan,
	planAccess,
	type PlanAccessFacts
} from '../access/plan-policy.ts';
import { type Actor, isHostActor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import {
	accounts,
	managerRegions,
	organisations,
	planPersonAccess,
	plans,
	users
} from '../db/schema.ts';
import { isPlanStale, userColour, type PlanPageData } from '../../shared/plans.ts';
import type { PlanViewer } from '../access/plan-scope.ts';
import { planViewer, resolvePlanAccess, type ResolvedPlan } from './access.ts';
import { planCrmBlocks } from './crm-blocks.ts';

// The page data of /plans/[id]: exactly PlanPageData. `internal` is set only for host people
// who may open the internal notes — for everyone else the key does not exist at all.

const owner = alias(users, 'plan_owner');
const reviewer = alias(users, 'plan_reviewer');
const partnerSubject = alias(organisations, 'plan_partner');
const sharedWith = alias(organisations, 'plan_shared_with');

export type PlanRow = Awaited<ReturnType<typeof loadPlanRow>>;

async function loadPlanRow(db: Db, planId: string) {
	const [row] = await db
		.select({
			id: plans.id,
			kind: plans.kind,
			title: plans.title,
			status: plans.status,
			locale: plans.locale,
			accountId: plans.accountId,
			accountName: accounts.name,
			partnerId: plans.partnerId,
			partnerName: partnerSubject.name,
			ownerId: plans.ownerId,
			ownerName: owner.name,
			sharedWithId: plans.sharedWithId,
			sharedWithName: sharedWith.name,
			shareMode: plans.shareMode,
			publishedAt: plans.publishedAt,
			lastReviewedAt: plans.lastReviewedAt,
			lastReviewedByName: reviewer.name,
			createdAt: plans.createdAt
		})
		.from(plans)
		.innerJoin(owner, eq(owner.id, plans.ownerId))
		.leftJoin(reviewer, eq(reviewer.id, plans.lastReviewedById))
		.leftJoin(accounts, eq(accounts.id, plans.accountId))
		.leftJoin(partnerSubject, eq(partnerSubject.id, plans.partnerId))
		.leftJoin(sharedWith, eq(sharedWith.id, plans.sharedWithId))
		.where(eq(plans.id, planId));
	return row ?? null;
}

/** The plan's header, as every plan page shows it. */
export function planHeader(row: NonNullable<PlanRow>, now = new Date()): PlanPageData['plan'] {
	return {
		id: row.id,
		kind: row.kind,
		title: row.title,
		status: row.status,
		locale: row.locale,
		accountId: row.accountId,
		accountName: row.accountName,
		partnerId: row.partnerId,
		partnerName: row.partnerName,
		ownerId: row.ownerId,
		ownerName: row.ownerName,
		sharedWith:
			row.sharedWithId && row.sharedWithName && row.shareMode
				? { id: row.sharedWithId, name: row.sharedWithName, mode: row.shareMode }
				: null,
		publishedAt: row.publishedAt?.toISOString() ?? null,
		lastReviewedAt: row.lastReviewedAt?.toISOString() ?? null,
		lastReviewedByName: row.lastReviewedByName,
		stale: isPlanStale(row.lastReviewedAt, row.createdAt, now)
	};
}

/**
 * People who may open the plan (for action owners, relationship owners, @mentions), decided by
 * the policy itself. A partner person is shown only the host people responsible for the plan
 * (owners, their teams, the region's managers), never every admin; and only their own company.
 */
export async function planPeople(
	db: Db,
	viewer: Actor,
	planId: string,
	facts: PlanAccessFacts
): Promise<{ id: string; name: string }[]> {
	const responsible = [facts.ownerId, facts.subjectOwnerId].filter((id): id is string => !!id);
	const hostRules = [
		sql`${users.id} in ${responsible}`,
		facts.responsibleTeamIds.length > 0
			? sql`${users.teamId} in ${facts.responsibleTeamIds}`
			: undefined,
		facts.subjectRegionId
			? sql`(${users.role} = 'manager' and exists (select 1 from ${managerRegions} where ${managerRegions.userId} = ${users.id} and ${managerRegions.regionId} = ${facts.subjectRegionId}))`
			: undefined,
		isHostActor(viewer) ? eq(users.role, 'admin') : undefined
	].filter((rule) => rule !== undefined);
	const candidates = await db
		.select({
			id: users.id,
			name: users.name,
			role: users.role,
			organisationId: users.organisationId,
			organisationKind: organisations.kind,
			teamId: users.teamId,
			personAccess: planPersonAccess.access,
			managedRegionIds: sql<
				string[] | null
			>`(select array_agg(${managerRegions.regionId}) from ${managerRegions} where ${managerRegions.userId} = ${users.id})`
		})
		.from(users)
		.innerJoin(organisations, eq(organisations.id, users.organisationId))
		.leftJoin(
			planPersonAccess,
			and(eq(planPersonAccess.userId, users.id), eq(planPersonAccess.planId, planId))
		)
		.where(
			and(
				eq(users.active, true),
				or(
					and(eq(organisations.kind, 'host'), or(...hostRules)),
					facts.sharedWithId ? eq(users.organisationId, facts.sharedWithId) : undefined
				)
			)
		)
		.orderBy(sql`lower(${users.name})`);
	return candidates
		.filter((person) => {
			const actor: Actor = {
				id: person.id,
				role: person.role,
				organisationId: person.organisationId,
				organisationKind: person.organisationKind
			};
			return (
				planAccess(actor, {
					...facts,
					actorTeamId: person.teamId,
					actorManagedRegionIds: person.managedRegionIds ?? [],
					actorPersonAccess: person.personAccess
				}) !== 'none'
			);
		})
		.map(({ id, name }) => ({ id, name }));
}

/** Everything /plans/[id] shows, or null when this person may not open the plan (a 404). */
export async function loadPlanPage(
	db: Db,
	user: Actor & { name: string },
	planId: string,
	options: { currency: string }
): Promise<PlanPageData | null> {
	const viewer: PlanViewer = await planViewer(db, user);
	const resolved: ResolvedPlan | null = await resolvePlanAccess(db, viewer, planId);
	if (!resolved || resolved.access === 'none') return null;
	const row = await loadPlanRow(db, planId);
	if (!row) return null;
	const { facts } = resolved;
	const [people, crm] = await Promise.all([
		planPeople(db, viewer, planId, facts),
		planCrmBlocks(db, viewer, row, options.currency)
	]);
	const manage = canManagePlan(viewer, facts);
	const data: PlanPageData = {
		plan: planHeader(row),
		access: resolved.access,
		can: {
			manage,
			review: canReviewPlan(viewer, facts),
			comment: canCommentOnPlan(viewer, facts),
			restore: manage,
			narrow: canNarrowPlanForPeople(viewer, facts)
		},
		me: { id: user.id, name: user.name, colour: userColour(user.id) },
		people,
		crm
	};
	// internalNotesAccess is 'none' for partner people.
	if (resolved.internal !== 'none') data.internal = true;
	return data;
}

export { loadPlanRow };
