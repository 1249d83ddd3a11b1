import { isHostActor } from '$lib/server/access';
import { redirect } from '@sveltejs/kit';
import { invalid, notFound, runAction, succeeded } from '$lib/server/http/edge';
import { parseForm } from '$lib/server/http/forms';
import { deleteContact, getContact, updateContact } from '$lib/server/crm';
import { crmContext, crmUser } from '$lib/server/crm/edge';
import { contactEdit } from '$lib/shared/schemas/crm';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const user = crmUser(locals, url);
	const contact = await getContact(locals.runtime.db, user, params.id);
	if (!contact) notFound();
	return { contact, isHost: isHostActor(user) };
};

export const actions: Actions = {
	update: async (event) => {
		const user = crmUser(event.locals);
		const formData = await event.request.formData();
		const tag = { action: 'update' };
		const parsed = parseForm(contactEdit, formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			updateContact(
				event.locals.runtime.db,
				user,
				{ ...parsed.data, id: event.params.id },
				crmContext(event)
			)
		);
		if (!result.ok) return result.failure;
		return succeeded(tag, result.value.changed ? 'crm_saved' : 'crm_nothing_changed');
	},
	delete: async (event) => {
		const user = crmUser(event.locals);
		const formData = await event.request.formData();
		const result = await runAction(formData, { action: 'delete' }, () =>
			deleteContact(event.locals.runtime.db, user, { id: event.params.id }, crmContext(event))
		);
		if (!result.ok) return result.failure;
		redirect(303, `/accounts/${result.value.accountId}`);
	}
};
