import { fail } from '@sveltejs/kit';
import { requestPasswordReset } from '$lib/server/auth';
import { parseForm } from '$lib/server/http/forms';
import { forgotPasswordSchema } from '$lib/shared/schemas/auth';
import { getLocale } from '$lib/paraglide/runtime';
import type { Actions } from './$types';

export const actions: Actions = {
	default: async ({ request, locals, url }) => {
		const parsed = parseForm(forgotPasswordSchema, await request.formData());
		if (!parsed.ok) return fail(400, parsed.failure);
		await requestPasswordReset(locals.runtime.db, parsed.data.email, {
			origin: url.origin,
			locale: getLocale(),
			mail: locals.runtime.config
		});
		// The same answer whether or not the account exists.
		return { sent: true, email: parsed.data.email };
	}
};
