import { fail, redirect } from '@sveltejs/kit';
import { getPasswordResetStatus, resetPassword, revocationDelivered } from '$lib/server/auth';
import { authFormFailure } from '$lib/server/auth/form-refusal';
import { DomainError } from '$lib/server/errors';
import { clientAddress } from '$lib/server/http/client';
import { parseForm } from '$lib/server/http/forms';
import { resetPasswordSchema } from '$lib/shared/schemas/auth';
import { assertLinkUsable, refuseLinkError } from '../../link-refusal';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	// Forged → 404; expired or used → 410: the error page says which and offers a new link.
	assertLinkUsable('reset', await getPasswordResetStatus(locals.runtime.db, params.token));
	return {};
};

export const actions: Actions = {
	default: async (event) => {
		const formData = await event.request.formData();
		const parsed = parseForm(resetPasswordSchema, formData);
		if (!parsed.ok) return fail(400, parsed.failure);
		try {
			await revocationDelivered(event.locals.runtime.bus, (mark) =>
				resetPassword(event.locals.runtime.db, event.params.token, parsed.data.password, {
					ip: clientAddress(event),
					mark
				})
			);
		} catch (error) {
			if (!(error instanceof DomainError)) throw error;
			refuseLinkError(error);
			return authFormFailure(event, formData, error);
		}
		redirect(303, '/login?reason=reset');
	}
};
