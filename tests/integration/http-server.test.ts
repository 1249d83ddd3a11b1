import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { getRequest, setResponse } from '@sveltejs/kit/node';
import * as devalue from 'devalue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { NodeHandler } from '../../server/http.ts';
import { limitBody, routeBodyLimit } from '../../src/lib/server/http/body-limit.ts';
import {
	assertBodySize,
	BODY_LIMITS,
	bodyTooLargeMessage,
	BodyTooLargeError,
	IMPORT_BODY_LIMIT,
	LARGEST_BODY_LIMIT
} from '../../src/lib/server/http/limits.ts';
import { drivers } from '../support/db.ts';
import { migratedDataDir, spawnRelais, type RelaisProcess } from '../support/process.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

type Answer = { status: number; headers: IncomingHttpHeaders; body: string };

/**
 * A POST that declares `declared` bytes and sends up to `send` of them, like a browser uploading
 * a file; resolves with the answer even when the server stops reading.
 */
function post(
	url: string,
	options: { declared: number; send: number; headers?: Record<string, string> }
): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(url, {
			method: 'POST',
			headers: { 'content-length': String(options.declared), ...options.headers }
		});
		req.on('response', (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => (body += chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
		});
		// The server may cut the upload short once it has answered.
		req.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
		});
		const chunk = Buffer.alloc(Math.min(options.send, 1024 * 1024), 'x');
		let sent = 0;
		const pump = () => {
			while (sent < options.send) {
				const size = Math.min(chunk.length, options.send - sent);
				sent += size;
				if (!req.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
					req.once('drain', pump);
					return;
				}
			}
			if (sent === options.declared) req.end();
		};
		pump();
	});
}

// What a form route does with assertBodySize: a 413 with the readable message.
const formRoute: NodeHandler = (req, res) => {
	try {
		const headers = new Headers({ 'content-length': req.headers['content-length'] ?? '0' });
		assertBodySize({ headers }, BODY_LIMITS.default);
		req.resume();
		req.on('end', () => res.end('saved'));
	} catch (error) {
		if (!(error instanceof BodyTooLargeError)) throw error;
		res.writeHead(error.status, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ message: bodyTooLargeMessage(error.limitBytes, 'en') }));
		req.resume();
	}
};

/**
 * A POST whose body is sent without Content-Length (chunked), in 64 kB pieces; resolves with the
 * answer, and whether the upload was cut (reset, broken pipe) before it was all sent.
 */
function postChunked(
	url: string,
	options: { send: number; body?: string; headers?: Record<string, string> }
): Promise<Answer & { cut: boolean }> {
	return new Promise((resolve, reject) => {
		let cut = false;
		const req = httpRequest(url, { method: 'POST', headers: options.headers });
		req.on('response', (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => (body += chunk));
			res.on('end', () =>
				resolve({ status: res.statusCode ?? 0, headers: res.headers, body, cut })
			);
		});
		req.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code === 'EPIPE' || error.code === 'ECONNRESET') cut = true;
			else reject(error);
		});
		if (options.body !== undefined) {
			req.write(options.body);
			req.end();
			return;
		}
		const chunk = Buffer.alloc(64 * 1024, 'x');
		let sent = 0;
		const pump = () => {
			while (sent < options.send) {
				const size = Math.min(chunk.length, options.send - sent);
				sent += size;
				if (!req.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
					req.once('drain', pump);
					return;
				}
			}
			req.end();
		};
		pump();
	});
}

/**
 * An upload of `declared` bytes on a raw connection, sent whole even after an early answer, as
 * browsers do (Node's own client stops): resolves once the server closes the connection, with
 * what it answered and how the connection ended.
 */
function rawUpload(
	url: string,
	declared: number
): Promise<{ answer: string; sent: number; error?: string }> {
	const { port } = new URL(url);
	return new Promise((resolve) => {
		const socket = connect(Number(port), '127.0.0.1');
		let answer = '';
		let sent = 0;
		let error: string | undefined;
		socket.setEncoding('utf8');
		socket.on('data', (data: string) => (answer += data));
		socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
		// A server that stops reading leaves the upload stuck: give up after a while.
		const timer = setTimeout(() => {
			error ??= 'stalled';
			socket.destroy();
		}, 10_000);
		socket.on('close', () => {
			clearTimeout(timer);
			resolve({ answer, sent, error });
		});
		socket.write(
			`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${declared}\r\n` +
				'Content-Type: application/x-www-form-urlencoded\r\nAccept: text/html\r\n\r\n'
		);
		const chunk = Buffer.alloc(1024 * 1024, 'x');
		const pump = () => {
			while (sent < declared) {
				const size = Math.min(chunk.length, declared - sent);
				sent += size;
				if (!socket.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
					socket.once('drain', pump);
					return;
				}
			}
			socket.end();
		};
		pump();
	});
}

