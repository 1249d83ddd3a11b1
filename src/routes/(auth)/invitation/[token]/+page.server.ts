import { fail, redirect } from '@sveltejs/kit';
import { acceptInvitation, getInvitation } from '$lib/server/auth';
import { authFormFailure } from '$lib/server/auth/form-refusal';
import { DomainError } from '$lib/server/errors';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { clientAddress } from '$lib/server/http/client';
import { parseForm } from '$lib/server/http/forms';
import { acceptInvitationSchema } from '$lib/shared/schemas/auth';
import { getLocale } from '$lib/paraglide/runtime';
import { assertLinkUsable, refuseLinkError } from '../../link-refusal';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const invitation = await getInvitation(locals.runtime.db, params.token);
	// Forged → 404; expired, used or withdrawn → 410: the error page says which, and what next.
	assertLinkUsable('invitation', invitation.status);
	return { invitation };
};

export const actions: Actions = {
	default: async (event) => {
		const formData = await event.request.formData();
		const parsed = parseForm(acceptInvitationSchema, formData);
		if (!parsed.ok) return fail(400, parsed.failure);
		try {
			const { token, session } = await acceptInvitation(
				event.locals.runtime.db,
				event.params.token,
				{ name: parsed.data.name, password: parsed.data.password, locale: getLocale() },
				{ ip: clientAddress(event), userAgent: event.request.headers.get('user-agent') }
			);
			setSessionCookie(event, token, session.expiresAt);
		} catch (error) {
			if (!(error instanceof DomainError)) throw error;
			refuseLinkError(error);
			return authFormFailure(event, formData, error);
		}
		redirect(303, '/');
	}
};
