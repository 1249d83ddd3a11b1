import { error } from '@sveltejs/kit';
import { invalid, runAction, succeeded } from '$lib/server/http/edge';
import { parseForm } from '$lib/server/http/forms';
import {
	getOrganisation,
	invitePerson,
	listPendingInvitations,
	listPeople,
	listRegions,
	listTeams,
	updateOrganisation
} from '$lib/server/workspace';
import {
	commandContext,
	invitationActions,
	inviteContext,
	requireWorkspaceAdmin
} from '$lib/server/workspace/edge';
import {
	inviteSchema,
	organisationStatusSchema,
	updateOrganisationSchema
} from '$lib/shared/schemas/admin';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const user = requireWorkspaceAdmin(locals, url);
	const db = locals.runtime.db;
	const organisation = await getOrganisation(db, params.id);
	if (!organisation) error(404, { message: 'Not found', code: 'NOT_FOUND' });
	const [people, invitations, regions, teams] = await Promise.all([
		listPeople(db, user, { organisationId: organisation.id, limit: 100 }),
		listPendingInvitations(db, { organisationId: organisation.id }),
		listRegions(db),
		listTeams(db)
	]);
	return {
		organisation,
		people,
		invitations,
		regions,
		teams,
		created: url.searchParams.has('created')
	};
};

export const actions: Actions = {
	update: async (event) => {
		const user = requireWorkspaceAdmin(event.locals);
		const formData = await event.request.formData();
		const tag = { action: 'update' };
		const parsed = parseForm(updateOrganisationSchema, formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			updateOrganisation(
				event.locals.runtime.db,
				user,
				{ organisationId: event.params.id, ...parsed.data },
				commandContext(event)
			)
		);
		if (!result.ok) return result.failure;
		return succeeded(
			tag,
			result.value.changed ? 'admin_organisation_saved' : 'admin_nothing_changed'
		);
	},

	status: async (event) => {
		const user = requireWorkspaceAdmin(event.locals);
		const formData = await event.request.formData();
		const tag = { action: 'status' };
		const parsed = parseForm(organisationStatusSchema, formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			updateOrganisation(
				event.locals.runtime.db,
				user,
				{ organisationId: event.params.id, status: parsed.data.status },
				commandContext(event)
			)
		);
		if (!result.ok) return result.failure;
		const suspended = parsed.data.status === 'suspended';
		return succeeded(
			tag,
			suspended ? 'admin_organisation_suspended' : 'admin_organisation_reactivated'
		);
	},
	invite: async (event) => {
		const user = requireWorkspaceAdmin(event.locals);
		const formData = await event.request.formData();
		// Invitations from this page go to this organisation, whatever the form says.
		formData.set('organisationId', event.params.id);
		const tag = { action: 'invite' };
		const parsed = parseForm(inviteSchema, formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			invitePerson(event.locals.runtime.db, user, parsed.data, inviteContext(event))
		);
		if (!result.ok) return result.failure;
		return succeeded(tag, 'admin_invite_sent', { email: parsed.data.email });
	},
	...invitationActions(requireWorkspaceAdmin)
};
