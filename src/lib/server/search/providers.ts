import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { canViewPartnerDirectory } from '../access/crm-policy.ts';
import type { Actor } from '../access/policy.ts';
import type { Db } from '../db/client.ts';
import { accounts, contacts, opportunities, organisations } from '../db/schema.ts';
import { visibleAccounts, visibleContacts, visibleOpportunities } from '../crm/scope.ts';
import { foldText } from '../../shared/normalise.ts';

export type SearchHit = {
	id: string;
	title: string;
	/** A short second line (the account of a contact, the stage of a deal…). */
	subtitle: string | null;
	href: string;
};

export type SearchQuery = {
	/** What the person typed. */
	text: string;
	/** The same as a to_tsquery('simple', …) prefix query (letters and digits only). */
	tsquery: string;
	/** Folded words (for providers without a `search` column). */
	words: string[];
};

/**
 * One kind of object in the search. Later capabilities (plans, posts, meeting notes, visits) add
 * one provider each to SEARCH_PROVIDERS. `search` returns null when the person may not search
 * this kind at all (the group is then not shown); otherwise only rows they may see.
 */
export type SearchProvider = {
	kind: string;
	search(
		db: Db,
		actor: Actor,
		query: SearchQuery,
		limit: number
	): Promise<{ total: number; hits: SearchHit[] } | null>;
};

const tsq = (query: SearchQuery) => sql`to_tsquery('simple', ${query.tsquery})`;
// count(*) over () is computed before LIMIT: the total of matches in the same query.
const total = sql<number>`(count(*) over ())::int`;

const withTotal = <T extends { total: number }>(rows: T[]) => ({
	total: rows[0]?.total ?? 0,
	rows
});

// Accents of Latin-script names, for matching folded words against names stored as typed
// (organisations have no search column; there are at most a few thousand partners).
const ACCENTED = 'àáâãäåçèéêëìíîïñòóôõöùúûüýÿœæ';
const PLAIN = 'aaaaaaceeeeiiiinooooouuuuyyoa';
const foldedName = (column: SQL | typeof organisations.name) =>
	sql`translate(lower(${column}), ${ACCENTED}, ${PLAIN})`;

export const partnersProvider: SearchProvider = {
	kind: 'partners',
	async search(db, actor, query, limit) {
		if (!canViewPartnerDirectory(actor)) return null;
		const words = query.words.map((w) => sql`${foldedName(organisations.name)} like ${`%${w}%`}`);
		const rows = await db
			.select({ id: organisations.id, name: organisations.name, total })
			.from(organisations)
			.where(and(eq(organisations.kind, 'partner'), ...words))
			.orderBy(asc(organisations.name))
			.limit(limit);
		const { total: count } = withTotal(rows);
		return {
			total: count,
			hits: rows.map((r) => ({
				id: r.id,
				title: r.name,
				subtitle: null,
				href: `/partners/${r.id}`
			}))
		};
	}
};

export const accountsProvider: SearchProvider = {
	kind: 'accounts',
	async search(db, actor, query, limit) {
		const q = tsq(query);
		const rows = await db
			.select({ id: accounts.id, name: accounts.name, domain: accounts.domain, total })
			.from(accounts)
			.where(and(visibleAccounts(actor), sql`${accounts.search} @@ ${q}`))
			.orderBy(desc(sql`ts_rank(${accounts.search}, ${q})`), asc(accounts.name), asc(accounts.id))
			.limit(limit);
		return {
			total: withTotal(rows).total,
			hits: rows.map((r) => ({
				id: r.id,
				title: r.name,
				subtitle: r.domain,
				href: `/accounts/${r.id}`
			}))
		};
	}
};

export const contactsProvider: SearchProvider = {
	kind: 'contacts',
	async search(db, actor, query, limit) {
		const q = tsq(query);
		const rows = await db
			.select({ id: contacts.id, name: contacts.name, account: accounts.name, total })
			.from(contacts)
			.innerJoin(accounts, eq(accounts.id, contacts.accountId))
			.where(and(visibleContacts(actor), sql`${contacts.search} @@ ${q}`))
			.orderBy(desc(sql`ts_rank(${contacts.search}, ${q})`), asc(contacts.name), asc(contacts.id))
			.limit(limit);
		return {
			total: withTotal(rows).total,
			hits: rows.map((r) => ({
				id: r.id,
				title: r.name,
				subtitle: r.account,
				href: `/contacts/${r.id}`
			}))
		};
	}
};

export const opportunitiesProvider: SearchProvider = {
	kind: 'opportunities',
	async search(db, actor, query, limit) {
		const q = tsq(query);
		const rows = await db
			.select({ id: opportunities.id, name: opportunities.name, account: accounts.name, total })
			.from(opportunities)
			.innerJoin(accounts, eq(accounts.id, opportunities.accountId))
			.where(and(visibleOpportunities(actor), sql`${opportunities.search} @@ ${q}`))
			.orderBy(
				desc(sql`ts_rank(${opportunities.search}, ${q})`),
				asc(opportunities.name),
				asc(opportunities.id)
			)
			.limit(limit);
		return {
			total: withTotal(rows).total,
			hits: rows.map((r) => ({
				id: r.id,
				title: r.name,
				subtitle: r.account,
				href: `/opportunities/${r.id}`
			}))
		};
	}
};

/** The kinds the search covers, in the order the page shows them. */
export const SEARCH_PROVIDERS: readonly SearchProvider[] = [
	partnersProvider,
	accountsProvider,
	contactsProvider,
	opportunitiesProvider
];

export const foldWords = (text: string) =>
	foldText(text)
		.split(/[^a-z0-9]+/)
		.filter(Boolean)
		.slice(0, 8);
