// Cross-site request forgery: a state-changing request is served only when the browser says it
// comes from a page of this site. This replaces SvelteKit's own check (turned off in
// svelte.config.js), which looks only at form content types (a POST without a body or content
// type, such as signing out, passed) and answers in English plain text before any hook runs.
import type { Handle } from '@sveltejs/kit';
import { m } from '../../paraglide/messages.js';
import { extractLocaleFromRequest } from '../../paraglide/runtime.js';
import { actionFailure } from './body-limit.ts';

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

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function refusalPage(title: string, message: string, back: string, locale: string): string {
	return `<!doctype html>
<html lang="${escapeHtml(locale)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} — Relais</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;line-height:1.5;color:#1f2933}a{color:#1d4ed8}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/">${escapeHtml(back)}</a></p></main></body>
</html>`;
}

/** Reads a refused body to its end, dropping it, so that the client sees the answer (body-limit.ts). */
async function dropBody(body: ReadableStream<Uint8Array>): Promise<void> {
	const reader = body.getReader();
	while (!(await reader.read()).done) {
		// dropped
	}
}

/**
 * The readable 403, shaped like the 413 of body-limit.ts: an ActionResult for forms enhanced with
 * JavaScript, a page for browsers, `{ message }` JSON otherwise (and always for /api/*). The
 * language comes from the request (the cookie, else Accept-Language): a cross-site request
 * carries no SameSite=Lax cookie, so there is no signed-in person to ask.
 */
export function crossOriginResponse(request: Request, routeId: string | null): Response {
	const locale = extractLocaleFromRequest(request);
	const message = m.error_cross_origin({}, { locale });
	const headers = { 'content-language': locale, 'cache-control': 'no-store' };
	if (request.body) dropBody(request.body).catch(() => {});
	if (request.headers.get('x-sveltekit-action') === 'true') {
		return Response.json(actionFailure(403, message), { status: 403, headers });
	}
	const api = routeId?.startsWith('/api/') ?? false;
	if (!api && (request.headers.get('accept') ?? '').includes('text/html')) {
		const page = refusalPage(
			m.error_cross_origin_title({}, { locale }),
			message,
			m.error_back_home({}, { locale }),
			locale
		);
		return new Response(page, {
			status: 403,
			headers: { ...headers, 'content-type': 'text/html; charset=utf-8' }
		});
	}
	return Response.json({ message, code: 'CROSS_ORIGIN' }, { status: 403, headers });
}

/** The hook: first of the sequence after the headers, so nothing (no session lookup) runs for a forged request. */
export const handleOrigin: Handle = ({ event, resolve }) => {
	if (refusesOrigin(event.request, event.url.origin, event.route.id)) {
		return crossOriginResponse(event.request, event.route.id);
	}
	return resolve(event);
};
