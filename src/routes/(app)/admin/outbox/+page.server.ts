import { authorize, canViewOutbox, requireUser } from '$lib/server/access';
import { listOutbox } from '$lib/server/mail';
import { outboxFilterSchema, searchParamsObject } from '$lib/shared/schemas/admin';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	authorize(canViewOutbox(user));
	const filter = outboxFilterSchema.parse(searchParamsObject(url.searchParams));
	const page = await listOutbox(locals.runtime.db, { before: filter.before, limit: 20 });
	return {
		messages: page.items,
		olderCursor: page.nextCursor,
		isFirstPage: !filter.before,
		smtp: Boolean(locals.runtime.config.smtpUrl)
	};
};
