import { and, asc, eq, gte, isNotNull, lt, sql } from 'drizzle-orm';
import type { AuditFilter } from '../audit/index.ts';
import type { Db } from '../db/client.ts';
import { clampLimit, parseCursor } from '../db/keyset.ts';
import { auditLog, users } from '../db/schema.ts';

// What the audit log page needs beside `listAudit` (audit/queries.ts): the values its filters
// offer, and the cursor of the "Newer" page. The conditions mirror listAudit's; keep them in step.

/** Object types recorded so far, for the filter select. */
export async function listAuditObjectTypes(db: Db): Promise<string[]> {
	const rows = await db
		.selectDistinct({ objectType: auditLog.objectType })
		.from(auditLog)
		.orderBy(asc(auditLog.objectType));
	return rows.map((r) => r.objectType);
}

/** People who appear as actors in the log, by name, for the filter select. */
export async function listAuditActors(db: Db): Promise<Array<{ id: string; name: string }>> {
	return db
		.selectDistinct({ id: users.id, name: users.name })
		.from(auditLog)
		.innerJoin(users, eq(users.id, auditLog.actorId))
		.where(isNotNull(auditLog.actorId))
		.orderBy(asc(users.name), asc(users.id));
}

const isUuid = (value: string | null | undefined): value is string =>
	parseCursor(value, 'uuid') !== null;
const isDate = (value: Date | null | undefined): value is Date =>
	value instanceof Date && !Number.isNaN(value.getTime());

/**
 * The `before` cursor of the page newer than the one starting at `firstId` (the newest row shown):
 * undefined when there is no newer page, null when the newer page is the first one.
 */
export async function auditNewerCursor(
	db: Db,
	filter: AuditFilter,
	firstId: number
): Promise<string | null | undefined> {
	const limit = clampLimit(filter.limit, 50);
	const rows = await db
		.select({ id: auditLog.id })
		.from(auditLog)
		.where(
			and(
				isUuid(filter.actorId) ? eq(auditLog.actorId, filter.actorId) : undefined,
				filter.action ? eq(auditLog.action, filter.action) : undefined,
				filter.objectType ? eq(auditLog.objectType, filter.objectType) : undefined,
				isUuid(filter.organisationId)
					? eq(auditLog.organisationId, filter.organisationId)
					: undefined,
				isDate(filter.from) ? gte(auditLog.createdAt, filter.from) : undefined,
				isDate(filter.to) ? lt(auditLog.createdAt, filter.to) : undefined,
				sql`(${auditLog.createdAt}, ${auditLog.id}) > (select a.created_at, a.id from audit_log a where a.id = ${firstId})`
			)
		)
		.orderBy(asc(auditLog.createdAt), asc(auditLog.id))
		.limit(limit + 1);
	if (rows.length === 0) return undefined;
	return rows.length > limit ? String(rows[limit].id) : null;
}
