import { invalid, runAction, succeeded } from '$lib/server/http/edge';
import { authorize, canRestoreCrmRecords } from '$lib/server/access';
import { parseForm } from '$lib/server/http/forms';
import { listRecentlyDeleted, restoreRecord } from '$lib/server/crm';
import { crmContext, crmUser } from '$lib/server/crm/edge';
import { restoreInput } from '$lib/shared/schemas/crm';
import type { Actions, PageServerLoad } from './$types';

function requireRestorer(locals: App.Locals, url?: URL) {
	const user = crmUser(locals, url);
	authorize(canRestoreCrmRecords(user));
	return user;
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireRestorer(locals, url);
	return { records: await listRecentlyDeleted(locals.runtime.db, user) };
};

export const actions: Actions = {
	restore: async (event) => {
		const user = requireRestorer(event.locals);
		const formData = await event.request.formData();
		const parsed = parseForm(restoreInput, formData);
		if (!parsed.ok) return invalid(parsed.failure, { action: 'restore' });
		const tag = { action: 'restore', id: parsed.data.id };
		const result = await runAction(formData, tag, () =>
			restoreRecord(event.locals.runtime.db, user, parsed.data, crmContext(event))
		);
		if (!result.ok) return result.failure;
		return succeeded(tag, 'crm_restored', { name: formData.get('name')?.toString() ?? '' });
	}
};
