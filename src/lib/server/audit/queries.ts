import { and, asc, desc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { clampLimit, olderThan, parseCursor, toPage, type Page } from '../db/keyset.ts';
import { auditLog, organisations, users } from '../db/schema.ts';

export type AuditEntry = {
	id: number;
	actorId: string | null;
	actorName: string | null;
	actorEmail: string | null;
	organisationId: string | null;
	organisationName: string | null;
	action: string;
	objectType: string;
	objectId: string;
	data: Record<string, unknown>;
	ip: string | null;
	createdAt: Date;
};

export type AuditFilter = {
	actorId?: string | null;
	action?: string | null;
	objectType?: string | null;
	organisationId?: string | null;
	/** Inclusive lower bound. */
	from?: Date | null;
	/** Exclusive upper bound (pass the next midnight to include a whole day). */
	to?: Date | null;
	/** The previous page's `nextCursor`. */
	before?: string | null;
	limit?: number;
};

const isUuid = (value: string | null | undefined): value is string =>
	parseCursor(value, 'uuid') !== null;
const isDate = (value: Date | null | undefined): value is Date =>
	value instanceof Date && !Number.isNaN(value.getTime());

/** The audit log for admins, newest first, filtered; malformed filter values are ignored. */
export async function listAudit(db: Db, filter: AuditFilter = {}): Promise<Page<AuditEntry>> {
	const limit = clampLimit(filter.limit, 50);
	const cursor = parseCursor(filter.before, 'serial');
	const rows = await db
		.select({
			id: auditLog.id,
			actorId: auditLog.actorId,
			actorName: users.name,
			actorEmail: users.email,
			organisationId: auditLog.organisationId,
			organisationName: organisations.name,
			action: auditLog.action,
			objectType: auditLog.objectType,
			objectId: auditLog.objectId,
			data: auditLog.data,
			ip: auditLog.ip,
			createdAt: auditLog.createdAt
		})
		.from(auditLog)
		.leftJoin(users, eq(users.id, auditLog.actorId))
		.leftJoin(organisations, eq(organisations.id, auditLog.organisationId))
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
				cursor ? olderThan(auditLog, Number(cursor)) : undefined
			)
		)
		.orderBy(desc(auditLog.createdAt), desc(auditLog.id))
		.limit(limit + 1);
	return toPage(rows, limit, (row) => row.id);
}

/** Every action recorded so far, for the filter select. */
export async function listAuditActions(db: Db): Promise<string[]> {
	const rows = await db
		.selectDistinct({ action: auditLog.action })
		.from(auditLog)
		.orderBy(asc(auditLog.action));
	return rows.map((row) => row.action);
}
