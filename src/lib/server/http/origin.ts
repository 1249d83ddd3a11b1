// Cross-site request forgery: a state-changing request is served only when the browser says it
// comes from a page of this site. This replaces SvelteKit's own check (turned off in
// svelte.config.js), which looks only at form content types (a POST without a body or content
// type, such as signing out, passed) and answers in English plain text before any hook runs.
import type { Handle } from '@sveltejs/kit';
import { m } from '../../paraglide/messages.js';
import { requestLocale } from './locale.ts';
import { refusalResponse } from './refusal.ts';

/**
 * SIGNATURE-AUTHENTICATED ROUTES — the only exception to the origin check. A route belongs here
 * only when every request it serves is authenticated by a signature over its body (a webhook,
 * e.g. LiveKit's), never by the session cookie: another site cannot forge that signature, and
 * such callers send no Origin. SvelteKit route ids; tests/unit/origin.test.ts lists what is
 * allowed here, so adding one is a reviewed change.
 */
export const SIGNATURE_AUTHENTICATED_ROUTES: ReadonlySet<string> = new Set<string>([]);

/** Methods that change nothing (HTTP semantics; the app keeps to them): never checked. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type RequestSite = 'same-origin' | 'cross-origin' | 'unknown';

/**
 * Where the browser says the request comes from: the Origin header (sent by every current
 * browser on every non-GET request, `null` from opaque contexts), else Sec-Fetch-Site.
 */
export function requestSite(headers: Headers, appOrigin: string): RequestSite {
	const origin = headers.get('origin');
	if (origin !== null) return origin === appOrigin ? 'same-origin' : 'cross-origin';
	const site = headers.get('sec-fetch-site');
	if (site !== null) return site === 'same-origin' ? 'same-origin' : 'cross-origin';
	return 'unknown';
}

/**
 * Whether the request must be refused. A state-changing request with neither header is refused
 * too, as SvelteKit did for forms: browsers always send one of them, so such a request comes from
 * a script or a tool, and an API for those would authenticate by signature or token (listed
 * above), not by the cookie this check protects.
 */
export function refusesOrigin(
	request: Pick<Request, 'method' | 'headers'>,
	appOrigin: string,
	routeId: string | null
): boolean {
	if (SAFE_METHODS.has(request.method)) return false;
	if (routeId !== null && SIGNATURE_AUTHENTICATED_ROUTES.has(routeId)) return false;
	return requestSite(request.headers, appOrigin) !== 'same-origin';
}

/**
 * The readable 403 (refusal.ts). The language comes from the request (the cookie, else
 * Accept-Language): a cross-site request carries no SameSite=Lax cookie, so there is no signed-in
 * person to ask.
 */
export function crossOriginResponse(request: Request): Response {
	const locale = requestLocale(request);
	return refusalResponse(request, {
		status: 403,
		message: m.error_cross_origin({}, { locale }),
		title: m.error_cross_origin_title({}, { locale }),
		locale,
		back: { href: '/', text: m.error_back_home({}, { locale }) },
		code: 'CROSS_ORIGIN'
	});
}

/** The hook: first of the sequence after the headers, so nothing (no session lookup) runs for a forged request. */
export const handleOrigin: Handle = ({ event, resolve }) => {
	if (refusesOrigin(event.request, event.url.origin, event.route.id)) {
		return crossOriginResponse(event.request);
	}
	return resolve(event);
};
