import { error } from '@sveltejs/kit';
import { invalid, runAction } from '$lib/server/http/edge';
import { authorize, requireUser } from '$lib/server/access/guard';
import { canReviewRegistrations } from '$lib/server/access';
import { approveRegistration, getRegistration, rejectRegistration } from '$lib/server/deals';
import { clientAddress } from '$lib/server/http/client';
import { parseForm } from '$lib/server/http/forms';
import { registrationIdSchema, rejectSchema } from '$lib/shared/schemas/deals';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const user = requireUser(locals, url);
	// Another partner's registration answers exactly like one that does not exist.
	const registration = await getRegistration(locals.runtime.db, user, params.id);
	if (!registration) error(404, { message: 'Not found', code: 'NOT_FOUND' });
	return {
		registration,
		canReview: canReviewRegistrations(user),
		protectionDays: locals.runtime.config.registrationDays,
		currency: locals.runtime.config.currency,
		submitted: url.searchParams.has('submitted')
	};
};

export const actions: Actions = {
	approve: async (event) => {
		const user = requireUser(event.locals);
		authorize(canReviewRegistrations(user));
		const formData = await event.request.formData();
		formData.set('id', event.params.id);
		const parsed = parseForm(registrationIdSchema, formData);
		if (!parsed.ok) return invalid(parsed.failure, { action: 'approve' });
		const config = event.locals.runtime.config;
		const result = await runAction(formData, { action: 'approve' }, () =>
			approveRegistration(
				event.locals.runtime.db,
				user,
				parsed.data,
				{ protectionDays: config.registrationDays },
				{ ip: clientAddress(event) }
			)
		);
		if (!result.ok) return result.failure;
		return { action: 'approve', success: { key: 'deals_approved_ok' } };
	},
	reject: async (event) => {
		const user = requireUser(event.locals);
		authorize(canReviewRegistrations(user));
		const formData = await event.request.formData();
		formData.set('id', event.params.id);
		const parsed = parseForm(rejectSchema, formData);
		if (!parsed.ok) return invalid(parsed.failure, { action: 'reject' });
		const result = await runAction(formData, { action: 'reject' }, () =>
			rejectRegistration(event.locals.runtime.db, user, parsed.data, {
				ip: clientAddress(event)
			})
		);
		if (!result.ok) return result.failure;
		return { action: 'reject', success: { key: 'deals_rejected_ok' } };
	}
};
