import type { Db } from '../db/client.ts';
import { auditLog } from '../db/schema.ts';

export type AuditInput = {
	actorId: string | null;
	/** The organisation the object belongs to (lets admins filter by partner). */
	organisationId: string | null;
	/** dotted, stable: 'user.invited', 'user.role_changed', 'session.login_failed'… */
	action: string;
	objectType: string;
	objectId: string;
	/** What changed (before/after values), never secrets or tokens. */
	data?: Record<string, unknown>;
	ip?: string | null;
};

/** Appends to the audit log; call it with the transaction of the change it records. */
export async function recordAudit(db: Db, input: AuditInput): Promise<number> {
	const [row] = await db
		.insert(auditLog)
		.values({
			actorId: input.actorId,
			organisationId: input.organisationId,
			action: input.action,
			objectType: input.objectType,
			objectId: input.objectId,
			data: input.data ?? {},
			ip: input.ip ?? null
		})
		.returning({ id: auditLog.id });
	return row.id;
}
