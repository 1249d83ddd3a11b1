import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { LARGEST_BODY_LIMIT } from '../src/lib/server/http/limits.ts';
import { securityHeaders } from '../src/lib/server/http/security-headers.ts';
import type { Runtime } from '../src/lib/server/runtime.ts';
import { COLLAB_PATH } from '../src/lib/shared/collab.ts';
import type { CollabServer } from './collab/index.ts';
import { sendHealth } from './http/healthz.ts';
import { sendTooLarge } from './http/too-large.ts';
import { refuseUpgrade } from './http/refuse-upgrade.ts';

/** A connect-style handler: adapter-node's build/handler.js, Vite's middlewares, a test's stub. */
export type NodeHandler = (
	req: IncomingMessage,
	res: ServerResponse,
	next: (error?: unknown) => void
) => unknown;

export type RelaisServerOptions = {
	runtime: Runtime;
	handler: NodeHandler;
	/** The collaboration server for WebSocket upgrades on /collab; none refuses them. */
	collab?: CollabServer | null;
	/**
	 * Upgrades on other paths are refused (404) unless this says another listener on the same
	 * server owns them — Vite's HMR in development.
	 */
	passUpgrade?: (req: IncomingMessage) => boolean;
	/** Bodies declared larger than this get the readable 413 (default: LARGEST_BODY_LIMIT). */
	bodyLimit?: number;
	/**
	 * A header this server sets on every request to the connection's real protocol (http or https),
	 * overwriting whatever a client sent; adapter-node reads it through PROTOCOL_HEADER.
	 */
	protocolHeader?: string;
	/**
	 * The header that says which protocol the client used (adapter-node's PROTOCOL_HEADER, e.g.
	 * X-Forwarded-Proto behind a TLS proxy): `https` there turns HSTS on, like ORIGIN=https://….
	 */
	forwardedProtocolHeader?: string;
};

export type RelaisServer = {
	server: Server;
	/** Resolves with the URL actually served (PORT=0 picks a free port). */
	listen(port: number, host: string): Promise<string>;
	/**
	 * Graceful stop: /healthz turns 503, the server stops accepting, collaboration sockets close
	 * (documents stored), event streams end; requests in flight get `graceMs` to finish.
	 */
	close(options?: { graceMs?: number }): Promise<void>;
};

export function formatUrl(address: AddressInfo): string {
	const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
	return `http://${host}:${address.port}`;
}

function pathnameOf(req: IncomingMessage): string {
	try {
		return new URL(req.url ?? '/', 'http://localhost').pathname;
	} catch {
		return '/';
	}
}

const isEventStream = (res: ServerResponse) =>
	String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');

/**
 * One node:http server for the whole app: /healthz first, then the body limit, then the app
 * handler; WebSocket upgrades on /collab go to the collaboration server.
 */
export function createRelaisServer(options: RelaisServerOptions): RelaisServer {
	const { runtime, handler, collab = null } = options;
	const log = runtime.log.child({ component: 'http' });
	const bodyLimit = options.bodyLimit ?? LARGEST_BODY_LIMIT;
	const state = { draining: false };
	const open = new Set<ServerResponse>();
	const originIsHttps = runtime.config.origin?.startsWith('https:') ?? false;
	const forwardedProtocol = options.forwardedProtocolHeader?.toLowerCase();
	const isHttps = (req: IncomingMessage) =>
		originIsHttps ||
		(req.socket as TLSSocket).encrypted === true ||
		(forwardedProtocol !== undefined && req.headers[forwardedProtocol] === 'https');

	function fail(res: ServerResponse, error: unknown): void {
		log.error({ err: error }, 'request handler failed');
		if (res.headersSent) {
			res.destroy();
			return;
		}
		res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
		res.end('Internal Server Error');
	}

	const server = createServer((req, res) => {
		if (options.protocolHeader) {
			req.headers[options.protocolHeader] = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
		}
		open.add(res);
		res.on('close', () => open.delete(res));
		// On every answer, including those built outside SvelteKit's hooks (below, and SvelteKit's
		// own for a redirect thrown by a hook or a malformed URL): writeHead merges these in. The
		// hook (http/security-headers.ts) sets them again on what goes through SvelteKit, deciding
		// https from event.url, which adapter-node builds from ORIGIN or PROTOCOL_HEADER — the same
		// sources as isHttps here, which also sees a TLS socket that adapter-node learns of only
		// through the protocol header this server sets (server/index.ts).
		for (const [name, value] of Object.entries(securityHeaders(isHttps(req)))) {
			res.setHeader(name, value);
		}

		if (pathnameOf(req) === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
			sendHealth(res, runtime.db, state).catch((error: unknown) => fail(res, error));
			return;
		}
		const declared = Number(req.headers['content-length'] ?? 0);
		if (declared > bodyLimit) {
			sendTooLarge(req, res, bodyLimit);
			return;
		}
		const next = (error?: unknown) => {
			if (error) return fail(res, error);
			if (res.headersSent) return;
			res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
			res.end('Not Found');
		};
		try {
			const result = handler(req, res, next);
			if (result instanceof Promise) result.catch((error: unknown) => fail(res, error));
		} catch (error) {
			fail(res, error);
		}
	});

	server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		// A reset before the WebSocket takes over must not crash the process.
		socket.on('error', (error) => log.debug({ err: error }, 'upgrade socket error'));
		if (pathnameOf(req) === COLLAB_PATH && collab && !state.draining) {
			collab.handleUpgrade(req, socket, head);
			return;
		}
		if (options.passUpgrade?.(req)) return;
		refuseUpgrade(socket, state.draining ? 503 : 404);
	});

	// Keep-alive sockets of clients that went away must not keep the process up.
	server.on('clientError', (error, socket) => {
		if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
		else socket.destroy();
		log.debug({ err: error }, 'client error');
	});

	function listen(port: number, host: string): Promise<string> {
		return new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, host, () => {
				server.off('error', reject);
				resolve(formatUrl(server.address() as AddressInfo));
			});
		});
	}

	let closing: Promise<void> | null = null;
	function close({ graceMs = 10_000 }: { graceMs?: number } = {}): Promise<void> {
		closing ??= (async () => {
			state.draining = true;
			const closed = new Promise<void>((resolve) => {
				if (!server.listening) return resolve();
				server.close(() => resolve());
			});
			await collab?.close();
			// Event streams never end by themselves; browsers reconnect to another process.
			for (const res of open) if (isEventStream(res)) res.end();
			server.closeIdleConnections();
			let timer: NodeJS.Timeout | undefined;
			const grace = new Promise<'timeout'>((resolve) => {
				timer = setTimeout(() => resolve('timeout'), graceMs);
			});
			if ((await Promise.race([closed, grace])) === 'timeout') {
				log.warn({ open: open.size }, 'requests still open after the grace period, closing them');
				server.closeAllConnections();
				await closed;
			}
			clearTimeout(timer);
		})();
		return closing;
	}

	return { server, listen, close };
}
