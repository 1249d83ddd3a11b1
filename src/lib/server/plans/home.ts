import { and, asc, eq, lt, ne, sql } from 'drizzle-orm';
import { workspaceDay } from '../workspace/settings.ts';
import { alias } from 'drizzle-orm/pg-core';
import { planHomeBlocks } from '../access/plan-policy.ts';
import type { Actor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import { accounts, organisations, planActions, plans, users } from '../db/schema.ts';
import type { PlanActionStatus } from '../../shared/enums.ts';
import { visiblePlans } from '../access/plan-scope.ts';
import { planViewer } from './access.ts';
import { stalePlanSql } from './list.ts';

// The plan blocks of the home page, read from the rows the collaboration server mirrors (plan
// actions, review dates), never from the documents. Every list is limited to the plans the
// person may open now (visiblePlans): an action someone owns on a plan they lost access to, or on
// another partner's plan, never shows.

export type HomeAction = {
	planId: string;
	planTitle: string;
	actionId: string;
	title: string;
	/** ISO date or null. */
	dueDate: string | null;
	status: PlanActionStatus;
	overdue: boolean;
	/** Who owns it (the overdue list shows it; "my actions" are mine). */
	ownerName: string | null;
};

export type HomePlan = {
	id: string;
	title: string;
	subjectName: string | null;
	ownerName: string;
	/** ISO timestamp, null when never reviewed. */
	lastReviewedAt: string | null;
};

export type PlansHome = {
	myActions: HomeAction[];
	/** Overdue actions of every plan I may see (managers and admins); null = not for me. */
	overdue: HomeAction[] | null;
	/** Stale plans (not reviewed for PLAN_STALE_DAYS) I own or oversee; null = not for me. */
	toReview: HomePlan[] | null;
};

/** How many rows each block shows; the plans list has the rest. */
export const HOME_BLOCK_SIZE = 8;

/** The calendar day of `now` (UTC), as plan action due dates are stored. */

const actionOwner = alias(users, 'action_owner');

async function actions(
	db: Db,
	where: ReturnType<typeof and>,
	today: string
): Promise<HomeAction[]> {
	const rows = await db
		.select({
			planId: plans.id,
			planTitle: plans.title,
			actionId: planActions.actionId,
			title: planActions.title,
			dueDate: planActions.dueDate,
			status: planActions.status,
			ownerName: actionOwner.name
		})
		.from(planActions)
		.innerJoin(plans, eq(plans.id, planActions.planId))
		.leftJoin(actionOwner, eq(actionOwner.id, planActions.ownerId))
		.where(where)
		// Soonest due first, undated last; then the plan's own order.
		.orderBy(
			sql`${planActions.dueDate} asc nulls last`,
			asc(plans.title),
			asc(planActions.position)
		)
		.limit(HOME_BLOCK_SIZE);
	return rows.map((row) => ({
		...row,
		overdue: row.dueDate !== null && row.dueDate < today
	}));
}

/** The home page's plan blocks for this person, as of `now`. */
export async function getPlansHome(
	db: Db,
	actor: Actor,
	now: Date = new Date()
): Promise<PlansHome> {
	const viewer = await planViewer(db, actor);
	const visible = visiblePlans(viewer);
	const blocks = planHomeBlocks(actor);
	// Overdue from today as the workspace sees it (its time zone), like the pipeline's periods.
	const today = await workspaceDay(db, now);
	const open = ne(planActions.status, 'done');

	const myActions = await actions(db, and(visible, open, eq(planActions.ownerId, actor.id)), today);
	const overdue = blocks.overdue
		? await actions(db, and(visible, open, lt(planActions.dueDate, today)), today)
		: null;

	let toReview: HomePlan[] | null = null;
	if (blocks.toReview !== 'none') {
		const planOwner = alias(users, 'plan_owner');
		const rows = await db
			.select({
				id: plans.id,
				title: plans.title,
				subjectName: sql<string | null>`coalesce(${accounts.name}, ${organisations.name})`,
				ownerName: planOwner.name,
				lastReviewedAt: plans.lastReviewedAt
			})
			.from(plans)
			.innerJoin(planOwner, eq(planOwner.id, plans.ownerId))
			.leftJoin(accounts, eq(accounts.id, plans.accountId))
			.leftJoin(organisations, eq(organisations.id, plans.partnerId))
			.where(
				and(
					visible,
					stalePlanSql(now),
					blocks.toReview === 'own' ? eq(plans.ownerId, actor.id) : undefined
				)
			)
			// The longest without a review first.
			.orderBy(sql`coalesce(${plans.lastReviewedAt}, ${plans.createdAt}) asc`, asc(plans.title))
			.limit(HOME_BLOCK_SIZE);
		toReview = rows.map((row) => ({
			...row,
			lastReviewedAt: row.lastReviewedAt?.toISOString() ?? null
		}));
	}
	return { myActions, overdue, toReview };
}
