import { error } from '@sveltejs/kit';
import { invalid, runAction, succeeded } from '$lib/server/http/edge';
import { canEditPartner, requireUser, isHostActor } from '$lib/server/access';
import { parseForm } from '$lib/server/http/forms';
import { getPartnerDetail, listOwnerCandidates, updatePartner } from '$lib/server/partners';
import { planButton } from '$lib/server/plans';
import { listRegions } from '$lib/server/workspace';
import { commandContext } from '$lib/server/workspace/edge';
import { organisationStatusSchema } from '$lib/shared/schemas/admin';
import { updatePartnerSchema } from '$lib/shared/schemas/partners';
import { workspaceDay } from '$lib/server/workspace/settings';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const user = requireUser(locals, url);
	const db = locals.runtime.db;
	// Another partner's page does not exist for a partner person: the same 404 as a wrong id.
	const detail = await getPartnerDetail(db, user, params.id);
	if (!detail) error(404, { message: 'Not found', code: 'NOT_FOUND' });
	const canEdit = canEditPartner(user);
	const [regions, owners] = canEdit
		? await Promise.all([listRegions(db), listOwnerCandidates(db)])
		: [[], []];
	return {
		...detail,
		plan: await planButton(db, user, 'partner', params.id),
		canEdit,
		isHost: isHostActor(user),
		regions,
		owners,
		// The latest agreement day the form accepts: today in the workspace's time zone.
		today: await workspaceDay(db),
		currency: locals.runtime.config.currency
	};
};

export const actions: Actions = {
	update: async (event) => {
		const user = requireUser(event.locals);
		const formData = await event.request.formData();
		const tag = { action: 'update' };
		const today = await workspaceDay(event.locals.runtime.db);
		const parsed = parseForm(updatePartnerSchema(today), formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			updatePartner(
				event.locals.runtime.db,
				user,
				{ partnerId: event.params.id, ...parsed.data },
				commandContext(event)
			)
		);
		if (!result.ok) return result.failure;
		return succeeded(tag, result.value.changed ? 'partners_saved' : 'admin_nothing_changed');
	},

	status: async (event) => {
		const user = requireUser(event.locals);
		const formData = await event.request.formData();
		const tag = { action: 'status' };
		const parsed = parseForm(organisationStatusSchema, formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			updatePartner(
				event.locals.runtime.db,
				user,
				{ partnerId: event.params.id, status: parsed.data.status },
				commandContext(event)
			)
		);
		if (!result.ok) return result.failure;
		const suspended = parsed.data.status === 'suspended';
		return succeeded(
			tag,
			suspended ? 'admin_organisation_suspended' : 'admin_organisation_reactivated'
		);
	}
};
