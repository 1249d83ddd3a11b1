import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError } from '../../src/lib/server/db/lock.ts';
import { migratedDataDir, spawnRelais, type RelaisProcess } from '../support/process.ts';

// An app handler (loaded through RELAIS_HANDLER) whose /slow answer stays open until /finish is
// asked for on the same connection: a request still in flight when the process is told to stop.
const SLOW_HANDLER = `
let finish = () => {};
export function handler(req, res) {
	if (req.url === '/slow') {
		res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
		res.write('started\\n');
		const timer = setTimeout(() => res.end('timed out\\n'), 20000);
		finish = () => { clearTimeout(timer); res.end('finished\\n'); };
		return;
	}
	if (req.url === '/finish') finish();
	res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
	res.end('app');
}
`;

/** Whether a new connection to the server is refused (the listener is closed). */
function refused(url: string): Promise<boolean> {
	const { hostname, port } = new URL(url);
	return new Promise((resolve) => {
		const socket = connect(Number(port), hostname);
		socket.on('connect', () => {
			socket.destroy();
			resolve(false);
		});
		socket.on('error', () => resolve(true));
	});
}

// The production entry (server/index.ts) as real processes, on the embedded database. The app
// handler is a stand-in (RELAIS_HANDLER) so these tests do not depend on `npm run build`.
// Each test starts real processes (PGlite boot, TypeScript loading): on a busy 2-core machine that
// can take longer than the default 30 s.
describe('the Relais process', { timeout: 90_000 }, () => {
	const processes: RelaisProcess[] = [];
	const cleanups: (() => void)[] = [];
	const start = (env: Record<string, string | undefined>) => {
		const relais = spawnRelais({ env: { DATABASE_URL: undefined, ...env } });
		processes.push(relais);
		return relais;
	};
	afterEach(() => {
		for (const relais of processes.splice(0)) relais.kill();
		for (const cleanup of cleanups.splice(0)) cleanup();
	});

	it('refuses to open an embedded database another process is using, and the first keeps serving', async () => {
		const data = await migratedDataDir();
		cleanups.push(data.remove);
		const first = start({ RELAIS_DATA_DIR: data.dir });
		const url = await first.listening;

		const second = start({ RELAIS_DATA_DIR: data.dir });
		const { code } = await second.exited;
		expect(code).toBe(1);
		expect(second.stderr()).toContain('is already used by another Relais process');
		expect(second.stderr()).toContain(`pid ${first.child.pid}`);
		expect(second.stderr()).not.toMatch(/\n\s+at /); // no stack trace

		const health = await fetch(`${url}/healthz`);
		expect(health.status).toBe(200);
		expect(await (await fetch(url)).text()).toBe('app');
	});

	it('prints one plain line on stdout, the URL it serves, beside its JSON logs', async () => {
		const data = await migratedDataDir();
		cleanups.push(data.remove);
		const relais = start({ RELAIS_DATA_DIR: data.dir, LOG_LEVEL: 'info' });
		const url = await relais.listening;
		expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(url).not.toMatch(/:0$/);
		// The JSON log of the same moment follows the plain line.
		const parse = () => {
			const lines = relais.stdout().trimEnd().split('\n');
			return {
				plain: lines.filter((line) => !line.startsWith('{')),
				logs: lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line))
			};
		};
		await expect
			.poll(() => parse().logs)
			.toContainEqual(expect.objectContaining({ msg: 'listening', url }));
		expect(parse().plain).toEqual([`Relais is listening on ${url}`]);
	});

	it('stops on SIGTERM with code 0, ending open event streams and releasing the data directory', async () => {
		const data = await migratedDataDir();
		cleanups.push(data.remove);
		const relais = start({ RELAIS_DATA_DIR: data.dir, RELAIS_JOBS: 'on' });
		const url = await relais.listening;
		expect(() => acquireDataDirLock(data.dir)).toThrow(DataDirLockedError);

		// A server-sent-events stream stays open until the server ends it.
		const stream = await fetch(`${url}/events`);
		expect(stream.headers.get('content-type')).toBe('text/event-stream');
		const reading = stream.text().catch((error: unknown) => `failed: ${String(error)}`);

		relais.child.kill('SIGTERM');
		expect(await relais.exited).toEqual({ code: 0, signal: null });
		// Ended cleanly by the server, not cut.
		expect(await reading).toBe(': open\n\n');
		acquireDataDirLock(data.dir)(); // free again
	});

	it('answers /healthz with 503 while it drains a request in flight after SIGTERM, then exits 0', async () => {
		const data = await migratedDataDir();
		cleanups.push(data.remove);
		const handler = join(data.dir, 'slow-handler.mjs');
		writeFileSync(handler, SLOW_HANDLER);
		const relais = start({ RELAIS_DATA_DIR: data.dir, RELAIS_HANDLER: handler });
		const url = await relais.listening;
		expect((await fetch(`${url}/healthz`)).status).toBe(200);

		// One keep-alive connection with a slow request in flight.
		const { hostname, port } = new URL(url);
		const socket = connect(Number(port), hostname);
		let received = '';
		socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
		const socketClosed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
		socket.write(`GET /slow HTTP/1.1\r\nHost: ${url.slice(7)}\r\n\r\n`);
		await expect.poll(() => received).toContain('started');

		relais.child.kill('SIGTERM');
		// Draining starts as the listener closes: new connections are refused from then on…
		await expect.poll(() => refused(url), { timeout: 15_000 }).toBe(true);
		expect(relais.child.exitCode).toBeNull();
		// …and a readiness probe on the open connection hears "stopping", not "ok".
		socket.write(`GET /healthz HTTP/1.1\r\nHost: ${url.slice(7)}\r\n\r\n`);
		socket.write(`GET /finish HTTP/1.1\r\nHost: ${url.slice(7)}\r\nConnection: close\r\n\r\n`);
		await socketClosed;

		// The slow request was let finish, then the probe's answer followed on the same connection.
		const answers = received.split(/(?=HTTP\/1\.1 )/);
		expect(answers).toHaveLength(3);
		expect(answers[0]).toMatch(/^HTTP\/1\.1 200 /);
		expect(answers[0]).toContain('finished');
		expect(answers[1]).toMatch(/^HTTP\/1\.1 503 /);
		expect(answers[1]).toContain('"status":"stopping"');
		expect(answers[1]).toContain('"database":"ok"');
		expect(await relais.exited).toEqual({ code: 0, signal: null });
	});

	it('fails fast with a readable message on a bad environment', async () => {
		const relais = start({ PORT: 'not-a-port', RELAIS_DATA_DIR: '/nonexistent/never' });
		const { code } = await relais.exited;
		expect(code).toBe(1);
		expect(relais.stderr()).toContain('Invalid configuration');
		expect(relais.stderr()).toContain('PORT');
		expect(relais.stderr()).not.toMatch(/\n\s+at /);
	});
});
