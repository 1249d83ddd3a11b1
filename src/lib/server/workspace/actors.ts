import { eq, inArray } from 'drizzle-orm';
import type { Actor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import { organisations, users } from '../db/schema.ts';

/**
 * These people as the policy sees them, active ones only, in one query (unknown ids are dropped).
 * Notifications use it to tell only those who may read what they are told about.
 */
export async function activeActors(db: Db, userIds: readonly string[]): Promise<Actor[]> {
	const ids = [...new Set(userIds)];
	if (ids.length === 0) return [];
	const rows = await db
		.select({
			id: users.id,
			role: users.role,
			organisationId: users.organisationId,
			organisationKind: organisations.kind,
			active: users.active
		})
		.from(users)
		.innerJoin(organisations, eq(organisations.id, users.organisationId))
		.where(inArray(users.id, ids));
	return rows
		.filter((row) => row.active)
		.map(({ id, role, organisationId, organisationKind }) => ({
			id,
			role,
			organisationId,
			organisationKind
		}));
}
