import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyTooLargeMessage } from '../../src/lib/server/http/limits.ts';
import { negotiateLocale } from './locale.ts';

// How long a refused upload may keep sending before we cut the connection. Reading (and
// dropping) a little of it lets the browser see our page instead of "connection reset".
const LINGER_MS = 2000;

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(message: string, locale: 'en' | 'fr'): string {
	const title = locale === 'fr' ? 'Envoi trop volumineux' : 'Request too large';
	const back = locale === 'fr' ? 'Revenir en arrière' : 'Go back';
	return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} — Relais</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;line-height:1.5;color:#1f2933}a{color:#1d4ed8}</style></head>
<body><main><h1>${title}</h1><p>${escapeHtml(message)}</p><p><a href="javascript:history.back()">${back}</a></p></main></body>
</html>`;
}

/** A readable 413 (HTML for browsers, JSON otherwise) in the asker's language. */
export function sendTooLarge(req: IncomingMessage, res: ServerResponse, limitBytes: number): void {
	const locale = negotiateLocale(req.headers);
	const message = bodyTooLargeMessage(limitBytes, locale);
	const wantsHtml = (req.headers.accept ?? '').includes('text/html');
	const body = wantsHtml ? page(message, locale) : JSON.stringify({ message });
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
