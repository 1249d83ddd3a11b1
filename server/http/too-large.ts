import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyTooLargeMessage, tooLargePage } from '../../src/lib/server/http/limits.ts';
import { negotiateLocale } from './locale.ts';

// How long a refused upload may keep sending before we cut the connection. Reading (and
// dropping) a little of it lets the browser see our page instead of "connection reset".
const LINGER_MS = 2000;

/** A readable 413 (HTML for browsers, JSON otherwise) in the asker's language. */
export function sendTooLarge(req: IncomingMessage, res: ServerResponse, limitBytes: number): void {
	const locale = negotiateLocale(req.headers);
	const message = bodyTooLargeMessage(limitBytes, locale);
	const wantsHtml = (req.headers.accept ?? '').includes('text/html');
	const body = wantsHtml ? tooLargePage(message, locale) : JSON.stringify({ message });
	res.writeHead(413, {
		'content-type': wantsHtml ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(body),
		'content-language': locale,
		// The body is not read: this connection cannot carry another request.
		connection: 'close'
	});
	res.end(body);
	req.resume();
	const timer = setTimeout(() => req.socket.destroy(), LINGER_MS);
	timer.unref();
	req.socket.once('close', () => clearTimeout(timer));
}
