import { fail, redirect } from '@sveltejs/kit';
import { acceptInvitation, AuthError, AUTH_ERROR_MESSAGES, getInvitation } from '$lib/server/auth';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { clientAddress } from '$lib/server/http/client';
import { formMessage, parseForm } from '$lib/server/http/forms';
import { acceptInvitationSchema } from '$lib/shared/schemas/auth';
import { getLocale } from '$lib/paraglide/runtime';
import type { Actions, PageServerLoad } from './$types';

const STATUS_MESSAGES = {
	invalid: 'auth_token_invalid',
	expired: 'auth_token_expired',
	used: 'auth_token_used',
	revoked: 'auth_invite_revoked'
} as const;

export const load: PageServerLoad = async ({ params, locals }) => {
	const invitation = await getInvitation(locals.runtime.db, params.token);
	return {
		invitation,
		problem: invitation.status === 'valid' ? null : STATUS_MESSAGES[invitation.status]
	};
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
			if (!(error instanceof AuthError)) throw error;
			return fail(400, formMessage(formData, AUTH_ERROR_MESSAGES[error.code]));
		}
		redirect(303, '/');
	}
};
