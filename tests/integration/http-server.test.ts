import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { NodeHandler } from '../../server/http.ts';
import {
	assertBodySize,
	BODY_LIMITS,
	bodyTooLargeMessage,
	BodyTooLargeError
} from '../../src/lib/server/http/limits.ts';
import { drivers } from '../support/db.ts';
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
			declared: BODY_LIMITS.import + 1,
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
			declared: BODY_LIMITS.import + 1,
			send: 64 * 1024,
			headers: { accept: 'application/json', 'accept-language': 'en-GB' }
		});
		expect(answer.status).toBe(413);
		expect(JSON.parse(answer.body)).toEqual({
			message: 'This file is too large: the limit is 50 MB.'
		});
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

describe('body limits', () => {
	it('says the limit in the reader’s language', () => {
		expect(bodyTooLargeMessage(BODY_LIMITS.upload, 'fr')).toBe(
			'Ce fichier est trop volumineux\u00a0: la limite est de 10\u00a0Mo.'
		);
		expect(bodyTooLargeMessage(BODY_LIMITS.default, 'en')).toBe(
			'What you sent is too large: the limit is 1 MB.'
		);
	});

	it('lets a body without a declared length through to the adapter limit', () => {
		expect(() => assertBodySize({ headers: new Headers() }, BODY_LIMITS.default)).not.toThrow();
		expect(() =>
			assertBodySize({ headers: new Headers({ 'content-length': '1048577' }) }, BODY_LIMITS.default)
		).toThrow(BodyTooLargeError);
	});
});
