import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { request as httpRequest } from 'node:http';
import { type Database } from '../../src/lib/server/db/index.ts';
import { SESSION_COOKIE } from '../../src/lib/server/auth/sessions.ts';
import { LARGEST_BODY_LIMIT } from '../../src/lib/server/http/limits.ts';
import { drivers, type Driver } from '../support/db.ts';
import { createTestUser } from '../support/factories.ts';
import {
	childDatabase,
	builtAppServes,
	spawnRelais,
	type RelaisProcess
} from '../support/process.ts';
import { isSameOriginPath, OPEN_REDIRECT_PAYLOADS, payloadFor } from '../support/open-redirects.ts';
import { startTestServer } from '../support/server.ts';

// Redirects, origins and headers of the built app (build/ served by server/index.ts, a child
// process), over HTTP as browsers and attackers send them: every place that redirects to a target
// the request chose walks the open-redirect corpus; state-changing requests from another origin
// are refused whatever their content type; every answer carries the security headers.

const built = builtAppServes('(auth)/login');
const title = built
	? 'redirects, origins and headers over HTTP'
	: 'redirects, origins and headers over HTTP (skipped: no build — run `npm run build` first)';

const PASSWORD = 'correct horse battery staple';
const EVIL = 'https://evil.example';
const LIVEKIT = 'wss://livekit.example.test';

type App = { relais: RelaisProcess; url: string; cleanups: (() => Promise<void> | void)[] };

/** A database for one server process, with `prepare` run on it before the process opens it. */
async function startApp(
	driver: Driver,
	extraEnv: Record<string, string>,
	prepare: (db: Database['db']) => Promise<void> = async () => {}
): Promise<App> {
	const cleanups: (() => Promise<void> | void)[] = [];
	const child = await childDatabase(driver);
	cleanups.push(child.remove);
	const { env } = child;
	// PGlite serves one process: prepare the data before the server opens it.
	const database = await child.open();
	try {
		await prepare(database.db);
	} finally {
		await database.close();
	}
	const relais = spawnRelais({
		env: {
			...env,
			RELAIS_HANDLER: undefined,
			LOG_LEVEL: 'error',
			ORIGIN: undefined,
			PROTOCOL_HEADER: undefined,
			...extraEnv
		}
	});
	return { relais, url: await relais.listening, cleanups };
}

async function stopApp(app: App | undefined): Promise<void> {
	if (!app) return;
	app.relais.kill();
	await app.relais.exited;
	for (const cleanup of app.cleanups) await cleanup();
}

function expectSecurityHeaders(response: Response, what: string): void {
	expect(response.headers.get('x-content-type-options'), what).toBe('nosniff');
	expect(response.headers.get('referrer-policy'), what).toBe('strict-origin-when-cross-origin');
	expect(response.headers.get('x-frame-options'), what).toBe('DENY');
	expect(response.headers.get('permissions-policy'), what).toContain('camera=(self)');
}

