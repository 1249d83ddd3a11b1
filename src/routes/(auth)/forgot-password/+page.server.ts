import { fail } from '@sveltejs/kit';
import { requestPasswordReset } from '$lib/server/auth';
import { authFormFailure } from '$lib/server/auth/form-refusal';
import { DomainError } from '$lib/server/errors';
import { clientAddress } from '$lib/server/http/client';
import { parseForm } from '$lib/server/http/forms';
import { forgotPasswordSchema } from '$lib/shared/schemas/auth';
import { getLocale } from '$lib/paraglide/runtime';
import type { Actions } from './$types';

export const actions: Actions = {
	default: async (event) => {
		const { locals, url } = event;
		const formData = await event.request.formData();
		const parsed = parseForm(forgotPasswordSchema, formData);
		if (!parsed.ok) return fail(400, parsed.failure);
		try {
			await requestPasswordReset(locals.runtime.db, parsed.data.email, {
				origin: url.origin,
				locale: getLocale(),
				mail: locals.runtime.config,
				ip: clientAddress(event)
			});
		} catch (error) {
			if (!(error instanceof DomainError)) throw error;
			return authFormFailure(event, formData, error);
		}
		// The same answer whether or not the account exists.
		return { sent: true, email: parsed.data.email };
	}
};