/** The data of a failed action as SvelteKit's `deserialize` reads it, or null for another shape. */
function actionFailureData(body: string): { status: number; data: unknown } | null {
	const result = JSON.parse(body) as { type?: string; status?: number; data?: string };
	if (result.type !== 'failure' || typeof result.data !== 'string') return null;
	return { status: result.status ?? 0, data: devalue.parse(result.data) };
}

const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };
// What SvelteKit's `enhance` sends with a form.
const ENHANCED = { ...FORM_HEADERS, accept: 'application/json', 'x-sveltekit-action': 'true' };

// A SvelteKit route behind the hook's body check (limitBody), through SvelteKit's own Node
// bridge as adapter-node uses it: the form is saved when its body fits in 1 MB.
const appRoute: NodeHandler = async (req, res) => {
	const request = await getRequest({
		request: req,
		base: 'http://127.0.0.1',
		bodySizeLimit: LARGEST_BODY_LIMIT
	});
	const checked = await limitBody(request, BODY_LIMITS.default, 'en');
	if ('response' in checked) return setResponse(res, checked.response);
	const form = await checked.request.formData();
	await setResponse(res, new Response(`saved ${String(form.get('note') ?? '').length}`));
};

describe.each(drivers())('the HTTP server on %s', (driver) => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startTestServer({ driver, handler: formRoute, connectionsPerMinute: 3 });
	});
	afterAll(async () => {
		await server?.stop();
	});

	it('answers /healthz with 200 when the database answers', async () => {
		const response = await fetch(`${server.url}/healthz`);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toContain('application/json');
		expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
	});

	it('answers /healthz with 503 when the database is gone', async () => {
		const broken = await startTestServer({ driver });
		try {
			// Stopping the runtime closes its database (and the live bus listening on it).
			await broken.runtime.stop();
			const response = await fetch(`${broken.url}/healthz`);
			expect(response.status).toBe(503);
			expect(await response.json()).toEqual({ status: 'error', database: 'unreachable' });
		} finally {
			await broken.stop();
		}
	});

	it('answers a body over 50 MB with a readable French page for a French browser', async () => {
		const answer = await post(server.url, {
			declared: LARGEST_BODY_LIMIT + 1,
			send: 2 * 1024 * 1024,
			headers: {
				accept: 'text/html,application/xhtml+xml',
				'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5'
			}
		});
		expect(answer.status).toBe(413);
		expect(answer.headers['content-type']).toContain('text/html');
		expect(answer.body).toContain('<html lang="fr">');
		expect(answer.body).toContain(
			'Ce fichier est trop volumineux\u00a0: la limite est de 50\u00a0Mo.'
		);
	});

	it('answers a body over 50 MB with a JSON message in English for other clients', async () => {
		const answer = await post(`${server.url}/api/import`, {
			declared: LARGEST_BODY_LIMIT + 1,
			send: 64 * 1024,
			headers: { accept: 'application/json', 'accept-language': 'en-GB' }
		});
		expect(answer.status).toBe(413);
		expect(JSON.parse(answer.body)).toEqual({
			message: 'This file is too large: the limit is 50 MB.'
		});
	});

	it('answers a form enhanced with JavaScript over 50 MB with a failed action the page shows', async () => {
		const answer = await post(server.url, {
			declared: LARGEST_BODY_LIMIT + 1,
			send: 64 * 1024,
			headers: { ...ENHANCED, 'accept-language': 'fr-FR,fr;q=0.9' }
		});
		expect(answer.status).toBe(413);
		expect(answer.headers['content-type']).toContain('application/json');
		expect(actionFailureData(answer.body)).toEqual({
			status: 413,
			data: { message: 'Ce fichier est trop volumineux\u00a0: la limite est de 50\u00a0Mo.' }
		});
	});

	it('reads and drops a refused upload to its end, so that the client still sending gets the answer', async () => {
		const declared = BODY_LIMITS.import + 2 * 1024 * 1024;
		const outcome = await rawUpload(server.url, declared);
		expect(outcome.error, 'the upload was cut before it was all sent').toBeUndefined();
		expect(outcome.sent).toBe(declared);
		expect(outcome.answer).toMatch(/^HTTP\/1\.1 413 /);
		expect(outcome.answer).toContain('This file is too large: the limit is 50 MB.');
	});

	it('lets a route refuse a form post over its 1 MB limit with a readable message', async () => {
		const answer = await post(server.url, {
			declared: BODY_LIMITS.default + 1,
			send: BODY_LIMITS.default + 1,
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		});
		expect(answer.status).toBe(413);
		expect(JSON.parse(answer.body)).toEqual({
			message: 'What you sent is too large: the limit is 1 MB.'
		});
		const small = await post(server.url, { declared: 2048, send: 2048 });
		expect(small).toMatchObject({ status: 200, body: 'saved' });
	});

	it('refuses more collaboration connections per minute than allowed from one address', async () => {
		const statuses: number[] = [];
		for (let i = 0; i < 4; i++) {
			statuses.push(
				await new Promise<number>((resolve, reject) => {
					const ws = new WebSocket(server.collabUrl, { headers: { origin: server.origin } });
					ws.on('open', () => {
						ws.close();
						resolve(101);
					});
					ws.on('unexpected-response', (_req, res) => {
						ws.terminate();
						resolve(res.statusCode ?? 0);
					});
					ws.on('error', reject);
				})
			);
		}
		expect(statuses).toEqual([101, 101, 101, 429]);
	});
});

