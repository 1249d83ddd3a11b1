import { requireUser } from '$lib/server/access/guard';
import {
	canRegisterDeal,
	canReviewRegistrations,
	canViewPartnerDirectory
} from '$lib/server/access';
import { listPartnerChoices, listRegistrations, REGISTRATION_LIST_LIMIT } from '$lib/server/deals';
import { registrationFilterSchema } from '$lib/shared/schemas/deals';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const db = locals.runtime.db;
	// Host people filter by partner company; a partner sees only their own.
	const host = canViewPartnerDirectory(user);
	// Unknown or malformed filters are ignored rather than refused: it is a bookmarkable GET.
	const parsed = registrationFilterSchema.safeParse(Object.fromEntries(url.searchParams));
	const filter = parsed.success ? parsed.data : {};
	const [registrations, partners] = await Promise.all([
		listRegistrations(db, user, host ? filter : { status: filter.status }),
		host ? listPartnerChoices(db) : Promise.resolve([])
	]);
	return {
		registrations,
		partners,
		filter,
		limit: REGISTRATION_LIST_LIMIT,
		host,
		canRegister: canRegisterDeal(user),
		canReview: canReviewRegistrations(user),
		currency: locals.runtime.config.currency
	};
};
