import type { RequestEvent } from '@sveltejs/kit';
import { cookieMaxAge } from '../../paraglide/runtime.js';
import { SESSION_COOKIE } from './sessions.ts';

// HttpOnly, SameSite=Lax, and Secure whenever the site is served over HTTPS (production sets ORIGIN=https://…).
function sessionCookieOptions(event: Pick<RequestEvent, 'url'>) {
	return {
		path: '/',
		httpOnly: true,
		sameSite: 'lax' as const,
		secure: event.url.protocol === 'https:'
	};
}

export function setSessionCookie(event: RequestEvent, token: string, expiresAt: Date): void {
	event.cookies.set(SESSION_COOKIE, token, { ...sessionCookieOptions(event), expires: expiresAt });
}

export function deleteSessionCookie(event: RequestEvent): void {
	event.cookies.delete(SESSION_COOKIE, sessionCookieOptions(event));
}

/**
 * The Set-Cookie header that removes the session cookie, for a response built without
 * SvelteKit's resolve (which would otherwise add the deletion itself).
 */
export function expiredSessionCookie(event: RequestEvent): string {
	return event.cookies.serialize(SESSION_COOKIE, '', { ...sessionCookieOptions(event), maxAge: 0 });
}

/**
 * The language cookie (Paraglide's): read by the browser's runtime, so not HttpOnly. Secure over
 * HTTPS only, like the session's: SvelteKit's default is Secure except on http://localhost, and
 * over plain http elsewhere the browser would refuse it and the language would not stick.
 */
export function localeCookieOptions(event: Pick<RequestEvent, 'url'>) {
	return { ...sessionCookieOptions(event), httpOnly: false, maxAge: cookieMaxAge };
}