/** The Set-Cookie line of `name`, or undefined. */
function setCookie(response: Response, name: string): string | undefined {
	return response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

const decodeAttribute = (value: string) =>
	value
		.replace(/&quot;/g, '"')
		.replace(/&#39;|&apos;/g, "'")
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&amp;/g, '&');

describe.runIf(built).each(drivers())(`${title} on %s`, { timeout: 180_000 }, (driver) => {
	let app: App;
	let https: App;
	let url: string;
	let email: string;

	beforeAll(async () => {
		[app, https] = await Promise.all([
			startApp(driver, { LIVEKIT_URL: LIVEKIT }, async (db) => {
				email = (await createTestUser(db, { role: 'rep', password: PASSWORD })).user.email;
			}),
			// Behind a TLS proxy that says so (adapter-node's PROTOCOL_HEADER).
			startApp(driver, { PROTOCOL_HEADER: 'x-forwarded-proto' })
		]);
		url = app.url;
	});

	afterAll(async () => {
		await Promise.all([stopApp(app), stopApp(https)]);
	});

	/** Signs in through the form as a browser without JavaScript; the answer, unread. */
	function postLogin(next: string, headers: Record<string, string> = {}) {
		return fetch(`${url}/login`, {
			method: 'POST',
			headers: {
				origin: url,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded',
				...headers
			},
			body: new URLSearchParams({ email, password: PASSWORD, next }),
			redirect: 'manual'
		});
	}

	async function signIn(): Promise<string> {
		const response = await postLogin('/');
		expect(response.status).toBe(303);
		const line = setCookie(response, SESSION_COOKIE);
		expect(line).toBeDefined();
		return line!.split(';')[0];
	}

	/** Whether the session cookie still opens the signed-in home page. */
	async function sessionWorks(cookie: string): Promise<boolean> {
		const response = await fetch(`${url}/`, { headers: { cookie }, redirect: 'manual' });
		await response.arrayBuffer();
		return response.status === 200;
	}

	/** A redirect answer to `target` must stay on this site; a refusal must be a 4xx. */
	async function expectSafe(response: Response, target: string, control?: boolean) {
		await response.arrayBuffer();
		const what = JSON.stringify(target);
		expect(response.status, what).toBeLessThan(500);
		if (control && response.status === 400) return;
		expect(response.status, what).toBe(303);
		const location = response.headers.get('location');
		expect(isSameOriginPath(location, url), `${what} → ${location}`).toBe(true);
		expect(new URL(location!, url).origin, what).toBe(url);
	}

	describe('redirects to a target the request chose', () => {
		it('keeps sign-in’s next= on this site for every known open-redirect payload', async () => {
			for (const payload of OPEN_REDIRECT_PAYLOADS) {
				const target = payloadFor(payload, url);
				await expectSafe(await postLogin(target), target, payload.control);
			}
		});

		it('keeps the signed-in visit of /login?next= on this site', async () => {
			const cookie = await signIn();
			for (const payload of OPEN_REDIRECT_PAYLOADS) {
				const target = payloadFor(payload, url);
				const response = await fetch(`${url}/login?next=${encodeURIComponent(target)}`, {
					headers: { cookie },
					redirect: 'manual'
				});
				await expectSafe(response, target, payload.control);
			}
		});

		it('puts only a path of this site in the sign-in form’s hidden next field', async () => {
			for (const payload of OPEN_REDIRECT_PAYLOADS) {
				const target = payloadFor(payload, url);
				const response = await fetch(`${url}/login?next=${encodeURIComponent(target)}`);
				const html = await response.text();
				// A control character in the query string is refused at the edge: no page, no field.
				if (payload.control && response.status === 400) continue;
				expect(response.status, JSON.stringify(target)).toBe(200);
				const value = /<input type="hidden" name="next" value="([^"]*)"/.exec(html)?.[1];
				expect(value, target).toBeDefined();
				const next = decodeAttribute(value!);
				expect(next === '' || isSameOriginPath(next, url), `${target} → ${next}`).toBe(true);
			}
		});

		it('keeps the language switch’s redirectTo on this site, signed in or not', async () => {
			const cookie = await signIn();
			for (const headers of [{}, { cookie }] as Record<string, string>[]) {
				for (const payload of OPEN_REDIRECT_PAYLOADS) {
					const target = payloadFor(payload, url);
					for (const locale of ['fr', 'klingon']) {
						const response = await fetch(`${url}/locale`, {
							method: 'POST',
							headers: {
								...headers,
								origin: url,
								'content-type': 'application/x-www-form-urlencoded'
							},
							body: new URLSearchParams({ locale, redirectTo: target }),
							redirect: 'manual'
						});
						await expectSafe(response, target, payload.control);
					}
				}
			}
		});

		it('sends an ended session to sign in with a next= of this site', async () => {
			const cookie = `${SESSION_COOKIE}=ended-or-forged`;
			for (const path of [
				'/accounts',
				'/accounts?next=//evil.example',
				'//evil.example/accounts',
				'/accounts/..//evil.example',
				'/%2F%2Fevil.example',
				'/\\evil.example'
			]) {
				const response = await fetch(`${url}${path}`, { headers: { cookie }, redirect: 'manual' });
				await response.arrayBuffer();
				expect(response.status, path).toBeLessThan(500);
				const location = response.headers.get('location');
				if (location === null) continue;
				expect(isSameOriginPath(location, url), `${path} → ${location}`).toBe(true);
				const next = new URL(location, url).searchParams.get('next');
				if (next !== null) expect(isSameOriginPath(next, url), `${path} → ${next}`).toBe(true);
			}
		});

		it('still follows a next= of this site after sign-in', async () => {
			const response = await postLogin('/accounts?stage=won#list');
			expect(response.status).toBe(303);
			expect(response.headers.get('location')).toBe('/accounts?stage=won#list');
		});
	});

	describe('requests from another origin', () => {
		for (const path of ['/logout', '/logout/everywhere']) {
			it(`refuses ${path} posted from another site without body or content type, and the session lives on`, async () => {
				const cookie = await signIn();
				const refused: Record<string, string>[] = [
					{ origin: EVIL },
					{ origin: 'null' },
					{ 'sec-fetch-site': 'cross-site' },
					{ 'sec-fetch-site': 'same-site' },
					{}
				];
				for (const headers of refused) {
					const response = await fetch(`${url}${path}`, {
						method: 'POST',
						headers: { cookie, accept: 'text/html', 'accept-language': 'fr', ...headers },
						redirect: 'manual'
					});
					const body = await response.text();
					expect(response.status, JSON.stringify(headers)).toBe(403);
					expect(body).toContain('Relais l’a refusée');
					expectSecurityHeaders(response, `${path} refused`);
				}
				expect(await sessionWorks(cookie)).toBe(true);
			});
		}

		it('signs out from this site, by Origin or by Sec-Fetch-Site', async () => {
			const first = await signIn();
			const out = await fetch(`${url}/logout`, {
				method: 'POST',
				headers: { cookie: first, origin: url },
				redirect: 'manual'
			});
			expect(out.status).toBe(303);
			expect(out.headers.get('location')).toBe('/login?reason=signed-out');
			expect(await sessionWorks(first)).toBe(false);

			const second = await signIn();
			const everywhere = await fetch(`${url}/logout/everywhere`, {
				method: 'POST',
				headers: { cookie: second, 'sec-fetch-site': 'same-origin' },
				redirect: 'manual'
			});
			expect(everywhere.status).toBe(303);
			expect(await sessionWorks(second)).toBe(false);
		});

		it('refuses a JSON post from another origin with a readable JSON answer', async () => {
			const cookie = await signIn();
			const forged: [string, unknown][] = [
				['/api/feed/posts', { channelId: crypto.randomUUID(), body: 'forged' }],
				// The notifications endpoint has no origin check of its own: handleOrigin is the one.
				['/api/notifications', { all: true }],
				// Plan history and comments: no origin check of their own either.
				[`/api/plans/${crypto.randomUUID()}/versions`, { document: 'shared', name: 'forged' }],
				[`/api/plans/${crypto.randomUUID()}/comments`, { document: 'shared', body: 'forged' }]
			];
			for (const [path, body] of forged) {
				const response = await fetch(`${url}${path}`, {
					method: 'POST',
					headers: { cookie, origin: EVIL, 'content-type': 'application/json', accept: '*/*' },
					body: JSON.stringify(body)
				});
				expect(response.status, path).toBe(403);
				expect(await response.json()).toEqual({
					message:
						'This request came from another site, so Relais refused it. Open Relais yourself and try again from there.',
					code: 'CROSS_ORIGIN'
				});
			}
		});

		it('answers a body that is not JSON in the reader’s language', async () => {
			const cookie = await signIn();
			const answers: Record<string, string> = {
				fr: 'Le corps de la demande doit être du JSON.',
				en: 'The request body must be JSON.'
			};
			for (const [locale, message] of Object.entries(answers)) {
				const response = await fetch(`${url}/api/notifications`, {
					method: 'POST',
					headers: {
						cookie: `${cookie}; PARAGLIDE_LOCALE=${locale}`,
						origin: url,
						'content-type': 'application/json'
					},
					body: 'not json'
				});
				expect(response.status, locale).toBe(400);
				// Every JSON refusal has the same shape: { message, code, key } (http/edge.ts).
				expect(await response.json()).toMatchObject({ message, code: 'INVALID' });
			}
		});

		it('refuses a form from another origin readably: a page, or an ActionResult for enhance', async () => {
			const form = new URLSearchParams({ email, password: PASSWORD, next: '/' });
			const page = await fetch(`${url}/login`, {
				method: 'POST',
				headers: {
					origin: EVIL,
					accept: 'text/html',
					'accept-language': 'fr',
					'content-type': 'application/x-www-form-urlencoded'
				},
				body: form,
				redirect: 'manual'
			});
			expect(page.status).toBe(403);
			expect(page.headers.get('content-type')).toContain('text/html');
			expect(await page.text()).toContain('<h1>Demande refusée</h1>');
			expect(setCookie(page, SESSION_COOKIE)).toBeUndefined();

			const enhanced = await fetch(`${url}/login`, {
				method: 'POST',
				headers: {
					origin: EVIL,
					accept: 'application/json',
					'x-sveltekit-action': 'true',
					'content-type': 'application/x-www-form-urlencoded'
				},
				body: form
			});
			expect(enhanced.status).toBe(403);
			const result = (await enhanced.json()) as { type: string; status: number };
			expect(result).toMatchObject({ type: 'failure', status: 403 });
		});

		it('answers the language switch posted as JSON or without content type, never a 500', async () => {
			const bodies: { headers: Record<string, string>; body?: string }[] = [
				{ headers: { 'content-type': 'application/json' }, body: '{"locale":"fr"}' },
				{ headers: {}, body: undefined },
				{ headers: { 'content-type': 'text/plain' }, body: 'locale=fr' },
				{ headers: { 'content-type': 'multipart/form-data' }, body: 'broken' }
			];
			for (const init of bodies) {
				const response = await fetch(`${url}/locale`, {
					method: 'POST',
					headers: { origin: url, ...init.headers },
					body: init.body,
					redirect: 'manual'
				});
				await expectSafe(response, JSON.stringify(init));
			}
		});
	});

	describe('headers', () => {
		it('gives pages a CSP with a nonce, no inline scripts, and this origin’s connections', async () => {
			const response = await fetch(`${url}/login`);
			const html = await response.text();
			expectSecurityHeaders(response, 'the sign-in page');
			expect(response.headers.get('strict-transport-security')).toBeNull();
			const policy = response.headers.get('content-security-policy') ?? '';
			const directives = new Map(
				policy
					.split(';')
					.map((d) => d.trim().split(/\s+/))
					.filter((d) => d[0])
					.map(([name, ...values]) => [name, values])
			);
			const scriptSrc = directives.get('script-src') ?? [];
			expect(scriptSrc).toContain("'self'");
			expect(scriptSrc).not.toContain("'unsafe-inline'");
			const nonce = scriptSrc.find((s) => s.startsWith("'nonce-"))?.slice(7, -1);
			expect(nonce).toBeTruthy();
			expect(html).toContain(`<script nonce="${nonce}"`);
			expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
			expect(directives.get('object-src')).toEqual(["'none'"]);
			expect(directives.get('base-uri')).toEqual(["'self'"]);
			expect(directives.get('form-action')).toEqual(["'self'"]);
			const host = new URL(url).host;
			expect(directives.get('connect-src')).toEqual([
				"'self'",
				`ws://${host}/collab`,
				LIVEKIT,
				LIVEKIT.replace('wss:', 'https:')
			]);
		});

		it('puts the headers on the ended-session answers, a 404, errors and server/’s own answers', async () => {
			const ended = `${SESSION_COOKIE}=ended-or-forged`;
			const answers: [string, Promise<Response>, number][] = [
				[
					'ended session, page',
					fetch(`${url}/accounts`, { headers: { cookie: ended }, redirect: 'manual' }),
					303
				],
				[
					'ended session, API',
					fetch(`${url}/api/notifications`, { headers: { cookie: ended } }),
					401
				],
				['404 page', fetch(`${url}/no-such-page`, { headers: { accept: 'text/html' } }), 404],
				['404 JSON', fetch(`${url}/api/no-such-endpoint`), 404],
				['malformed URL', fetch(`${url}/%E0%A4%A`), 400],
				['health', fetch(`${url}/healthz`), 200]
			];
			for (const [what, pending, status] of answers) {
				const response = await pending;
				await response.arrayBuffer();
				expect(response.status, what).toBe(status);
				expectSecurityHeaders(response, what);
			}
		});

		it('puts the headers on server/’s 413, answered before the app', async () => {
			const response = await new Promise<{ status: number; headers: Headers }>(
				(resolve, reject) => {
					const req = httpRequest(`${url}/login`, {
						method: 'POST',
						headers: {
							origin: url,
							'content-type': 'application/octet-stream',
							'content-length': String(LARGEST_BODY_LIMIT + 1)
						}
					});
					req.on('response', (res) => {
						const headers = new Headers();
						for (const [name, value] of Object.entries(res.headers)) {
							if (typeof value === 'string') headers.set(name, value);
						}
						resolve({ status: res.statusCode ?? 0, headers });
						req.destroy();
					});
					req.on('error', reject);
					req.flushHeaders();
				}
			);
			expect(response.status).toBe(413);
			expectSecurityHeaders(new Response(null, { headers: response.headers }), '413');
		});

		it('sets the language cookie without Secure over http', async () => {
			const first = await fetch(`${url}/login`, { headers: { 'accept-language': 'fr' } });
			await first.arrayBuffer();
			const visit = setCookie(first, 'PARAGLIDE_LOCALE');
			expect(visit).toMatch(/^PARAGLIDE_LOCALE=fr;/);
			expect(visit).not.toMatch(/;\s*Secure/i);

			const switched = await fetch(`${url}/locale`, {
				method: 'POST',
				headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ locale: 'en', redirectTo: '/login' }),
				redirect: 'manual'
			});
			expect(switched.status).toBe(303);
			expect(setCookie(switched, 'PARAGLIDE_LOCALE')).not.toMatch(/;\s*Secure/i);

			const signedIn = await postLogin('/');
			expect(signedIn.status).toBe(303);
			expect(setCookie(signedIn, 'PARAGLIDE_LOCALE')).not.toMatch(/;\s*Secure/i);
		});

		it('sets the language cookie Secure and sends HSTS when the request is https', async () => {
			const page = await fetch(`${https.url}/login`, {
				headers: { 'accept-language': 'fr', 'x-forwarded-proto': 'https' }
			});
			await page.arrayBuffer();
			expect(setCookie(page, 'PARAGLIDE_LOCALE')).toMatch(/;\s*Secure/i);
			expect(page.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
			expectSecurityHeaders(page, 'https page');
			expect(page.headers.get('content-security-policy')).toContain(
				`wss://${new URL(https.url).host}/collab`
			);

			const switched = await fetch(`${https.url}/locale`, {
				method: 'POST',
				headers: {
					origin: https.url.replace('http:', 'https:'),
					'x-forwarded-proto': 'https',
					'content-type': 'application/x-www-form-urlencoded'
				},
				body: new URLSearchParams({ locale: 'en', redirectTo: '/login' }),
				redirect: 'manual'
			});
			expect(switched.status).toBe(303);
			expect(setCookie(switched, 'PARAGLIDE_LOCALE')).toMatch(/;\s*Secure/i);
			expect(switched.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);

			const plain = await fetch(`${https.url}/healthz`, {
				headers: { 'x-forwarded-proto': 'http' }
			});
			await plain.arrayBuffer();
			expect(plain.headers.get('strict-transport-security')).toBeNull();
		});
	});
});

