import type { IncomingMessage, ServerResponse } from 'node:http';
import { tooLargeAnswer } from '../../src/lib/server/http/body-limit.ts';
import { negotiateLocale } from './locale.ts';

// A browser shows our answer only once it has finished sending (or reads it while sending, and
// drops it on a reset): so the refused upload is read and dropped, not cut. Bounded, so that a
// client cannot keep a socket busy: beyond this time or this much data, the connection is cut.
const DRAIN_MS = 30_000;
const DRAIN_FACTOR = 2;

/**
 * A readable 413 in the asker's language (an ActionResult for enhanced forms, HTML for browsers,
 * JSON otherwise), then the rest of the upload is drained so that the client gets it.
 */
export function sendTooLarge(req: IncomingMessage, res: ServerResponse, limitBytes: number): void {
	const locale = negotiateLocale(req.headers);
	const answer = tooLargeAnswer(
		{
			accept: req.headers.accept,
			action: req.headers['x-sveltekit-action'] === 'true',
			api: (req.url ?? '').startsWith('/api/')
		},
		limitBytes,
		locale
	);
	// No `connection: close`: Node would destroy the socket as soon as the answer is written, and
	// the unread upload would turn into a reset. Once drained, the connection can be reused.
	res.writeHead(413, {
		'content-type': answer.contentType,
		'content-length': Buffer.byteLength(answer.body),
		'content-language': locale
	});
	res.end(answer.body);
	drain(req, DRAIN_FACTOR * limitBytes);
}

function drain(req: IncomingMessage, maxBytes: number): void {
	let dropped = 0;
	const cut = () => req.socket.destroy();
	const timer = setTimeout(cut, DRAIN_MS);
	timer.unref();
	const done = () => clearTimeout(timer);
	req.on('data', (chunk: Buffer) => {
		dropped += chunk.length;
		if (dropped > maxBytes) {
			done();
			cut();
		}
	});
	req.once('end', done);
	req.once('close', done);
	req.resume();
}