describe('the body check of each route (the hook)', () => {
	let server: TestServer;
	beforeAll(async () => {
		server = await startTestServer({ handler: appRoute, collab: false });
	});
	afterAll(async () => {
		await server?.stop();
	});

	it('refuses a body sent without Content-Length once it passes the route’s limit', async () => {
		const answer = await postChunked(server.url, {
			send: BODY_LIMITS.default + 64 * 1024,
			headers: { ...FORM_HEADERS, accept: 'text/html' }
		});
		expect(answer.status).toBe(413);
		expect(answer.cut).toBe(false);
		expect(answer.headers['content-type']).toContain('text/html');
		expect(answer.body).toContain('What you sent is too large: the limit is 1 MB.');
	});

	it('answers an enhanced form sent without Content-Length with a failed action', async () => {
		const answer = await postChunked(server.url, {
			send: 3 * BODY_LIMITS.default,
			headers: ENHANCED
		});
		expect(answer.status).toBe(413);
		expect(actionFailureData(answer.body)).toEqual({
			status: 413,
			data: { message: 'What you sent is too large: the limit is 1 MB.' }
		});
	});

	it('answers an enhanced form declared over the limit with a failed action', async () => {
		const answer = await post(server.url, {
			declared: BODY_LIMITS.default + 1,
			send: BODY_LIMITS.default + 1,
			headers: ENHANCED
		});
		expect(answer.status).toBe(413);
		expect(actionFailureData(answer.body)?.data).toEqual({
			message: 'What you sent is too large: the limit is 1 MB.'
		});
	});

	it('reads and drops a body declared over the limit, so that the client still sending gets the answer', async () => {
		const declared = 8 * BODY_LIMITS.default;
		const outcome = await rawUpload(server.url, declared);
		expect(outcome.error, 'the upload was cut before it was all sent').toBeUndefined();
		expect(outcome.sent).toBe(declared);
		expect(outcome.answer).toMatch(/^HTTP\/1\.1 413 /);
		expect(outcome.answer).toContain('What you sent is too large: the limit is 1 MB.');
	});

	it('passes a body sent without Content-Length within the limit to the route, whole', async () => {
		// 600 kB once encoded (é is %C3%A9): within 1 MB.
		const note = 'é'.repeat(100_000);
		const answer = await postChunked(server.url, {
			send: 0,
			body: new URLSearchParams({ note }).toString(),
			headers: FORM_HEADERS
		});
		expect(answer).toMatchObject({ status: 200, body: `saved ${note.length}` });
	});
});

/** Whether build/ holds an app with the body check of this code (`npm run build`). */
function builtWithBodyCheck(): boolean {
	const dir = 'build/server';
	if (!existsSync('build/handler.js') || !existsSync(dir)) return false;
	return readdirSync(dir, { recursive: true, encoding: 'utf8' }).some(
		(file) =>
			file.endsWith('.js') && readFileSync(join(dir, file), 'utf8').includes('readBodyWithin')
	);
}

const BUILT = builtWithBodyCheck();

