import type { Actor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import { prefixQuery } from '../../shared/normalise.ts';
import {
	foldWords,
	SEARCH_PROVIDERS,
	type SearchHit,
	type SearchProvider,
	type SearchQuery
} from './providers.ts';

export {
	accountsProvider,
	contactsProvider,
	opportunitiesProvider,
	partnersProvider,
	SEARCH_POOL,
	SEARCH_PROVIDERS,
	type SearchHit,
	type SearchProvider,
	type SearchQuery
} from './providers.ts';

/** `total` is exact unless `capped`: then there are more than that (SEARCH_POOL) matches. */
export type SearchGroup = { kind: string; total: number; capped: boolean; hits: SearchHit[] };
export type SearchResults = { query: string; total: number; groups: SearchGroup[] };

export const SEARCH_MAX_LENGTH = 200;

/**
 * One search over every kind the person may see: a group per provider that applies to them
 * (in SEARCH_PROVIDERS order), each with its total and its first `limitPerKind` hits. An empty
 * or unsearchable query gives no groups.
 */
export async function searchAll(
	db: Db,
	actor: Actor,
	q: string,
	options: { limitPerKind?: number; providers?: readonly SearchProvider[] } = {}
): Promise<SearchResults> {
	const text = q.trim().slice(0, SEARCH_MAX_LENGTH);
	const tsquery = prefixQuery(text);
	if (!tsquery) return { query: text, total: 0, groups: [] };
	const query: SearchQuery = { text, tsquery, words: foldWords(text) };
	const limit = Math.min(Math.max(options.limitPerKind ?? 10, 1), 50);
	const providers = options.providers ?? SEARCH_PROVIDERS;
	const answers = await Promise.all(providers.map((p) => p.search(db, actor, query, limit)));
	const groups: SearchGroup[] = [];
	answers.forEach((answer, i) => {
		if (answer) groups.push({ kind: providers[i].kind, ...answer, capped: answer.capped ?? false });
	});
	return { query: text, total: groups.reduce((sum, g) => sum + g.total, 0), groups };
}
