import { error } from '@sveltejs/kit';
import { invalid, runAction, succeeded } from '$lib/server/http/edge';
import {
	canAssignTeam,
	canChangeRole,
	canDeactivate,
	isHostActor,
	roleManagesRegions
} from '$lib/server/access';
import { parseForm } from '$lib/server/http/forms';
import {
	assignTeamAndRegion,
	changeRole,
	deactivateUser,
	getPerson,
	listRegions,
	listTeams,
	reactivateUser
} from '$lib/server/workspace';
import { commandContext, requireWorkspaceAdmin } from '$lib/server/workspace/edge';
import { rolesForKind } from '$lib/shared/enums';
import { assignTeamSchema, changeRoleSchema, userIdSchema } from '$lib/shared/schemas/admin';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const user = requireWorkspaceAdmin(locals, url);
	const db = locals.runtime.db;
	const person = await getPerson(db, params.id);
	if (!person) error(404, { message: 'Not found', code: 'NOT_FOUND' });
	const [teams, regions] = await Promise.all([listTeams(db), listRegions(db)]);
	const roles = rolesForKind(person.organisationKind).filter((role) =>
		canChangeRole(user, person, role)
	);
	return {
		person,
		teams,
		regions,
		isSelf: person.id === user.id,
		can: {
			changeRole: roles.length > 0,
			assignTeam: canAssignTeam(user, person),
			deactivate: canDeactivate(user, person),
			// Team and region belong to the host's organisation chart; managed regions to managers.
			seeTeamAndRegion: isHostActor(person),
			assignManagedRegions: roleManagesRegions(person.role)
		},
		roles
	};
};

/** Every action names the person in the form; the URL's id must agree (no cross-posting). */
function samePerson(formData: FormData, id: string): FormData {
	formData.set('userId', id);
	return formData;
}

export const actions: Actions = {
	changeRole: async (event) => {
		const user = requireWorkspaceAdmin(event.locals);
		const formData = samePerson(await event.request.formData(), event.params.id);
		const tag = { action: 'changeRole' };
		const parsed = parseForm(changeRoleSchema, formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			changeRole(event.locals.runtime.db, user, parsed.data, commandContext(event))
		);
		if (!result.ok) return result.failure;
		return succeeded(tag, result.value.changed ? 'admin_role_changed' : 'admin_nothing_changed');
	},

	assignTeam: async (event) => {
		const user = requireWorkspaceAdmin(event.locals);
		const formData = samePerson(await event.request.formData(), event.params.id);
		const tag = { action: 'assignTeam' };
		const parsed = parseForm(assignTeamSchema, formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const { userId, teamId, regionId, managedRegionIds } = parsed.data;
		const result = await runAction(formData, tag, () =>
			assignTeamAndRegion(
				event.locals.runtime.db,
				user,
				{ userId, teamId: teamId ?? null, regionId: regionId ?? null, managedRegionIds },
				commandContext(event)
			)
		);
		if (!result.ok) return result.failure;
		return succeeded(tag, result.value.changed ? 'admin_team_saved' : 'admin_nothing_changed');
	},

	deactivate: async (event) => {
		const user = requireWorkspaceAdmin(event.locals);
		const formData = samePerson(await event.request.formData(), event.params.id);
		const tag = { action: 'status' };
		const parsed = parseForm(userIdSchema, formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			deactivateUser(event.locals.runtime.db, user, parsed.data, commandContext(event))
		);
		if (!result.ok) return result.failure;
		return succeeded(tag, 'admin_user_deactivated');
	},

	reactivate: async (event) => {
		const user = requireWorkspaceAdmin(event.locals);
		const formData = samePerson(await event.request.formData(), event.params.id);
		const tag = { action: 'status' };
		const parsed = parseForm(userIdSchema, formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			reactivateUser(event.locals.runtime.db, user, parsed.data, commandContext(event))
		);
		if (!result.ok) return result.failure;
		return succeeded(tag, 'admin_user_reactivated');
	}
};
