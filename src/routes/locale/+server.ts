import { redirect } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import { tables } from '$lib/server/db';
import { localeSchema, safeRedirect } from '$lib/shared/schemas/auth';
import { cookieMaxAge, cookieName } from '$lib/paraglide/runtime';
import type { RequestHandler } from './$types';

/** Language switch: a cookie for everyone, and the stored preference of a signed-in user. */
export const POST: RequestHandler = async ({ request, cookies, locals }) => {
	const form = await request.formData();
	const parsed = localeSchema.safeParse({
		locale: form.get('locale'),
		redirectTo: form.get('redirectTo') ?? undefined
	});
	// An unknown language is ignored: the page simply stays as it was.
	if (!parsed.success) redirect(303, safeRedirect(String(form.get('redirectTo') ?? '/')));
	const { locale, redirectTo } = parsed.data;
	cookies.set(cookieName, locale, {
		path: '/',
		httpOnly: false,
		sameSite: 'lax',
		maxAge: cookieMaxAge
	});
	if (locals.user) {
		await locals.runtime.db
			.update(tables.users)
			.set({ locale })
			.where(eq(tables.users.id, locals.user.id));
	}
	redirect(303, safeRedirect(redirectTo));
};

export const GET: RequestHandler = () => redirect(303, '/');
