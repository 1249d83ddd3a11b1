import { redirect } from '@sveltejs/kit';
import { invalid, runAction } from '$lib/server/http/edge';
import { parseForm } from '$lib/server/http/forms';
import { createPartnerOrganisation, listOrganisations, listRegions } from '$lib/server/workspace';
import { inviteContext, requireWorkspaceAdmin } from '$lib/server/workspace/edge';
import { createOrganisationSchema } from '$lib/shared/schemas/admin';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	requireWorkspaceAdmin(locals, url);
	const db = locals.runtime.db;
	const [organisations, regions] = await Promise.all([listOrganisations(db), listRegions(db)]);
	return { organisations, regions };
};

export const actions: Actions = {
	create: async (event) => {
		const user = requireWorkspaceAdmin(event.locals);
		const formData = await event.request.formData();
		const tag = { action: 'create' };
		const parsed = parseForm(createOrganisationSchema, formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		// One transaction: the partner, and its partner admin's invitation when an address is given.
		const result = await runAction(formData, tag, () =>
			createPartnerOrganisation(event.locals.runtime.db, user, parsed.data, inviteContext(event))
		);
		if (!result.ok) {
			// An address already in use is about the partner admin's e-mail field here.
			const fieldErrors = result.failure.data.fieldErrors;
			if (fieldErrors.email) {
				fieldErrors.adminEmail = fieldErrors.email;
				delete fieldErrors.email;
			}
			return result.failure;
		}
		// The new partner's page, where its first people are invited.
		redirect(303, `/admin/organisations/${result.value.organisationId}?created=1`);
	}
};
