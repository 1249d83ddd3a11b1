import { fail, redirect } from '@sveltejs/kit';
import { login } from '$lib/server/auth';
import { authFormFailure } from '$lib/server/auth/form-refusal';
import { DomainError } from '$lib/server/errors';
import { localeCookieOptions, setSessionCookie } from '$lib/server/auth/cookies';
import { clientAddress } from '$lib/server/http/client';
import { parseForm } from '$lib/server/http/forms';
import { loginSchema } from '$lib/shared/schemas/auth';
import { sameOriginPath } from '$lib/shared/redirects';
import { cookieName } from '$lib/paraglide/runtime';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	const next = sameOriginPath(url.searchParams.get('next'), url.origin, '');
	if (locals.user) redirect(303, next || '/');
	return { next, reason: url.searchParams.get('reason') };
};

export const actions: Actions = {
	default: async (event) => {
		const formData = await event.request.formData();
		const parsed = parseForm(loginSchema, formData);
		if (!parsed.ok) return fail(400, parsed.failure);
		const { email, password, next } = parsed.data;
		try {
			const { token, session, locale } = await login(event.locals.runtime.db, {
				email,
				password,
				ip: clientAddress(event),
				userAgent: event.request.headers.get('user-agent')
			});
			setSessionCookie(event, token, session.expiresAt);
			// The language stored for the account wins from now on, on this device too.
			event.cookies.set(cookieName, locale, localeCookieOptions(event));
		} catch (error) {
			if (!(error instanceof DomainError)) throw error;
			return authFormFailure(event, formData, error);
		}
		redirect(303, sameOriginPath(next, event.url.origin));
	}
};
