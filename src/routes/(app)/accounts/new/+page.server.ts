import { isHostActor } from '$lib/server/access';
import { redirect } from '@sveltejs/kit';
import { invalid, runAction } from '$lib/server/http/edge';
import { parseForm } from '$lib/server/http/forms';
import { createAccount, crmChoices } from '$lib/server/crm';
import { crmContext, crmUser } from '$lib/server/crm/edge';
import { accountInput } from '$lib/shared/schemas/crm';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = crmUser(locals, url);
	return {
		choices: await crmChoices(locals.runtime.db, user),
		isHost: isHostActor(user),
		me: user.id
	};
};

export const actions: Actions = {
	default: async (event) => {
		const user = crmUser(event.locals);
		const formData = await event.request.formData();
		const tag = { action: 'create' };
		const parsed = parseForm(accountInput, formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			createAccount(event.locals.runtime.db, user, parsed.data, crmContext(event))
		);
		if (!result.ok) return result.failure;
		redirect(303, `/accounts/${result.value.id}?created`);
	}
};
