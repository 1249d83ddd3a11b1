import { and, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import { accounts, organisations, planPersonAccess, plans, users } from '../db/schema.ts';
import { isHostActor, type Actor } from './actor.ts';

// The SQL twins of plan-policy.ts (`planAccess`), for lists, search and the home page: a query
// over `plans` filtered with `visiblePlans(viewer)` returns the plans the policy lets them open.
// plans/access.ts loads the facts of one plan for the pure rule.

/** The person asking, with what host rules need (team, managed regions). */
export type PlanViewer = Actor & { teamId: string | null; managedRegionIds: string[] };

// Subject owner and region: the account's for an account plan, the partner's for a partner plan.
export const subjectOwner = sql<string | null>`coalesce(
	(select ${accounts.ownerId} from ${accounts} where ${accounts.id} = ${plans.accountId}),
	(select ${organisations.ownerId} from ${organisations} where ${organisations.id} = ${plans.partnerId}))`;
export const subjectRegion = sql<string | null>`coalesce(
	(select ${accounts.regionId} from ${accounts} where ${accounts.id} = ${plans.accountId}),
	(select ${organisations.regionId} from ${organisations} where ${organisations.id} = ${plans.partnerId}))`;

/** SQL twin of planAccess: the plans this person may see (not deleted). */
export function visiblePlans(viewer: PlanViewer): SQL {
	const alive = isNull(plans.deletedAt);
	if (!isHostActor(viewer)) {
		return and(
			alive,
			eq(plans.sharedWithId, viewer.organisationId),
			sql`${plans.shareMode} is not null`,
			sql`not exists (select 1 from ${planPersonAccess} where ${planPersonAccess.planId} = ${plans.id} and ${planPersonAccess.userId} = ${viewer.id} and ${planPersonAccess.access} = 'none')`
		)!;
	}
	if (viewer.role === 'admin') return alive;
	const mine = or(eq(plans.ownerId, viewer.id), sql`${subjectOwner} = ${viewer.id}`)!;
	const rules: SQL[] = [mine];
	if (viewer.teamId) {
		rules.push(
			sql`exists (select 1 from ${users} where ${users.teamId} = ${viewer.teamId} and (${users.id} = ${plans.ownerId} or ${users.id} = ${subjectOwner}))`
		);
	}
	if (viewer.role === 'manager' && viewer.managedRegionIds.length > 0) {
		rules.push(sql`${subjectRegion} in ${viewer.managedRegionIds}`);
	}
	return and(alive, or(...rules))!;
}

/** Whether this person edits (not only reads) a plan visible to them, as SQL (lists' badges). */
export function plansEditableBy(viewer: PlanViewer): SQL {
	if (isHostActor(viewer)) return sql`true`;
	return sql`(${plans.shareMode} = 'editor' and not exists (select 1 from ${planPersonAccess} where ${planPersonAccess.planId} = ${plans.id} and ${planPersonAccess.userId} = ${viewer.id} and ${planPersonAccess.access} <> 'editor'))`;
}
