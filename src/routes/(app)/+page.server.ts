import { hasHostContacts, isHostActor, isPartnerActor, requireUser } from '$lib/server/access';
import { getPlansHome } from '$lib/server/plans/home';
import { getHome } from '$lib/server/workspace/home';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const db = locals.runtime.db;
	const [home, plans] = await Promise.all([getHome(db, user), getPlansHome(db, user)]);
	const can = {
		// A partner person's company has its partner page; host people see the partner directory.
		openOwnPartnerPage: isPartnerActor(user),
		// Host people's colleagues are their team (when they have one).
		seeTeamAsColleagues: isHostActor(user),
		seeHostContacts: hasHostContacts(user)
	};
	return { home, plans, can };
};
