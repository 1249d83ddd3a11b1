import { redirect } from '@sveltejs/kit';
import {
	authorize,
	canManageOrganisations,
	canManagePeopleOf,
	requireUser
} from '$lib/server/access';
import { invalid, runAction, succeeded } from '$lib/server/http/edge';
import type { SessionUser } from '$lib/server/auth';
import { parseForm } from '$lib/server/http/forms';
import {
	changeRole,
	deactivateUser,
	getOrganisation,
	invitePerson,
	listPendingInvitations,
	listPeople,
	reactivateUser
} from '$lib/server/workspace';
import { commandContext, invitationActions, inviteContext } from '$lib/server/workspace/edge';
import {
	companyChangeRoleSchema,
	companyInviteSchema,
	userIdSchema
} from '$lib/shared/schemas/admin';
import type { Actions, PageServerLoad } from './$types';

// A partner admin's own company: its people and invitations, nothing of anyone else's. Every
// action names its company from the session, never from the form, and the commands refuse
// people of other companies (404) whatever id is posted.

/** The people admin of the person's own company: a partner admin; others get the 403 page. */
function requireCompanyAdmin(locals: App.Locals, url?: URL): SessionUser {
	const user = requireUser(locals, url);
	authorize(canManagePeopleOf(user, { id: user.organisationId, kind: user.organisationKind }));
	return user;
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	// Workspace admins manage every company, their own included, from the admin pages.
	if (canManageOrganisations(user)) {
		redirect(303, `/admin/organisations/${user.organisationId}`);
	}
	requireCompanyAdmin(locals, url);
	const db = locals.runtime.db;
	const [organisation, people, invitations] = await Promise.all([
		getOrganisation(db, user.organisationId),
		listPeople(db, user, { organisationId: user.organisationId, limit: 100 }),
		listPendingInvitations(db, { organisationId: user.organisationId })
	]);
	if (!organisation) redirect(303, '/');
	return { organisation, people: people.items, more: people.nextCursor !== null, invitations };
};

export const actions: Actions = {
	invite: async (event) => {
		const user = requireCompanyAdmin(event.locals);
		const formData = await event.request.formData();
		const tag = { action: 'invite' };
		const parsed = parseForm(companyInviteSchema, formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			invitePerson(
				event.locals.runtime.db,
				user,
				{ ...parsed.data, organisationId: user.organisationId },
				inviteContext(event)
			)
		);
		if (!result.ok) return result.failure;
		return succeeded(tag, 'admin_invite_sent', { email: parsed.data.email });
	},

	changeRole: async (event) => {
		const user = requireCompanyAdmin(event.locals);
		const formData = await event.request.formData();
		const parsed = parseForm(companyChangeRoleSchema, formData);
		const tag = { action: 'person', id: parsed.ok ? parsed.data.userId : undefined };
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			changeRole(event.locals.runtime.db, user, parsed.data, commandContext(event))
		);
		if (!result.ok) return result.failure;
		return succeeded(tag, result.value.changed ? 'admin_role_changed' : 'admin_nothing_changed');
	},

	deactivate: async (event) => {
		const user = requireCompanyAdmin(event.locals);
		const formData = await event.request.formData();
		const parsed = parseForm(userIdSchema, formData);
		const tag = { action: 'person', id: parsed.ok ? parsed.data.userId : undefined };
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			deactivateUser(event.locals.runtime.db, user, parsed.data, commandContext(event))
		);
		if (!result.ok) return result.failure;
		return succeeded(tag, 'admin_user_deactivated');
	},

	reactivate: async (event) => {
		const user = requireCompanyAdmin(event.locals);
		const formData = await event.request.formData();
		const parsed = parseForm(userIdSchema, formData);
		const tag = { action: 'person', id: parsed.ok ? parsed.data.userId : undefined };
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			reactivateUser(event.locals.runtime.db, user, parsed.data, commandContext(event))
		);
		if (!result.ok) return result.failure;
		return succeeded(tag, 'admin_user_reactivated');
	},

	...invitationActions(requireCompanyAdmin)
};
