import { redirect } from '@sveltejs/kit';
import { invalid, runAction } from '$lib/server/http/edge';
import { authorize, requireUser } from '$lib/server/access/guard';
import { canRegisterDeal } from '$lib/server/access';
import { listRegistrableAccounts, submitRegistration } from '$lib/server/deals';
import { clientAddress } from '$lib/server/http/client';
import { parseForm } from '$lib/server/http/forms';
import { registrationSchema } from '$lib/shared/schemas/deals';
import { workspaceDay } from '$lib/server/workspace/settings';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	authorize(canRegisterDeal(user));
	return {
		accounts: await listRegistrableAccounts(locals.runtime.db, user),
		minDate: await workspaceDay(locals.runtime.db),
		currency: locals.runtime.config.currency
	};
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event.locals);
		authorize(canRegisterDeal(user));
		const formData = await event.request.formData();
		const today = await workspaceDay(event.locals.runtime.db);
		const parsed = parseForm(registrationSchema(today), formData);
		if (!parsed.ok) return invalid(parsed.failure, { action: 'register' });
		const result = await runAction(formData, { action: 'register' }, () =>
			submitRegistration(event.locals.runtime.db, user, parsed.data, {
				ip: clientAddress(event)
			})
		);
		if (!result.ok) return result.failure;
		redirect(303, `/registrations/${result.value.id}?submitted=1`);
	}
};
