import { authorize, canViewPartnerDirectory, requireUser } from '$lib/server/access';
import { listOwnerCandidates, listPartners } from '$lib/server/partners';
import { listRegions } from '$lib/server/workspace';
import { searchParamsObject } from '$lib/shared/schemas/admin';
import { partnerFilterSchema } from '$lib/shared/schemas/partners';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	authorize(canViewPartnerDirectory(user));
	const db = locals.runtime.db;
	const filter = partnerFilterSchema.parse(searchParamsObject(url.searchParams));
	const [partners, regions, owners] = await Promise.all([
		listPartners(db, user, {
			tier: filter.tier,
			regionId: filter.region,
			ownerId: filter.owner,
			status: filter.status,
			q: filter.q,
			sort: filter.sort,
			after: filter.after
		}),
		listRegions(db),
		listOwnerCandidates(db)
	]);
	return { filter, partners, regions, owners, currency: locals.runtime.config.currency };
};
