import { partnerScopeOf } from '../access/policy.ts';
import { desc, eq, sql, and, type SQL } from 'drizzle-orm';
import type { Actor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import { clampLimit, olderThan, parseCursor, toPage, type Page } from '../db/keyset.ts';
import { activities, users } from '../db/schema.ts';

export type ActivityItem = {
	id: string;
	actorId: string | null;
	actorName: string | null;
	organisationId: string | null;
	verb: string;
	objectType: string;
	objectId: string;
	data: Record<string, unknown>;
	createdAt: Date;
};

/**
 * `canViewActivity` (access/policy.ts) as SQL: host people see every activity; a partner person
 * only those of their own company's world. Keep the two in step (tests/integration/activity.test.ts).
 */
export function visibleActivities(actor: Actor): SQL | undefined {
	const scope = partnerScopeOf(actor);
	return scope === null ? undefined : eq(activities.organisationId, scope);
}

/** The activities this person may see, newest first; `before` is the previous page's `nextCursor`. */
export async function listActivities(
	db: Db,
	actor: Actor,
	options: { before?: string | null; limit?: number } = {}
): Promise<Page<ActivityItem>> {
	const limit = clampLimit(options.limit);
	const cursor = parseCursor(options.before, 'uuid');
	const rows = await db
		.select({
			id: activities.id,
			actorId: activities.actorId,
			actorName: users.name,
			organisationId: activities.organisationId,
			verb: activities.verb,
			objectType: activities.objectType,
			objectId: activities.objectId,
			data: activities.data,
			createdAt: activities.createdAt
		})
		.from(activities)
		.leftJoin(users, eq(users.id, activities.actorId))
		.where(and(visibleActivities(actor), cursor ? olderThan(activities, cursor) : undefined))
		.orderBy(desc(activities.createdAt), desc(activities.id))
		.limit(limit + 1);
	return toPage(rows, limit, (row) => row.id);
}

/** How many activities exist for this person's eyes (a cheap count for empty states and tests). */
export async function countActivities(db: Db, actor: Actor): Promise<number> {
	const [row] = await db
		.select({ n: sql<number>`count(*)::int` })
		.from(activities)
		.where(visibleActivities(actor));
	return row.n;
}
