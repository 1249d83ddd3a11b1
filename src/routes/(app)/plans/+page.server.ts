import { isHostActor } from '$lib/server/access';
import { requireUser } from '$lib/server/access/guard';
import { listPlans, planOwnerChoices, planViewer } from '$lib/server/plans';
import { searchParamsObject } from '$lib/shared/schemas/admin';
import { planFilterSchema } from '$lib/shared/schemas/plans';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, depends }) => {
	const user = requireUser(locals, url);
	depends('plans:list');
	const db = locals.runtime.db;
	const viewer = await planViewer(db, user);
	const filter = planFilterSchema.parse(searchParamsObject(url.searchParams));
	const [plans, owners] = await Promise.all([
		listPlans(db, viewer, {
			q: filter.q,
			kind: filter.kind,
			status: filter.status,
			stale: filter.stale,
			ownerId: filter.owner,
			after: filter.after
		}),
		planOwnerChoices(db, viewer)
	]);
	return {
		filter,
		plans,
		owners,
		isHost: isHostActor(user),
		deleted: url.searchParams.has('deleted')
	};
};
