import { redirect, type RequestEvent } from '@sveltejs/kit';
import { m } from '../../paraglide/messages.js';
import { expiredSessionCookie } from './cookies.ts';
import { sameOriginPath } from '../../shared/redirects.ts';
import { requestLocale } from '../http/locale.ts';

/** The sign-in page's `reason` when the browser's session stopped working. */
export const SESSION_ENDED = 'session-ended';

/** Where a page request with an ended session goes: sign in, told why, then back here. */
export function sessionEndedLogin(event: Pick<RequestEvent, 'url' | 'request'>): string {
	const { pathname, search } = event.url;
	// After a form post, come back to the page, not to its action.
	const next = sameOriginPath(
		event.request.method === 'GET' ? pathname + search : pathname,
		event.url.origin
	);
	return `/login?reason=${SESSION_ENDED}&next=${encodeURIComponent(next)}`;
}

/**
 * The request carried a session cookie that no longer opens a session (signed out everywhere,
 * deactivated, company suspended, expired, tampered with). Rather than a silent redirect: pages
 * behind sign-in go to the sign-in page saying so; API calls and the live stream get a 401 with
 * the same sentence. Anything else (the sign-in pages themselves) goes on as signed out: null.
 */
export function answerEndedSession(event: RequestEvent): Response | null {
	const route = event.route.id;
	if (route?.startsWith('/api/')) {
		const locale = requestLocale(event.request);
		return Response.json(
			{ message: m.auth_session_ended({}, { locale }), code: 'SESSION_ENDED' },
			{
				status: 401,
				headers: {
					// Built here, not by resolve: the cookie's removal goes on by hand (the security
					// headers handle, first of the sequence, adds the usual headers to this answer too).
					'set-cookie': expiredSessionCookie(event),
					'cache-control': 'no-store'
				}
			}
		);
	}
	// Every page of the (app) group requires a signed-in person (its layout says so).
	if (route?.startsWith('/(app)')) redirect(303, sessionEndedLogin(event));
	return null;
}
