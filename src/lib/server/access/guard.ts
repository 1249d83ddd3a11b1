import { error, redirect } from '@sveltejs/kit';
import type { SessionUser } from '../auth/sessions.ts';
import { sameOriginPath } from '../../shared/redirects.ts';

/** Who is asking: the signed-in user, or a redirect to the login page (keeping where they were). */
export function requireUser(locals: App.Locals, url?: URL): SessionUser {
	if (locals.user) return locals.user;
	const next = url
		? `?next=${encodeURIComponent(sameOriginPath(url.pathname + url.search, url.origin))}`
		: '';
	redirect(303, `/login${next}`);
}

/** Turns a policy answer into a 403 page. */
export function authorize(
	allowed: boolean,
	message = 'You do not have access to this page.'
): void {
	if (!allowed) error(403, { message, code: 'FORBIDDEN' });
}
