import { eq, sql } from 'drizzle-orm';
import { internalNotesAccess, planAccess, type PlanAccessFacts } from '../access/plan-policy.ts';
import { isHostActor, type Actor } from '../access/actor.ts';
import { subjectOwner, subjectRegion, type PlanViewer } from '../access/plan-scope.ts';
import type { AccessLevel } from '../access/policy.ts';
import type { Db } from '../db/client.ts';
import { managerRegions, planPersonAccess, plans, users } from '../db/schema.ts';
import { parsePlanDocumentName } from '../../shared/collab.ts';

// Loads what plan-policy.ts needs, and its SQL twin for lists and search. Every plan page, action,
// endpoint and collaboration connection goes through `resolvePlanAccess` or `visiblePlans`
// (access/plan-scope.ts).

export async function planViewer(db: Db, actor: Actor): Promise<PlanViewer> {
	if (!isHostActor(actor)) return { ...actor, teamId: null, managedRegionIds: [] };
	const [me] = await db.select({ teamId: users.teamId }).from(users).where(eq(users.id, actor.id));
	const regions = await db
		.select({ id: managerRegions.regionId })
		.from(managerRegions)
		.where(eq(managerRegions.userId, actor.id));
	return { ...actor, teamId: me?.teamId ?? null, managedRegionIds: regions.map((r) => r.id) };
}

export type ResolvedPlan = {
	planId: string;
	facts: PlanAccessFacts;
	access: AccessLevel;
	internal: AccessLevel;
};

/** The facts of one plan for one person; null when the plan does not exist. */
export async function planAccessFacts(
	db: Db,
	viewer: PlanViewer,
	planId: string
): Promise<PlanAccessFacts | null> {
	const [row] = await db
		.select({
			deletedAt: plans.deletedAt,
			ownerId: plans.ownerId,
			sharedWithId: plans.sharedWithId,
			shareMode: plans.shareMode,
			subjectOwnerId: subjectOwner,
			subjectRegionId: subjectRegion,
			personAccess: sql<
				string | null
			>`(select ${planPersonAccess.access} from ${planPersonAccess} where ${planPersonAccess.planId} = ${plans.id} and ${planPersonAccess.userId} = ${viewer.id})`
		})
		.from(plans)
		.where(eq(plans.id, planId));
	if (!row) return null;
	const ownerIds = [row.ownerId, row.subjectOwnerId].filter((id): id is string => !!id);
	const teams = await db
		.select({ teamId: users.teamId })
		.from(users)
		.where(sql`${users.id} in ${ownerIds}`);
	return {
		deleted: row.deletedAt !== null,
		ownerId: row.ownerId,
		subjectOwnerId: row.subjectOwnerId,
		subjectRegionId: row.subjectRegionId,
		responsibleTeamIds: teams.map((t) => t.teamId).filter((id): id is string => !!id),
		sharedWithId: row.sharedWithId,
		shareMode: row.shareMode,
		actorTeamId: viewer.teamId,
		actorManagedRegionIds: viewer.managedRegionIds,
		actorPersonAccess: row.personAccess as PlanAccessFacts['actorPersonAccess']
	};
}

/** May this person open this plan, and its internal notes? Null = no such plan. */
export async function resolvePlanAccess(
	db: Db,
	actor: Actor | PlanViewer,
	planId: string
): Promise<ResolvedPlan | null> {
	const viewer = 'managedRegionIds' in actor ? actor : await planViewer(db, actor);
	const facts = await planAccessFacts(db, viewer, planId);
	if (!facts) return null;
	return {
		planId,
		facts,
		access: planAccess(viewer, facts),
		internal: internalNotesAccess(viewer, facts)
	};
}

/** What a collaboration connection may do with a document: the policy's answer for plan documents. */
export async function planDocumentAccess(
	db: Db,
	actor: Actor,
	documentName: string
): Promise<AccessLevel> {
	const parsed = parsePlanDocumentName(documentName);
	if (!parsed) return 'none';
	const resolved = await resolvePlanAccess(db, actor, parsed.planId);
	if (!resolved) return 'none';
	return parsed.document === 'internal' ? resolved.internal : resolved.access;
}