// The same checks in the real app (hooks.server.ts, the sign-in form's action) served by the
// production entry, which also ignores a BODY_SIZE_LIMIT from the environment.
describe.runIf(BUILT)(
	`the built app${BUILT ? '' : ' (skipped: run `npm run build`)'}`,
	{ timeout: 90_000 },
	() => {
		let relais: RelaisProcess;
		let removeData = () => {};
		let url: string;
		let origin: Record<string, string>;
		beforeAll(async () => {
			const data = await migratedDataDir();
			removeData = data.remove;
			relais = spawnRelais({
				env: {
					DATABASE_URL: undefined,
					RELAIS_DATA_DIR: data.dir,
					RELAIS_HANDLER: undefined,
					BODY_SIZE_LIMIT: '1024',
					LOG_LEVEL: 'warn'
				}
			});
			url = `${await relais.listening}/login`;
			origin = { origin: new URL(url).origin };
		});
		afterAll(async () => {
			relais?.kill();
			await relais?.exited;
			removeData();
		});

		it('refuses a sign-in form sent without Content-Length over 1 MB with a readable page', async () => {
			const answer = await postChunked(url, {
				send: 2 * BODY_LIMITS.default,
				headers: { ...FORM_HEADERS, ...origin, accept: 'text/html', 'accept-language': 'fr' }
			});
			expect(answer.status).toBe(413);
			expect(answer.body).toContain(
				'Ce que vous avez envoyé est trop volumineux\u00a0: la limite est de 1\u00a0Mo.'
			);
		});

		it('answers the same form enhanced with JavaScript with a failed action', async () => {
			const answer = await postChunked(url, {
				send: 2 * BODY_LIMITS.default,
				headers: { ...ENHANCED, ...origin, 'accept-language': 'en' }
			});
			expect(answer.status).toBe(413);
			expect(actionFailureData(answer.body)).toEqual({
				status: 413,
				data: { message: 'What you sent is too large: the limit is 1 MB.' }
			});
			const declared = await post(url, {
				declared: BODY_LIMITS.default + 1,
				send: BODY_LIMITS.default + 1,
				headers: { ...ENHANCED, ...origin, 'accept-language': 'en' }
			});
			expect(declared.status).toBe(413);
			expect(actionFailureData(declared.body)?.data).toEqual({
				message: 'What you sent is too large: the limit is 1 MB.'
			});
		});

		it('gives the action a body sent without Content-Length within the limit, above BODY_SIZE_LIMIT=1024', async () => {
			const body = new URLSearchParams({
				email: 'nobody@relais.test',
				password: 'not-the-password',
				padding: 'x'.repeat(8 * 1024)
			}).toString();
			const answer = await postChunked(url, { send: 0, body, headers: { ...ENHANCED, ...origin } });
			const failure = actionFailureData(answer.body);
			expect(failure?.status).toBe(400);
			expect(failure?.data).toMatchObject({ values: { email: 'nobody@relais.test' } });
			expect(relais.stdout() + relais.stderr()).toContain('BODY_SIZE_LIMIT is not a setting');
		});
	}
);

describe('body limits', () => {
	it('says the limit in the reader’s language', () => {
		expect(bodyTooLargeMessage(BODY_LIMITS.upload, 'fr')).toBe(
			'Ce fichier est trop volumineux\u00a0: la limite est de 10\u00a0Mo.'
		);
		expect(bodyTooLargeMessage(BODY_LIMITS.default, 'en')).toBe(
			'What you sent is too large: the limit is 1 MB.'
		);
	});

	it('leaves room for the multipart envelope around a CSV of exactly 50 MB, on its route only', () => {
		expect(routeBodyLimit('/(app)/imports/new')).toBe(IMPORT_BODY_LIMIT);
		expect(IMPORT_BODY_LIMIT).toBeGreaterThan(BODY_LIMITS.import);
		expect(LARGEST_BODY_LIMIT).toBe(IMPORT_BODY_LIMIT);
		expect(routeBodyLimit('/(app)/accounts/new')).toBe(BODY_LIMITS.default);
		expect(routeBodyLimit(null)).toBe(BODY_LIMITS.default);
	});

	it('leaves a body without a declared length to be counted while read', () => {
		expect(() => assertBodySize({ headers: new Headers() }, BODY_LIMITS.default)).not.toThrow();
		expect(() =>
			assertBodySize({ headers: new Headers({ 'content-length': '1048577' }) }, BODY_LIMITS.default)
		).toThrow(BodyTooLargeError);
	});
});
