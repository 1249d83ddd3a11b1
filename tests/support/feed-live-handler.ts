import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { SESSION_COOKIE, validateSessionToken } from '../../src/lib/server/auth/sessions.ts';
import { DomainError } from '../../src/lib/server/errors.ts';
import { createPost } from '../../src/lib/server/feed/index.ts';
import { createEventStream } from '../../src/lib/server/live/index.ts';
import { getRuntime } from '../../src/lib/server/runtime.ts';

// A stand-in for build/handler.js with the two routes of the feed's live path, for the process
// tests (tests/integration/feed-live-process.test.ts) when no build is at hand: GET /api/events
// and POST /api/feed/posts, doing what src/routes/api/events/+server.ts and
// src/routes/api/feed/posts/+server.ts do — the session cookie, the same-origin check, the domain
// command, the per-person filtered stream — over the process runtime server/index.ts started
// (getRuntime joins it). The test runs against the real build as well when there is one.

function send(res: ServerResponse, status: number, body: unknown) {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
}

function cookie(req: IncomingMessage, name: string): string {
	for (const part of (req.headers.cookie ?? '').split(';')) {
		const [key, ...value] = part.trim().split('=');
		if (key === name) return value.join('=');
	}
	return '';
}

async function readJson(req: IncomingMessage): Promise<unknown> {
	let text = '';
	for await (const chunk of req) text += String(chunk);
	return JSON.parse(text) as unknown;
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
	const runtime = await getRuntime();
	const token = cookie(req, SESSION_COOKIE);
	const { user } = await validateSessionToken(runtime.db, token);
	if (!user) return send(res, 401, { message: 'Sign in first.' });

	if (req.method === 'GET' && req.url === '/api/events') {
		const abort = new AbortController();
		res.on('close', () => abort.abort());
		const stream = createEventStream({
			bus: runtime.bus,
			actor: user,
			revalidate: async () => (await validateSessionToken(runtime.db, token)).user,
			signal: abort.signal,
			log: runtime.log
		});
		res.setHeader('content-type', 'text/event-stream; charset=utf-8');
		res.setHeader('cache-control', 'no-cache, no-transform');
		res.writeHead(200);
		Readable.fromWeb(stream as NodeReadableStream<Uint8Array>).pipe(res);
		return;
	}

	if (req.method === 'POST' && req.url === '/api/feed/posts') {
		if (req.headers.origin !== `http://${req.headers.host}`) {
			return send(res, 403, { code: 'FORBIDDEN' });
		}
		try {
			const { id } = await createPost(runtime.db, user, await readJson(req));
			return send(res, 201, { id });
		} catch (cause) {
			if (cause instanceof DomainError) {
				return send(res, cause.status, { code: cause.code });
			}
			throw cause;
		}
	}
	send(res, 404, { message: 'Not found' });
}

export function handler(req: IncomingMessage, res: ServerResponse): void {
	handle(req, res).catch((error: unknown) => {
		console.error(error);
		if (!res.headersSent) send(res, 500, { message: 'Internal error' });
		else res.destroy();
	});
}
