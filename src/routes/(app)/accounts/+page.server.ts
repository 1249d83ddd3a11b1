import { isHostActor } from '$lib/server/access';
import { crmChoices, listAccounts } from '$lib/server/crm';
import { crmUser } from '$lib/server/crm/edge';
import { searchParamsObject } from '$lib/shared/schemas/admin';
import { accountFilterSchema } from '$lib/shared/schemas/crm';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = crmUser(locals, url);
	const db = locals.runtime.db;
	const filter = accountFilterSchema.parse(searchParamsObject(url.searchParams));
	const [accounts, choices] = await Promise.all([
		listAccounts(db, user, {
			q: filter.q,
			regionId: filter.region,
			size: filter.size,
			ownerId: filter.owner,
			partnerId: filter.partner,
			after: filter.after
		}),
		crmChoices(db, user)
	]);
	return {
		filter,
		accounts,
		choices,
		isHost: isHostActor(user),
		deleted: url.searchParams.has('deleted')
	};
};
