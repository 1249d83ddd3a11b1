import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { env } from '$env/dynamic/private';
import { SESSION_COOKIE, validateSessionToken } from '$lib/server/auth/sessions';
import {
	setSessionCookie,
	deleteSessionCookie,
	localeCookieOptions
} from '$lib/server/auth/cookies';
import { answerEndedSession } from '$lib/server/auth/ended';
import { getRuntime } from '$lib/server/runtime';
import { isStreamedRoute, limitBody, routeBodyLimit } from '$lib/server/http/body-limit';
import { handleOrigin } from '$lib/server/http/origin';
import { createSecurityHeadersHandle } from '$lib/server/http/security-headers';
import { handleQueryText } from '$lib/server/http/query-text';
import { requestLocale } from '$lib/server/http/locale';
import { requestTimeZone, withReaderTimeZone } from '$lib/server/http/time-zone';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { cookieName as LOCALE_COOKIE, getLocale } from '$lib/paraglide/runtime';
import { m } from '$lib/paraglide/messages';

// server/ starts the runtime (migrations, seed) before serving; this only joins it. When the app
// runs without server/ (vite preview, node build), it starts one here.
export const init: ServerInit = async () => {
	await getRuntime(env);
};

/** Who is asking: the session cookie becomes locals.user, or null. */
const handleAuth: Handle = async ({ event, resolve }) => {
	const runtime = await getRuntime(env);
	event.locals.runtime = runtime;
	event.locals.user = null;
	event.locals.session = null;
	const token = event.cookies.get(SESSION_COOKIE);
	if (token) {
		const { session, user } = await validateSessionToken(runtime.db, token);
		if (session) {
			setSessionCookie(event, token, session.expiresAt);
			event.locals.user = user;
			event.locals.session = session;
		} else {
			deleteSessionCookie(event);
			// A cookie that no longer opens a session: say so (sign-in page notice, or a 401 JSON).
			const ended = answerEndedSession(event);
			if (ended) return ended;
		}
	}
	return resolve(event);
};

/**
 * The page language (requestLocale's rule: the cookie, else the signed-in user's stored choice,
 * else Accept-Language), given to Paraglide so that getLocale() answers it from here on. Runs
 * after handleAuth to know the user.
 */
const handleLocale: Handle = ({ event, resolve }) => {
	const chosen = requestLocale(event.request, event.locals.user);
	// Only the chosen language, without the body: paraglide clones the request it is given, and
	// the clone's unread half of the body would keep every byte of an upload in memory while the
	// route reads the other half.
	const request = new Request(event.request.url, {
		headers: { cookie: `${LOCALE_COOKIE}=${chosen}` },
		method: 'GET'
	});
	return paraglideMiddleware(request, ({ locale }) => {
		// Keep the browser's runtime (which reads the cookie) in step with the server.
		if (event.cookies.get(LOCALE_COOKIE) !== locale) {
			event.cookies.set(LOCALE_COOKIE, locale, localeCookieOptions(event));
		}
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});
};

/**
 * The reader's time zone (their own, else the workspace's): every date formatted while answering
 * (src/lib/format) is in it, and the root layout hands it to the browser.
 */
const handleTimeZone: Handle = async ({ event, resolve }) => {
	const timeZone = await requestTimeZone(event.locals.runtime.db, event.locals.user);
	event.locals.timeZone = timeZone;
	return withReaderTimeZone(timeZone, () => resolve(event));
};

/** nosniff, Referrer-Policy, X-Frame-Options, Permissions-Policy, HSTS over https, the CSP's connect-src. */
const handleSecurityHeaders = createSecurityHeadersHandle({ livekitUrl: () => env.LIVEKIT_URL });

/**
 * Each route accepts at most its own body size (1 MB unless it declares more): a readable 413
 * instead of reading a huge body, an ActionResult for forms enhanced with JavaScript. A body sent
 * without Content-Length is counted while read. server/ already refused anything over the largest
 * limit.
 */
const handleBodyLimit: Handle = async ({ event, resolve }) => {
	const id = event.route.id;
	const checked = await limitBody(
		event.request,
		routeBodyLimit(id),
		getLocale(),
		isStreamedRoute(id)
	);
	if ('response' in checked) return checked.response;
	return resolve(
		checked.request === event.request ? event : { ...event, request: checked.request }
	);
};

export const handle = sequence(
	handleSecurityHeaders,
	handleOrigin,
	handleAuth,
	handleLocale,
	handleTimeZone,
	handleBodyLimit,
	// After the locale, so that its 400 speaks the asker's language.
	handleQueryText
);

/** Unexpected errors are logged once, with the request's context; the user sees a calm page. */
export const handleError: HandleServerError = async ({ error, event, status, message }) => {
	const runtime = await getRuntime(env).catch(() => null);
	const id = crypto.randomUUID();
	if (status >= 500) {
		runtime?.log.error(
			{
				err: error,
				id,
				method: event.request.method,
				path: event.url.pathname,
				user: event.locals.user?.id
			},
			'unexpected error'
		);
	}
	if (status < 500) return { message, code: id };
	// In the asker's language: this text reaches the calm error page, src/error.html and JSON callers.
	const locale = requestLocale(event.request, event.locals.user);
	return { message: m.error_500_text({}, { locale }), code: id };
};
