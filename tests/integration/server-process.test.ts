import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migratedDataDir, spawnRelais, type RelaisProcess } from '../support/process.ts';

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
		expect(existsSync(join(data.dir, 'relais.lock'))).toBe(true);

		// A server-sent-events stream stays open until the server ends it.
		const stream = await fetch(`${url}/events`);
		expect(stream.headers.get('content-type')).toBe('text/event-stream');
		const reading = stream.text().catch((error: unknown) => `failed: ${String(error)}`);

		relais.child.kill('SIGTERM');
		expect(await relais.exited).toEqual({ code: 0, signal: null });
		// Ended cleanly by the server, not cut.
		expect(await reading).toBe(': open\n\n');
		expect(existsSync(join(data.dir, 'relais.lock'))).toBe(false);
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
