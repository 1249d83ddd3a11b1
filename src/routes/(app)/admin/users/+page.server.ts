import { invalid, runAction, succeeded } from '$lib/server/http/edge';
import { parseForm } from '$lib/server/http/forms';
import {
	invitePerson,
	listOrganisations,
	listPendingInvitations,
	listPeople,
	listRegions,
	listTeams
} from '$lib/server/workspace';
import {
	invitationActions,
	inviteContext,
	requireWorkspaceAdmin
} from '$lib/server/workspace/edge';
import { inviteSchema, peopleFilterSchema, searchParamsObject } from '$lib/shared/schemas/admin';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireWorkspaceAdmin(locals, url);
	const db = locals.runtime.db;
	const filter = peopleFilterSchema.parse(searchParamsObject(url.searchParams));
	const [people, invitations, organisations, teams, regions] = await Promise.all([
		listPeople(db, user, {
			organisationId: filter.organisation,
			role: filter.role,
			status: filter.status,
			q: filter.q,
			after: filter.after
		}),
		listPendingInvitations(db),
		listOrganisations(db),
		listTeams(db),
		listRegions(db)
	]);
	return { filter, people, invitations, organisations, teams, regions };
};

export const actions: Actions = {
	invite: async (event) => {
		const user = requireWorkspaceAdmin(event.locals);
		const formData = await event.request.formData();
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
