import { fail } from '@sveltejs/kit';
import { supportedTimeZones } from '$lib/format';
import { runAction } from '$lib/server/http/edge';
import { parseForm } from '$lib/server/http/forms';
import { getWorkspaceSettings, setWorkspaceTimeZone } from '$lib/server/workspace/settings';
import { commandContext, requireWorkspaceAdmin } from '$lib/server/workspace/edge';
import { workspaceSettingsSchema } from '$lib/shared/schemas/admin';
import type { Actions, PageServerLoad } from './$types';

// The workspace settings: workspace admins only (the organisations rule), everyone else the 403.

export const load: PageServerLoad = async ({ locals, url }) => {
	requireWorkspaceAdmin(locals, url);
	const settings = await getWorkspaceSettings(locals.runtime.db);
	return { settings, timeZones: supportedTimeZones() };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireWorkspaceAdmin(event.locals, event.url);
		const formData = await event.request.formData();
		const parsed = parseForm(workspaceSettingsSchema, formData);
		if (!parsed.ok) return fail(400, parsed.failure);
		const result = await runAction(formData, { action: 'settings' }, () =>
			setWorkspaceTimeZone(
				event.locals.runtime.db,
				user,
				parsed.data.timeZone,
				commandContext(event)
			)
		);
		if (!result.ok) return result.failure;
		return { saved: true };
	}
};
