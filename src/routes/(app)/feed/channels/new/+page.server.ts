import { redirect } from '@sveltejs/kit';
import { invalid, runAction } from '$lib/server/http/edge';
import { parseForm } from '$lib/server/http/forms';
import { authorize, canCreateChannel, requireUser } from '$lib/server/access';
import { createChannel } from '$lib/server/feed';
import { listOrganisations } from '$lib/server/workspace';
import { channelInput } from '$lib/shared/feed';
import type { Actions, PageServerLoad } from './$types';

// Managers open internal channels and community channels (a council of named partner companies).

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	authorize(canCreateChannel(user, 'internal'));
	const partners = await listOrganisations(locals.runtime.db, {
		kind: 'partner',
		status: 'active'
	});
	return {
		partners: partners.map((p) => ({ id: p.id, name: p.name })),
		kinds: (['internal', 'community', 'announcements'] as const).filter((kind) =>
			canCreateChannel(user, kind)
		)
	};
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event.locals);
		const formData = await event.request.formData();
		const tag = { action: 'create' };
		const parsed = parseForm(channelInput, formData, { message: 'first-field' });
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			createChannel(event.locals.runtime.db, user, parsed.data)
		);
		if (!result.ok) return result.failure;
		redirect(303, `/feed/${result.value.id}`);
	}
};
