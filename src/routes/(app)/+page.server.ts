import { requireUser } from '$lib/server/access';
import { getHome } from '$lib/server/workspace/home';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	return { home: await getHome(locals.runtime.db, user) };
};
