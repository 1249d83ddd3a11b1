import type { IncomingMessage, ServerResponse } from 'node:http';

// A stand-in for build/handler.js, loaded by server/index.ts when RELAIS_HANDLER points here
// (tests only): the process tests exercise the real entry without needing `npm run build`.
// `/events` opens a server-sent-events stream that never ends by itself, like the live stream.
export function handler(req: IncomingMessage, res: ServerResponse): void {
	if (req.url === '/events') {
		// setHeader, as SvelteKit's setResponse does: the server recognises streams by this header.
		res.setHeader('content-type', 'text/event-stream');
		res.setHeader('cache-control', 'no-store');
		res.writeHead(200);
		res.write(': open\n\n');
		return;
	}
	res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
	res.end('app');
}
