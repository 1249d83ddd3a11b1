import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Actor } from '../access/actor.ts';
import { visibleOpportunities } from '../access/crm-scope.ts';
import type { Db } from '../db/client.ts';
import { opportunities } from '../db/schema.ts';
import { OPEN_STAGES } from '../../shared/enums.ts';
import type { PlanPageData } from '../../shared/plans.ts';

// The live CRM blocks of a plan: the open opportunities the viewer may see (a partner person only
// their own company's deals, through visibleOpportunities) and their total. The plan page reloads
// them (`depends('plans:crm')`) when an `opportunity.changed` event arrives.

export const CRM_BLOCK_LIMIT = 10;

export async function planCrmBlocks(
	db: Db,
	viewer: Actor,
	plan: { kind: 'account' | 'partner'; accountId: string | null; partnerId: string | null },
	currency: string
): Promise<NonNullable<PlanPageData['crm']>> {
	const subject =
		plan.kind === 'account'
			? eq(opportunities.accountId, plan.accountId!)
			: eq(opportunities.partnerId, plan.partnerId!);
	const where = and(
		visibleOpportunities(viewer),
		subject,
		inArray(opportunities.stage, [...OPEN_STAGES])
	);
	const [rows, [total]] = await Promise.all([
		db
			.select({
				id: opportunities.id,
				name: opportunities.name,
				stage: opportunities.stage,
				amountCents: opportunities.amountCents,
				closeDate: opportunities.closeDate
			})
			.from(opportunities)
			.where(where)
			.orderBy(sql`${opportunities.closeDate} asc nulls last`, asc(opportunities.id))
			.limit(CRM_BLOCK_LIMIT),
		db
			.select({ total: sql<string>`coalesce(sum(${opportunities.amountCents}), 0)` })
			.from(opportunities)
			.where(where)
	]);
	return {
		opportunities: rows.map((r) => ({ ...r, amountCents: Number(r.amountCents) })),
		openTotalCents: Number(total?.total ?? 0),
		currency
	};
}
