import { fail, redirect } from '@sveltejs/kit';
import {
	AuthError,
	AUTH_ERROR_MESSAGES,
	getPasswordResetStatus,
	resetPassword
} from '$lib/server/auth';
import { clientAddress } from '$lib/server/http/client';
import { formMessage, parseForm } from '$lib/server/http/forms';
import { resetPasswordSchema } from '$lib/shared/schemas/auth';
import type { Actions, PageServerLoad } from './$types';

const STATUS_MESSAGES = {
	invalid: 'auth_token_invalid',
	expired: 'auth_token_expired',
	used: 'auth_token_used',
	revoked: 'auth_token_invalid'
} as const;

export const load: PageServerLoad = async ({ params, locals }) => {
	const status = await getPasswordResetStatus(locals.runtime.db, params.token);
	return { status, problem: status === 'valid' ? null : STATUS_MESSAGES[status] };
};

export const actions: Actions = {
	default: async (event) => {
		const formData = await event.request.formData();
		const parsed = parseForm(resetPasswordSchema, formData);
		if (!parsed.ok) return fail(400, parsed.failure);
		try {
			await resetPassword(
				event.locals.runtime.db,
				event.params.token,
				parsed.data.password,
				clientAddress(event)
			);
		} catch (error) {
			if (!(error instanceof AuthError)) throw error;
			return fail(400, formMessage(formData, AUTH_ERROR_MESSAGES[error.code]));
		}
		redirect(303, '/login?reason=reset');
	}
};
