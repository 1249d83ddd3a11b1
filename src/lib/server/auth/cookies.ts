import type { RequestEvent } from '@sveltejs/kit';
import { SESSION_COOKIE } from './sessions.ts';

// HttpOnly, SameSite=Lax, and Secure whenever the site is served over HTTPS (production sets ORIGIN=https://…).
function sessionCookieOptions(event: RequestEvent) {
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
