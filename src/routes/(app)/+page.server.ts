import { requireUser } from '$lib/server/access';
import { getPlansHome } from '$lib/server/plans/home';
import { getHome } from '$lib/server/workspace/home';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const db = locals.runtime.db;
	const [home, plans] = await Promise.all([getHome(db, user), getPlansHome(db, user)]);
	return { home, plans };
};