describe('server/’s own 500', () => {
	it('carries the security headers', async () => {
		const server = await startTestServer({
			collab: false,
			handler: () => {
				throw new Error('boom');
			}
		});
		try {
			const response = await fetch(`${server.url}/anything`);
			await response.arrayBuffer();
			expect(response.status).toBe(500);
			expectSecurityHeaders(response, 'server 500');
		} finally {
			await server.stop();
		}
	});
});

// A real 500 in the built app: the notifications table is dropped before the server starts, so
// every signed-in page (the layout counts unread notifications) and the notifications endpoint fail.
describe.runIf(built).each(drivers())(
	'the calm 500 answer on %s',
	{ timeout: 180_000 },
	(driver) => {
		let app: App;
		let email: string;

		beforeAll(async () => {
			app = await startApp(driver, {}, async (db) => {
				email = (await createTestUser(db, { role: 'rep', password: PASSWORD })).user.email;
				await db.execute(sql`drop table notifications cascade`);
			});
		});

		afterAll(async () => {
			await stopApp(app);
		});

		async function signIn(): Promise<string> {
			const response = await fetch(`${app.url}/login`, {
				method: 'POST',
				headers: { origin: app.url, 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ email, password: PASSWORD, next: '/' }),
				redirect: 'manual'
			});
			await response.arrayBuffer();
			const line = setCookie(response, SESSION_COOKIE);
			expect(line).toBeDefined();
			return line!.split(';')[0];
		}

		const TEXT = {
			en: 'Something went wrong on our side. Please try again in a moment.',
			fr: 'Un problème est survenu de notre côté. Réessayez dans un instant.'
		};

		for (const [locale, other] of [
			['fr', 'en'],
			['en', 'fr']
		] as const) {
			it(`says what happened in ${locale}, on a page and in JSON, with the security headers`, async () => {
				const cookie = `${await signIn()}; PARAGLIDE_LOCALE=${locale}`;
				const page = await fetch(`${app.url}/notifications`, {
					headers: { cookie, accept: 'text/html' }
				});
				const html = await page.text();
				expect(page.status).toBe(500);
				expect(html).toContain(TEXT[locale]);
				expect(html).not.toContain(TEXT[other]);
				expectSecurityHeaders(page, `${locale} page`);
				const api = await fetch(`${app.url}/api/notifications`, { headers: { cookie } });
				expect(api.status).toBe(500);
				expect(((await api.json()) as { message: string }).message).toBe(TEXT[locale]);
			});
		}
	}
);
