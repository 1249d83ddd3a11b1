import { fail, redirect } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import { tables } from '$lib/server/db';
import { parseForm } from '$lib/server/http/forms';
import { localeSchema, safeRedirect } from '$lib/shared/schemas/auth';
import { cookieMaxAge, cookieName } from '$lib/paraglide/runtime';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

/** Language switch: a cookie for everyone, and the stored preference of a signed-in user. */
export const actions: Actions = {
	default: async ({ request, cookies, locals }) => {
		const parsed = parseForm(localeSchema, await request.formData());
		if (!parsed.ok) return fail(400, parsed.failure);
		const { locale, redirectTo } = parsed.data;
		cookies.set(cookieName, locale, { path: '/', httpOnly: false, sameSite: 'lax', maxAge: cookieMaxAge });
		if (locals.user) {
			await locals.runtime.db
				.update(tables.users)
				.set({ locale })
				.where(eq(tables.users.id, locals.user.id));
		}
		redirect(303, safeRedirect(redirectTo));
	}
};
