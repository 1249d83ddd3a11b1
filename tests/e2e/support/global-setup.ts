import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline';
import postgres from 'postgres';

// One production Relais server for the whole browser run, on a fresh database: a new PostgreSQL
// database beside DATABASE_URL when it is set, else a new embedded data folder. The server applies
// the migrations and seeds the demo workspace itself. Tests find it at RELAIS_E2E_URL.

const root = resolvePath(import.meta.dirname, '../../..');
const READY = /Relais is listening on (https?:\/\/[^\s"',]+)/;
const START_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 10_000;

type Storage = { env: Record<string, string>; describe: string; remove(): Promise<void> };

async function freshStorage(): Promise<Storage> {
	const url = process.env.DATABASE_URL;
	if (!url) {
		const dir = mkdtempSync(join(tmpdir(), 'relais-e2e-'));
		return {
			env: { RELAIS_DATA_DIR: dir },
			describe: `embedded database in ${dir}`,
			remove: async () => rmSync(dir, { recursive: true, force: true })
		};
	}
	const name = `relais_e2e_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
	const admin = postgres(url, { max: 1, onnotice: () => {} });
	try {
		await admin.unsafe(`create database "${name}"`);
	} finally {
		await admin.end();
	}
	const own = new URL(url);
	own.pathname = `/${name}`;
	return {
		env: { DATABASE_URL: own.toString() },
		describe: `PostgreSQL database ${name}`,
		async remove() {
			const again = postgres(url, { max: 1, onnotice: () => {} });
			try {
				await again.unsafe(`drop database if exists "${name}" with (force)`);
			} finally {
				await again.end();
			}
		}
	};
}

/**
 * A private copy of build/ for this run: a `npm run build` started meanwhile (another terminal, another
 * run) replaces the files the server streams and would crash it. Kept inside the project so the
 * build's imports still resolve from node_modules.
 */
function snapshotBuild(): { handler: string; remove(): void } {
	const build = join(root, 'build');
	if (!existsSync(join(build, 'handler.js'))) {
		throw new Error(
			'No build/handler.js: run the browser tests with `npm run test:e2e`, which builds first.'
		);
	}
	mkdirSync(join(root, '.test-data'), { recursive: true });
	const copy = mkdtempSync(join(root, '.test-data', 'e2e-build-'));
	cpSync(build, copy, { recursive: true });
	return {
		handler: join(copy, 'handler.js'),
		remove: () => rmSync(copy, { recursive: true, force: true })
	};
}

function serverEnv(storage: Storage, handler: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env };
	// The browser flows read e-mail from the admin Outbox, and the origin is only known once listening.
	for (const key of ['DATABASE_URL', 'RELAIS_DATA_DIR', 'SMTP_URL', 'ORIGIN', 'PROTOCOL_HEADER'])
		delete env[key];
	return {
		...env,
		...storage.env,
		PORT: '0',
		HOST: '127.0.0.1',
		NODE_ENV: 'production',
		LOG_LEVEL: 'warn',
		RELAIS_SEED: 'demo',
		RELAIS_HANDLER: handler
	};
}

/** Resolves with the URL the server prints, or rejects with what it printed before failing. */
function waitUntilListening(server: ChildProcess): Promise<string> {
	const seen: string[] = [];
	const remember = (line: string) => {
		seen.push(line);
		if (seen.length > 60) seen.shift();
	};
	return new Promise((resolve, reject) => {
		let ready = false;
		const timer = setTimeout(() => {
			reject(
				new Error(`Relais did not start within ${START_TIMEOUT_MS / 1000} s.\n${seen.join('\n')}`)
			);
		}, START_TIMEOUT_MS);
		// Keep reading both pipes for the whole run: a full pipe would block the server.
		createInterface({ input: server.stdout! }).on('line', (line) => {
			if (ready) return void console.log(`[relais] ${line}`);
			remember(line);
			const match = READY.exec(line);
			if (!match) return;
			ready = true;
			clearTimeout(timer);
			resolve(match[1]);
		});
		createInterface({ input: server.stderr! }).on('line', (line) => {
			if (ready) return void console.error(`[relais] ${line}`);
			remember(line);
		});
		server.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		// 'close' rather than 'exit': by then every line it printed has been read.
		server.once('close', (code, signal) => {
			clearTimeout(timer);
			if (!ready) {
				const how = signal ? `signal ${signal}` : `code ${code}`;
				reject(new Error(`Relais exited (${how}) before listening:\n${seen.join('\n')}`));
			}
		});
	});
}

/** SIGTERM to the whole process group, SIGKILL after a grace period. */
async function stop(server: ChildProcess): Promise<void> {
	if (server.exitCode !== null || server.signalCode !== null || !server.pid) return;
	const group = -server.pid;
	const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
	try {
		process.kill(group, 'SIGTERM');
	} catch {
		return; // already gone
	}
	let timer: NodeJS.Timeout | undefined;
	const late = new Promise<'late'>(
		(resolve) => (timer = setTimeout(() => resolve('late'), STOP_GRACE_MS))
	);
	const outcome = await Promise.race([exited, late]);
	clearTimeout(timer);
	if (outcome === 'late') {
		console.error(
			`[relais] still running ${STOP_GRACE_MS / 1000} s after SIGTERM; sending SIGKILL.`
		);
		try {
			process.kill(group, 'SIGKILL');
		} catch {
			// exited meanwhile
		}
		await exited;
	}
}

export default async function globalSetup(): Promise<() => Promise<void>> {
	const build = snapshotBuild();
	const storage = await freshStorage().catch((error: unknown) => {
		build.remove();
		throw error;
	});
	let server: ChildProcess | undefined;
	let stopping = false;
	const teardown = async () => {
		stopping = true;
		if (server) await stop(server);
		await storage.remove();
		build.remove();
	};
	try {
		// Its own process group (setsid), so teardown stops the server and anything it started.
		server = spawn(join(root, 'node_modules/.bin/node'), ['server/index.ts'], {
			cwd: root,
			env: serverEnv(storage, build.handler),
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe']
		});
		const pid = server.pid;
		// Last resort if the runner dies without teardown: no server left behind.
		process.once('exit', () => {
			try {
				if (pid) process.kill(-pid, 'SIGKILL');
			} catch {
				// already stopped
			}
		});
		const url = await waitUntilListening(server);
		server.once('exit', (code, signal) => {
			if (!stopping) console.error(`[relais] exited during the run (${signal ?? `code ${code}`}).`);
		});
		process.env.RELAIS_E2E_URL = url;
		console.log(`Relais for the browser tests: ${url} (${storage.describe})`);
		return teardown;
	} catch (error) {
		await teardown();
		throw error;
	}
}
