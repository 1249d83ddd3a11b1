import { and, eq, sql } from 'drizzle-orm';
import { recordActivity } from '../activity/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Db } from '../db/client.ts';
import { dealRegistrations, opportunities } from '../db/schema.ts';
import { enqueueNextRun, scheduleRecurringJob, type JobHandlers } from '../jobs/index.ts';
import { notify } from '../notifications/index.ts';
import { partnerRecipients } from './commands.ts';

// Expiry of deal registrations, run by the job runner: approved registrations whose protection
// has ended, and pending ones nobody reviewed within the protection period, become 'expired'.

export const DEALS_EXPIRE_JOB = 'deals.expire';
/** The job runs again this long after each run. */
export const EXPIRE_INTERVAL_MS = 60 * 60 * 1000;
/** At most this many registrations per run; the next run takes the rest. */
const BATCH = 500;

export type ExpiryResult = { approved: number; pending: number };

/** Expires what is due now; each registration in its own small transaction. */
export async function expireRegistrations(
	db: Db,
	options: { protectionDays: number }
): Promise<ExpiryResult> {
	const pendingCutoff = sql`now() - ${options.protectionDays}::integer * interval '1 day'`;
	const due = await db
		.select({ id: dealRegistrations.id, status: dealRegistrations.status })
		.from(dealRegistrations)
		.where(
			sql`(${dealRegistrations.status} = 'approved' and ${dealRegistrations.protectedUntil} <= now())
				or (${dealRegistrations.status} = 'pending' and ${dealRegistrations.createdAt} <= ${pendingCutoff})`
		)
		.limit(BATCH);
	const result: ExpiryResult = { approved: 0, pending: 0 };
	for (const { id } of due) {
		const expired = await expireOne(db, id, pendingCutoff);
		if (expired) result[expired] += 1;
	}
	return result;
}

async function expireOne(
	db: Db,
	id: string,
	pendingCutoff: ReturnType<typeof sql>
): Promise<'approved' | 'pending' | null> {
	return db.transaction(async (tx) => {
		// Re-checked under the row lock: a reviewer may have decided meanwhile.
		const [row] = await tx
			.update(dealRegistrations)
			.set({ status: 'expired', updatedAt: sql`now()` })
			.where(
				and(
					eq(dealRegistrations.id, id),
					sql`((${dealRegistrations.status} = 'approved' and ${dealRegistrations.protectedUntil} <= now())
						or (${dealRegistrations.status} = 'pending' and ${dealRegistrations.createdAt} <= ${pendingCutoff}))`
				)
			)
			.returning({
				id: dealRegistrations.id,
				partnerId: dealRegistrations.partnerId,
				submittedById: dealRegistrations.submittedById,
				accountName: dealRegistrations.accountName,
				opportunityId: dealRegistrations.opportunityId,
				protectedUntil: dealRegistrations.protectedUntil
			});
		if (!row) return null;
		const was = row.opportunityId ? 'approved' : 'pending';
		if (row.opportunityId) {
			await tx
				.update(opportunities)
				.set({
					protectedUntil: null,
					version: sql`${opportunities.version} + 1`,
					updatedAt: sql`now()`
				})
				.where(
					and(eq(opportunities.id, row.opportunityId), eq(opportunities.registrationId, row.id))
				);
		}
		await recordAudit(tx, {
			actorId: null,
			organisationId: row.partnerId,
			action: 'registration.expired',
			objectType: 'deal_registration',
			objectId: row.id,
			data: { was }
		});
		await recordActivity(tx, {
			actorId: null,
			organisationId: row.partnerId,
			verb: 'registration_expired',
			objectType: 'deal_registration',
			objectId: row.id,
			data: { account: row.accountName }
		});
		await notify(tx, {
			userIds: await partnerRecipients(tx, row.partnerId, row.submittedById),
			kind: 'registration_expired',
			data: { account: row.accountName },
			link: `/registrations/${row.id}`
		});
		return was;
	});
}

/** At start: enqueues the first expiry run unless one is already waiting. */
export async function scheduleDealJobs(db: Db): Promise<void> {
	await scheduleRecurringJob(db, DEALS_EXPIRE_JOB);
}

/** The handlers of the deal jobs; the expiry job enqueues its next run itself. */
export function dealJobHandlers(config: { registrationDays: number }): JobHandlers {
	return {
		[DEALS_EXPIRE_JOB]: async (_payload, ctx) => {
			await expireRegistrations(ctx.db, { protectionDays: config.registrationDays });
			await enqueueNextRun(ctx.db, DEALS_EXPIRE_JOB, ctx.jobId, EXPIRE_INTERVAL_MS);
		}
	};
}
