import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { canViewPartnerDirectory } from '../access/crm-policy.ts';
import { type Actor, isHostActor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import { runPrepared, Shape } from '../db/prepared.ts';
import { accounts, contacts, opportunities, organisations } from '../db/schema.ts';
import { visibleAccounts, visibleContacts, visibleOpportunities } from '../access/crm-scope.ts';
import { foldText } from '../../shared/normalise.ts';
import { postsProvider } from '../feed/search.ts';
import { plansProvider } from '../plans/search.ts';

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
 * this kind at all (the group is then not shown); otherwise only rows they may see, with their
 * count: exact, or SEARCH_POOL with `capped` when there are more (shown as "1000+").
 */
export type SearchProvider = {
	kind: string;
	search(
		db: Db,
		actor: Actor,
		query: SearchQuery,
		limit: number
	): Promise<{ total: number; capped?: boolean; hits: SearchHit[] } | null>;
};

// Broad prefixes match a large share of everything ('hôtel' → a fifth of a million deals): a kind
// counts and ranks at most SEARCH_POOL matches, the first the index gives, and says "1,000+" when
// there are more. Counting or ranking every match of such a word cost PostgreSQL 1–2 s at the
// scale of bench/crm.ts; below the cap, counts are exact and the ranking covers every match.
export const SEARCH_POOL = 1000;

// count(*) over () is computed before LIMIT: the matches in the pool, in the same query.
const total = sql<number>`(count(*) over ())::int`;

const counted = (rows: { total: number }[]) => {
	const count = rows[0]?.total ?? 0;
	return { total: Math.min(count, SEARCH_POOL), capped: count > SEARCH_POOL };
};

/**
 * The statement's shape: its kind and whether the person is the host's (sees every row) or a
 * partner's (the company's rows are read first, then matched: a partner's few hundred rows beat
 * the posting list of a common word). The tsquery and the company's id are placeholders.
 */
function shapeOf(kind: string, actor: Actor, query: SearchQuery) {
	const shape = new Shape(`search_${kind}`);
	const host = isHostActor(actor);
	shape.mark(host ? 'host' : 'partner');
	const tsquery = sql`to_tsquery('simple', ${shape.bind('q', query.tsquery)})`;
	// The scopes of access/crm-scope.ts, with the company's id bound at execution (one statement for
	// every partner; drizzle's comparisons take placeholders).
	const scoped: Actor = host
		? actor
		: {
				...actor,
				organisationId: shape.bind('organisation', actor.organisationId) as unknown as string
			};
	// `offset 0` keeps PostgreSQL from merging the company's rows into the match (a bitmap AND
	// with the whole posting list of the word); a bound 0, since drizzle leaves out a literal 0.
	const fence = shape.bind('fence', 0);
	return { shape, host, tsquery, scoped, fence, pool: shape.bind('pool', SEARCH_POOL + 1) };
}

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
		const shape = new Shape('search_partners');
		const words = query.words.map(
			(w, i) => sql`${foldedName(organisations.name)} like ${shape.bind(`w${i}`, `%${w}%`)}`
		);
		const max = shape.bind('limit', limit);
		const rows = await runPrepared(db, shape, (name) =>
			db
				.select({ id: organisations.id, name: organisations.name, total })
				.from(organisations)
				.where(and(eq(organisations.kind, 'partner'), ...words))
				.orderBy(asc(organisations.name))
				.limit(max)
				.prepare(name)
		);
		return {
			total: rows[0]?.total ?? 0,
			capped: false,
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
		const { shape, host, tsquery, scoped, fence, pool } = shapeOf('accounts', actor, query);
		const max = shape.bind('limit', limit);
		const rows = await runPrepared(db, shape, (name) => {
			const columns = { id: accounts.id, name: accounts.name, domain: accounts.domain };
			const visible = visibleAccounts(scoped);
			const matches = (
				host
					? db
							.select({ ...columns, search: accounts.search })
							.from(accounts)
							.where(and(visible, sql`${accounts.search} @@ ${tsquery}`))
					: (() => {
							const mine = db
								.select({ ...columns, search: accounts.search })
								.from(accounts)
								.where(visible)
								.offset(fence)
								.as('mine');
							return db
								.select()
								.from(mine)
								.where(sql`${mine.search} @@ ${tsquery}`);
						})()
			)
				.limit(pool)
				.as('matches');
			return db
				.select({ id: matches.id, name: matches.name, domain: matches.domain, total })
				.from(matches)
				.orderBy(
					desc(sql`ts_rank(${matches.search}, ${tsquery})`),
					asc(matches.name),
					asc(matches.id)
				)
				.limit(max)
				.prepare(name);
		});
		return {
			...counted(rows),
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
		const { shape, host, tsquery, scoped, fence, pool } = shapeOf('contacts', actor, query);
		const max = shape.bind('limit', limit);
		const rows = await runPrepared(db, shape, (name) => {
			const columns = {
				id: contacts.id,
				name: contacts.name,
				accountId: contacts.accountId,
				search: contacts.search
			};
			const visible = visibleContacts(scoped);
			const matches = (
				host
					? db
							.select(columns)
							.from(contacts)
							.where(and(visible, sql`${contacts.search} @@ ${tsquery}`))
					: (() => {
							const mine = db
								.select(columns)
								.from(contacts)
								.where(visible)
								.offset(fence)
								.as('mine');
							return db
								.select()
								.from(mine)
								.where(sql`${mine.search} @@ ${tsquery}`);
						})()
			)
				.limit(pool)
				.as('matches');
			return db
				.select({ id: matches.id, name: matches.name, account: accounts.name, total })
				.from(matches)
				.innerJoin(accounts, eq(accounts.id, matches.accountId))
				.orderBy(
					desc(sql`ts_rank(${matches.search}, ${tsquery})`),
					asc(matches.name),
					asc(matches.id)
				)
				.limit(max)
				.prepare(name);
		});
		return {
			...counted(rows),
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
		const { shape, host, tsquery, scoped, fence, pool } = shapeOf('opportunities', actor, query);
		const max = shape.bind('limit', limit);
		const rows = await runPrepared(db, shape, (name) => {
			const columns = {
				id: opportunities.id,
				name: opportunities.name,
				accountId: opportunities.accountId,
				search: opportunities.search
			};
			const visible = visibleOpportunities(scoped);
			const matches = (
				host
					? db
							.select(columns)
							.from(opportunities)
							.where(and(visible, sql`${opportunities.search} @@ ${tsquery}`))
					: (() => {
							const mine = db
								.select(columns)
								.from(opportunities)
								.where(visible)
								.offset(fence)
								.as('mine');
							return db
								.select()
								.from(mine)
								.where(sql`${mine.search} @@ ${tsquery}`);
						})()
			)
				.limit(pool)
				.as('matches');
			return db
				.select({ id: matches.id, name: matches.name, account: accounts.name, total })
				.from(matches)
				.innerJoin(accounts, eq(accounts.id, matches.accountId))
				.orderBy(
					desc(sql`ts_rank(${matches.search}, ${tsquery})`),
					asc(matches.name),
					asc(matches.id)
				)
				.limit(max)
				.prepare(name);
		});
		return {
			...counted(rows),
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
	opportunitiesProvider,
	plansProvider,
	postsProvider
];

export const foldWords = (text: string) =>
	foldText(text)
		.split(/[^a-z0-9]+/)
		.filter(Boolean)
		.slice(0, 8);
