import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.ts';
import { accounts, organisations, plans } from '../db/schema.ts';
import type { SearchProvider } from '../search/providers.ts';
import { visiblePlans } from '../access/plan-scope.ts';
import { planViewer } from './access.ts';

// Plans in the global search: title, subject, and the shared document's summary, goals and
// actions (plans.search, kept by the collaboration server's store), limited by visiblePlans, so
// a person finds only the plans they may open. Never the internal notes.

const partnerSubject = alias(organisations, 'plan_search_partner');

export const plansProvider: SearchProvider = {
	kind: 'plans',
	async search(db: Db, actor, query, limit) {
		const viewer = await planViewer(db, actor);
		const tsquery = sql`to_tsquery('simple', ${query.tsquery})`;
		const rows = await db
			.select({
				id: plans.id,
				title: plans.title,
				subject: sql<string | null>`coalesce(${accounts.name}, ${partnerSubject.name})`,
				total: sql<number>`(count(*) over ())::int`
			})
			.from(plans)
			.leftJoin(accounts, eq(accounts.id, plans.accountId))
			.leftJoin(partnerSubject, eq(partnerSubject.id, plans.partnerId))
			.where(and(visiblePlans(viewer), sql`${plans.search} @@ ${tsquery}`))
			.orderBy(desc(sql`ts_rank(${plans.search}, ${tsquery})`), asc(plans.title), asc(plans.id))
			.limit(limit);
		return {
			total: rows[0]?.total ?? 0,
			hits: rows.map((row) => ({
				id: row.id,
				title: row.title,
				subtitle: row.subject,
				href: `/plans/${row.id}`
			}))
		};
	}
};
