import { redirect } from '@sveltejs/kit';
import { eq } from 'drizzle-orm';
import { tables } from '$lib/server/db';
import { localeSchema } from '$lib/shared/schemas/auth';
import { sameOriginPath } from '$lib/shared/redirects';
import { cookieName } from '$lib/paraglide/runtime';
import { localeCookieOptions } from '$lib/server/auth/cookies';
import type { RequestHandler } from './$types';

/** Language switch: a cookie for everyone, and the stored preference of a signed-in user. */
export const POST: RequestHandler = async ({ request, cookies, locals, url }) => {
	// A body that is not a form (JSON, none, a wrong content type) holds no language to read: it is
	// answered like an unknown language rather than with formData()'s TypeError (a 500).
	const form = await request.formData().catch(() => new FormData());
	const parsed = localeSchema.safeParse({
		locale: form.get('locale'),
		redirectTo: form.get('redirectTo') ?? undefined
	});
	// An unknown language is ignored: the page simply stays as it was.
	if (!parsed.success) redirect(303, sameOriginPath(form.get('redirectTo'), url.origin));
	const { locale, redirectTo } = parsed.data;
	cookies.set(cookieName, locale, localeCookieOptions({ url }));
	if (locals.user) {
		await locals.runtime.db
			.update(tables.users)
			.set({ locale })
			.where(eq(tables.users.id, locals.user.id));
	}
	redirect(303, sameOriginPath(redirectTo, url.origin));
};

export const GET: RequestHandler = () => redirect(303, '/');
