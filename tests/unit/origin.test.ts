import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
	crossOriginResponse,
	refusesOrigin,
	requestSite,
	SIGNATURE_AUTHENTICATED_ROUTES
} from '../../src/lib/server/http/origin.ts';
import {
	connectSources,
	securityHeaders,
	withConnectSources
} from '../../src/lib/server/http/security-headers.ts';

const APP = 'https://relais.example.com';
const request = (method: string, headers: Record<string, string> = {}) => ({
	method,
	headers: new Headers(headers)
});

describe('the origin check', () => {
	it('refuses every state-changing method unless the browser says it comes from this site', () => {
		for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'PROPFIND']) {
			expect(refusesOrigin(request(method, { origin: APP }), APP, '/logout')).toBe(false);
			expect(refusesOrigin(request(method, { 'sec-fetch-site': 'same-origin' }), APP, null)).toBe(
				false
			);
			const refused: Record<string, string>[] = [
				{ origin: 'https://evil.example' },
				{ origin: 'null' },
				{ origin: 'http://relais.example.com' },
				{ origin: 'https://relais.example.com.evil.example' },
				{ 'sec-fetch-site': 'cross-site' },
				{ 'sec-fetch-site': 'same-site' },
				{ 'sec-fetch-site': 'none' },
				// Origin decides when both are there.
				{ origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' },
				{}
			];
			for (const headers of refused) {
				expect(
					refusesOrigin(request(method, headers), APP, '/logout'),
					JSON.stringify(headers)
				).toBe(true);
			}
		}
	});

	it('never checks GET, HEAD and OPTIONS', () => {
		for (const method of ['GET', 'HEAD', 'OPTIONS']) {
			expect(refusesOrigin(request(method, { origin: 'https://evil.example' }), APP, '/')).toBe(
				false
			);
		}
	});

	it('tells where a request comes from', () => {
		expect(requestSite(new Headers({ origin: APP }), APP)).toBe('same-origin');
		expect(requestSite(new Headers({ 'sec-fetch-site': 'cross-site' }), APP)).toBe('cross-origin');
		expect(requestSite(new Headers(), APP)).toBe('unknown');
	});

	// SIGNATURE-AUTHENTICATED ROUTES skip the origin check. A route joins this list only when every
	// request it serves is verified by a signature over its body (a webhook), never by the session
	// cookie: add it here, in the same change that verifies that signature.
	it('lets only the signature-authenticated webhooks skip the check, and they exist', () => {
		const expected: string[] = [];
		expect([...SIGNATURE_AUTHENTICATED_ROUTES].sort()).toEqual(expected);
		for (const route of SIGNATURE_AUTHENTICATED_ROUTES) {
			expect(route.startsWith('/api/'), route).toBe(true);
			expect(existsSync(join('src/routes', route, '+server.ts')), route).toBe(true);
			expect(refusesOrigin(request('POST'), APP, route)).toBe(false);
		}
		expect(refusesOrigin(request('POST'), APP, '/api/webhooks/unlisted')).toBe(true);
	});

	it('answers in the asker’s language, shaped for who asked', async () => {
		const enhanced = crossOriginResponse(
			new Request(`${APP}/logout`, {
				method: 'POST',
				headers: { 'x-sveltekit-action': 'true', 'accept-language': 'fr-FR' }
			})
		);
		expect(enhanced.status).toBe(403);
		const result = (await enhanced.json()) as { type: string; status: number; data: string };
		expect(result.type).toBe('failure');
		expect(JSON.parse(result.data)[1]).toContain('Relais l’a refusée');

		const page = crossOriginResponse(
			new Request(`${APP}/logout`, { method: 'POST', headers: { accept: 'text/html' } })
		);
		expect(page.headers.get('content-type')).toContain('text/html');
		expect(await page.text()).toContain('<h1>Request refused</h1>');

		const api = crossOriginResponse(
			new Request(`${APP}/api/feed/posts`, {
				method: 'POST',
				headers: { accept: 'text/html,*/*', 'content-type': 'application/json' },
				body: '{}'
			})
		);
		expect(api.headers.get('content-type')).toContain('application/json');
		expect(await api.json()).toEqual({
			message:
				'This request came from another site, so Relais refused it. Open Relais yourself and try again from there.',
			code: 'CROSS_ORIGIN'
		});
	});
});

describe('security headers', () => {
	it('adds HSTS only over https', () => {
		expect(securityHeaders(false)['strict-transport-security']).toBeUndefined();
		expect(securityHeaders(true)['strict-transport-security']).toMatch(/^max-age=\d{8,}/);
		expect(securityHeaders(false)['x-content-type-options']).toBe('nosniff');
	});

	it('lets pages connect to this origin’s /collab and to LiveKit when configured', () => {
		expect(connectSources(new URL('http://127.0.0.1:3000/x'))).toEqual([
			'ws://127.0.0.1:3000/collab'
		]);
		expect(
			connectSources(new URL('https://relais.example.com/'), 'wss://livekit.example.com:7880')
		).toEqual([
			'wss://relais.example.com/collab',
			'wss://livekit.example.com:7880',
			'https://livekit.example.com:7880'
		]);
		expect(connectSources(new URL('https://r.example/'), 'not a url')).toHaveLength(1);
		expect(connectSources(new URL('https://r.example/'), 'javascript:alert(1)')).toHaveLength(1);
		expect(
			withConnectSources("default-src 'self'; connect-src 'self'; object-src 'none'", [
				'wss://a.example/collab'
			])
		).toBe("default-src 'self'; connect-src 'self' wss://a.example/collab; object-src 'none'");
		// A route's own policy without connect-src (a feed file) keeps its default-src.
		expect(withConnectSources("default-src 'none'; sandbox", ['wss://a.example/collab'])).toBe(
			"default-src 'none'; sandbox"
		);
	});
});
