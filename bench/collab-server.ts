// The server under test of `npm run bench:collab` (bench/collab.ts forks it, one process per
// variant, pinned to CPU 0). Variants:
//   relais     — createCollabServer({ runtime }) behind createRelaisServer, on the bench's throwaway
//                PostgreSQL database: throttle, origin check, session-cookie authentication, plan
//                access, persistence (whatever server/collab wires today), logging at `info` (to
//                /dev/null: the cost of formatting stays, the terminal stays readable).
//   hocuspocus — a bare `new Hocuspocus()` (no extension, default configuration) behind `ws`.
//   ywebsocket — a bare @y/websocket-server `setupWSConnection` behind `ws`, no persistence.
// It answers the orchestrator over IPC: `mark` returns the CPU, event-loop delay and memory since the
// previous mark, so the figures cover only the server process.
import { Hocuspocus } from '@hocuspocus/server';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { WebSocketServer, type RawData } from 'ws';
import { AdaptiveBatching } from '../server/collab/batching.ts';
import { createCollabServer, type CollabServer } from '../server/collab/index.ts';
import { createRelaisServer } from '../server/http.ts';
import { loadConfig } from '../src/lib/server/config.ts';
import { createRuntime, type Runtime } from '../src/lib/server/runtime.ts';
import { pin } from './lib.ts';

export type Variant = 'hocuspocus' | 'ywebsocket' | 'relais' | 'relais-batched';
/**
 * The servers compared, in the order of each round. BENCH_BATCHING=1 adds `relais-batched`: Relais
 * with server/collab/batching.ts's AdaptiveBatching added (the proposal for hot documents).
 */
export const VARIANTS: Variant[] = process.env.BENCH_BATCHING
	? ['hocuspocus', 'ywebsocket', 'relais', 'relais-batched']
	: ['hocuspocus', 'ywebsocket', 'relais'];

export type ServerInit = {
	kind: 'init';
	variant: Variant;
	databaseUrl?: string;
	origin: string;
	port?: number;
	/**
	 * The event-loop delay monitor's timer period. The figures are the intervals between its ticks,
	 * so a block of B ms reads as B to B + resolution: the persistence scenario uses 1 ms.
	 */
	eldResolutionMs?: number;
};
export type Mark = {
	cpuUs: number;
	wallMs: number;
	eldP99: number;
	eldMax: number;
	/** The longest garbage-collection pause since the previous mark, and its kind. */
	gcMaxMs: number;
	gcMaxKind: string;
	rss: number;
	heapUsed: number;
	external: number;
	sockets: number;
};

function toBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function toWebRequest(req: IncomingMessage): Request {
	const headers = new Headers();
	for (const [name, value] of Object.entries(req.headers)) {
		if (typeof value === 'string') headers.set(name, value);
	}
	return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { headers });
}

type Running = { port: number; sockets(): number; close(): Promise<void> };

/** A bare Hocuspocus: what its README's "without the Server class" integration does with `ws`. */
async function bareHocuspocus(port: number): Promise<Running> {
	const hocuspocus = new Hocuspocus({ quiet: true });
	const wss = new WebSocketServer({ noServer: true });
	let open = 0;
	const http = createServer((_req, res) => res.end());
	http.on('upgrade', (req, socket, head) => {
		wss.handleUpgrade(req, socket, head, (ws) => {
			open++;
			const client = hocuspocus.handleConnection(ws, toWebRequest(req));
			ws.on('message', (data: RawData) => client.handleMessage(toBytes(data)));
			ws.on('close', (code: number, reason: Buffer) => {
				open--;
				client.handleClose({ code, reason: reason.toString() });
			});
			ws.on('error', () => {});
		});
	});
	await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
	return {
		port: (http.address() as AddressInfo).port,
		sockets: () => open,
		async close() {
			for (const ws of wss.clients) ws.terminate();
			await new Promise<void>((resolve) => http.close(() => resolve()));
		}
	};
}

/** A bare y-websocket server: @y/websocket-server's utilities, one document per URL path. */
async function bareYWebsocket(port: number): Promise<Running> {
	// Imported here: it reads its environment (persistence, GC) when loaded.
	const { setupWSConnection } = await import('@y/websocket-server/utils');
	const wss = new WebSocketServer({ noServer: true });
	const http = createServer((_req, res) => res.end());
	http.on('upgrade', (req, socket, head) => {
		wss.handleUpgrade(req, socket, head, (ws) => {
			ws.on('error', () => {});
			setupWSConnection(ws, req);
		});
	});
	await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
	return {
		port: (http.address() as AddressInfo).port,
		sockets: () => wss.clients.size,
		async close() {
			for (const ws of wss.clients) ws.terminate();
			await new Promise<void>((resolve) => http.close(() => resolve()));
		}
	};
}

