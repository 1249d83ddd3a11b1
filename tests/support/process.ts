import { PGlite } from '@electric-sql/pglite';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { createDb, type Database } from '../../src/lib/server/db/index.ts';
import { freshDatabase, type Driver } from './db.ts';
import { PGLITE_TEMPLATE } from './paths.ts';

export type RelaisProcess = {
	child: ChildProcess;
	/** Everything printed so far. */
	stdout(): string;
	stderr(): string;
	/** The URL from the "Relais is listening on …" line; rejects if the process exits first. */
	listening: Promise<string>;
	/** Settles when the process exits. */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** Kills the whole process group (safe to call twice, and after exit). */
	kill(signal?: NodeJS.Signals): void;
};

/**
 * Starts a server script (default server/index.ts) as its own process group (setsid), on port 0.
 * `env` is added to this process's environment; a key set to undefined is removed (DATABASE_URL
 * to force PGlite). RELAIS_HANDLER defaults to tests/support/app-handler.ts, so no build is needed;
 * pass `RELAIS_HANDLER: undefined` to serve the real app from build/ (after `npm run build`).
 */
export function spawnRelais(
	options: { script?: string; env?: Record<string, string | undefined> } = {}
): RelaisProcess {
	const env: Record<string, string | undefined> = {
		...process.env,
		NODE_ENV: 'production',
		HOST: '127.0.0.1',
		PORT: '0',
		RELAIS_SEED: 'none',
		LOG_LEVEL: 'warn',
		RELAIS_HANDLER: resolve('tests/support/app-handler.ts'),
		...options.env
	};
	for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
	const child = spawn(process.execPath, [options.script ?? 'server/index.ts'], {
		cwd: resolve('.'),
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	let err = '';
	child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
	child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.on('exit', (code, signal) => resolve({ code, signal }))
	);
	const listening = new Promise<string>((resolve, reject) => {
		const check = () => {
			const match = /^Relais(?: collaboration server)? is listening on (http:\/\/\S+)$/m.exec(out);
			if (match) resolve(match[1]);
		};
		child.stdout?.on('data', check);
		child.on('exit', (code, signal) =>
			reject(new Error(`exited (${code ?? signal}) before listening:\n${out}\n${err}`))
		);
	});
	// Callers that only wait for `exited` must not see an unhandled rejection.
	listening.catch(() => {});
	return {
		child,
		stdout: () => out,
		stderr: () => err,
		listening,
		exited,
		kill(signal = 'SIGKILL') {
			if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
			try {
				process.kill(-child.pid, signal);
			} catch {
				// already gone
			}
		}
	};
}

/**
 * A temporary RELAIS_DATA_DIR whose embedded database is already migrated (copied from the test
 * template), so a spawned server starts in a second instead of migrating for ten.
 */
export async function migratedDataDir(): Promise<{ dir: string; remove(): void }> {
	const dir = mkdtempSync(join(tmpdir(), 'relais-data-'));
	const pglite = await PGlite.create(join(dir, 'pglite'), {
		loadDataDir: new Blob([readFileSync(PGLITE_TEMPLATE)])
	});
	await pglite.close();
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Whether build/ holds the real app and its routes include `route` (e.g. 'api/feed/posts'). */
export function builtAppServes(route: string): boolean {
	const dir = resolve('build/server');
	if (!existsSync(resolve('build/handler.js')) || !existsSync(dir)) return false;
	// adapter-node writes the route manifest as build/server/chunks/manifest.js-<hash>.js.
	const manifests = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
		(f) => basename(f).startsWith('manifest') && f.endsWith('.js')
	);
	return manifests.some((f) => readFileSync(join(dir, f), 'utf8').includes(route));
}

/**
 * A fresh, migrated database for a child Relais process, on either driver: the environment that
 * points the child at it, `open` to prepare or read it from the test while the child does not run
 * (PGlite serves one process; on PostgreSQL `close` leaves the pool to `remove`), and `remove`.
 */
export async function childDatabase(driver: Driver): Promise<{
	env: Record<string, string | undefined>;
	open(): Promise<Database>;
	remove(): Promise<void>;
}> {
	if (driver === 'postgres') {
		const database = await freshDatabase('postgres');
		return {
			env: { DATABASE_URL: database.url },
			open: async () => ({ ...database, close: async () => {} }),
			remove: () => database.drop()
		};
	}
	const data = await migratedDataDir();
	return {
		env: { DATABASE_URL: undefined, RELAIS_DATA_DIR: data.dir },
		open: async () => createDb({ pglite: await PGlite.create(join(data.dir, 'pglite')) }),
		remove: async () => data.remove()
	};
}
