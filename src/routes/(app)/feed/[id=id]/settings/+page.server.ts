import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { invalid, notFound, runAction } from '$lib/server/http/edge';
import { parseForm } from '$lib/server/http/forms';
import { requireUser } from '$lib/server/access';
import { getChannel, updateChannel } from '$lib/server/feed';
import { listOrganisations } from '$lib/server/workspace';
import { channelInput } from '$lib/shared/feed';
import type { Actions, PageServerLoad } from './$types';

// A channel's settings (rename, describe, a community's companies, archive): its managers only;
// everyone else gets the 404 of a channel that does not exist.

const settingsInput = channelInput.omit({ kind: true });
const archiveInput = z.object({ archived: z.enum(['true', 'false']) });

async function managed(locals: App.Locals, id: string, url?: URL) {
	const user = requireUser(locals, url);
	const channel = await getChannel(locals.runtime.db, user, id);
	if (!channel || !channel.canManage) notFound();
	return { user, channel };
}

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const { channel } = await managed(locals, params.id, url);
	const partners =
		channel.kind === 'community'
			? await listOrganisations(locals.runtime.db, { kind: 'partner', status: 'active' })
			: [];
	return { channel, partners: partners.map((p) => ({ id: p.id, name: p.name })) };
};

export const actions: Actions = {
	save: async (event) => {
		const { user, channel } = await managed(event.locals, event.params.id);
		const formData = await event.request.formData();
		const tag = { action: 'save' };
		const parsed = parseForm(settingsInput, formData, { message: 'first-field' });
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			updateChannel(event.locals.runtime.db, user, channel.id, {
				name: parsed.data.name,
				description: parsed.data.description,
				organisationIds: channel.kind === 'community' ? parsed.data.organisationIds : undefined
			})
		);
		if (!result.ok) return result.failure;
		return { ...tag, success: { key: 'feed_settings_saved' } };
	},
	archive: async (event) => {
		const { user, channel } = await managed(event.locals, event.params.id);
		const formData = await event.request.formData();
		const tag = { action: 'archive' };
		const parsed = parseForm(archiveInput, formData, { message: 'first-field' });
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			updateChannel(event.locals.runtime.db, user, channel.id, {
				name: channel.name,
				description: channel.description,
				archived: parsed.data.archived === 'true'
			})
		);
		if (!result.ok) return result.failure;
		redirect(303, `/feed/${channel.id}`);
	}
};
