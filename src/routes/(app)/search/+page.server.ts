import { requireUser } from '$lib/server/access';
import { searchAll } from '$lib/server/search';
import type { PageServerLoad } from './$types';

/** One search over everything the person may see, grouped by kind. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const q = (url.searchParams.get('q') ?? '').trim();
	return { results: await searchAll(locals.runtime.db, user, q, { limitPerKind: 10 }) };
};