/** The real Relais collaboration server, as `npm run collab` starts it (no app routes). */
async function relais(init: ServerInit, port: number): Promise<Running> {
	const config = {
		...loadConfig({
			NODE_ENV: 'production',
			RELAIS_SEED: 'none',
			RELAIS_JOBS: 'off',
			LOG_LEVEL: 'info',
			ORIGIN: init.origin,
			DATABASE_URL: init.databaseUrl
		}),
		host: '127.0.0.1',
		port
	};
	const runtime: Runtime = await createRuntime(config);
	const collab: CollabServer = createCollabServer({ runtime });
	if (init.variant === 'relais-batched') {
		// Not wired in createCollabServer yet: added last (hooks read the list at each call).
		collab.hocuspocus.configuration.extensions.push(new AdaptiveBatching());
	}
	const server = createRelaisServer({
		runtime,
		collab,
		handler: (_req, res) => {
			res.writeHead(404);
			res.end();
		}
	});
	const url = await server.listen(port, '127.0.0.1');
	return {
		port: Number(new URL(url).port),
		sockets: () => collab.socketCount(),
		async close() {
			await server.close({ graceMs: 1000 });
			await runtime.stop();
		}
	};
}

async function main() {
	pin(0);
	process.on('disconnect', () => process.exit(0));
	let running: Running | undefined;
	let eld = monitorEventLoopDelay({ resolution: 10 });
	eld.enable();
	let gcMax = { ms: 0, kind: '' };
	const GC_KINDS: Record<number, string> = {
		[constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
		[constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
		[constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
		[constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks'
	};
	new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) {
			const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1;
			if (entry.duration > gcMax.ms) gcMax = { ms: entry.duration, kind: GC_KINDS[kind] ?? 'gc' };
		}
	}).observe({ entryTypes: ['gc'] });
	let cpu0 = process.cpuUsage();
	let wall0 = performance.now();
	const mark = (): Mark => {
		const cpu = process.cpuUsage(cpu0);
		const now = performance.now();
		const m = process.memoryUsage();
		const out: Mark = {
			cpuUs: cpu.user + cpu.system,
			wallMs: now - wall0,
			eldP99: eld.percentile(99) / 1e6,
			eldMax: eld.max / 1e6,
			gcMaxMs: gcMax.ms,
			gcMaxKind: gcMax.kind,
			rss: m.rss,
			heapUsed: m.heapUsed,
			external: m.external + m.arrayBuffers,
			sockets: running?.sockets() ?? 0
		};
		cpu0 = process.cpuUsage();
		wall0 = now;
		gcMax = { ms: 0, kind: '' };
		eld.reset();
		return out;
	};
	process.on('message', (msg: ServerInit | { kind: 'mark' | 'gc' | 'stop' }) => {
		void (async () => {
			if (msg.kind === 'init') {
				const port = msg.port ?? 0;
				if (msg.eldResolutionMs) {
					eld.disable();
					eld = monitorEventLoopDelay({ resolution: msg.eldResolutionMs });
					eld.enable();
				}
				running =
					msg.variant === 'relais' || msg.variant === 'relais-batched'
						? await relais(msg, port)
						: msg.variant === 'hocuspocus'
							? await bareHocuspocus(port)
							: await bareYWebsocket(port);
				mark();
				process.send!({ kind: 'ready', port: running.port });
			} else if (msg.kind === 'gc') {
				// Settle what a run left behind before a memory reading (needs --expose-gc).
				for (let i = 0; i < 3; i++) {
					globalThis.gc?.();
					await new Promise((resolve) => setTimeout(resolve, 50));
				}
				process.send!(mark());
			} else if (msg.kind === 'mark') {
				process.send!(mark());
			} else {
				await running?.close();
				process.send!({ kind: 'stopped' });
				process.exit(0);
			}
		})().catch((error: unknown) => {
			console.error(error);
			process.exit(1);
		});
	});
}

// Only when forked as the server (bench/collab.ts imports the types and VARIANTS).
if (process.argv[1] === import.meta.filename) await main();
