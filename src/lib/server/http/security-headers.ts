// The headers every answer carries, whoever builds it: SvelteKit's pages and endpoints (the hook),
// and what server/http.ts answers itself or lets SvelteKit answer outside the hooks (/healthz, its
// 413, 404 and 500, redirects thrown by a hook, a malformed URL). The Content-Security-Policy of
// HTML pages is SvelteKit's `kit.csp` (svelte.config.js, a nonce per page); what only the running
// process knows (its WebSocket origin, LIVEKIT_URL) is appended to its connect-src here.
import type { Handle } from '@sveltejs/kit';
import { COLLAB_PATH } from '../../shared/collab.ts';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'strict-origin-when-cross-origin',
	'x-frame-options': 'DENY',
	'permissions-policy': 'camera=(self), microphone=(self), display-capture=(self)'
};

/** One year, the usual minimum for browsers' preload lists; only ever sent over https. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** The headers for an answer; HSTS only when the site is served over https. */
export function securityHeaders(https: boolean): Record<string, string> {
	return https
		? { ...SECURITY_HEADERS, 'strict-transport-security': HSTS }
		: { ...SECURITY_HEADERS };
}

/**
 * What the page may connect to beyond 'self': the collaboration WebSocket of this origin (CSP 3
 * lets 'self' match ws: and wss:, older engines do not), and the LiveKit server when one is
 * configured (its WebSocket and the https calls livekit-client makes to the same host). A
 * LIVEKIT_URL that is not an http(s) or ws(s) URL adds nothing.
 */
export function connectSources(appUrl: URL, livekitUrl?: string | null): string[] {
	const secure = appUrl.protocol === 'https:';
	const sources = [`${secure ? 'wss' : 'ws'}://${appUrl.host}${COLLAB_PATH}`];
	if (!livekitUrl) return sources;
	let livekit: URL;
	try {
		livekit = new URL(livekitUrl);
	} catch {
		return sources;
	}
	const pairs: Record<string, [string, string]> = {
		'wss:': ['wss', 'https'],
		'https:': ['wss', 'https'],
		'ws:': ['ws', 'http'],
		'http:': ['ws', 'http']
	};
	const pair = pairs[livekit.protocol];
	if (!pair) return sources;
	return [...sources, ...pair.map((scheme) => `${scheme}://${livekit.host}`)];
}

/**
 * The policy with `sources` appended to its connect-src. A policy without one is left alone: it is
 * a route's own (a feed file's `default-src 'none'; sandbox`), whose default-src decides.
 */
export function withConnectSources(policy: string, sources: string[]): string {
	const directives = policy
		.split(';')
		.map((d) => d.trim())
		.filter(Boolean);
	const index = directives.findIndex((d) => d.split(/\s+/)[0].toLowerCase() === 'connect-src');
	if (index === -1 || sources.length === 0) return policy;
	directives[index] = `${directives[index]} ${sources.join(' ')}`;
	return directives.join('; ');
}

/** A response whose headers can be changed (a Response built by fetch or Response.redirect cannot). */
function mutable(response: Response): Response {
	try {
		response.headers.set('x-content-type-options', 'nosniff');
		return response;
	} catch {
		return new Response(response.body, response);
	}
}

/**
 * The hook, first of the sequence so that early answers of the other hooks (the ended session's
 * 401, the 403 of another origin, the 413) carry the headers too. `livekitUrl` is read per
 * request: it is runtime configuration, which svelte.config.js cannot know.
 */
export function createSecurityHeadersHandle(options: {
	livekitUrl: () => string | undefined;
}): Handle {
	return async ({ event, resolve }) => {
		const response = mutable(await resolve(event));
		for (const [name, value] of Object.entries(securityHeaders(event.url.protocol === 'https:'))) {
			response.headers.set(name, value);
		}
		const policy = response.headers.get('content-security-policy');
		if (policy) {
			response.headers.set(
				'content-security-policy',
				withConnectSources(policy, connectSources(event.url, options.livekitUrl()))
			);
		}
		return response;
	};
}
