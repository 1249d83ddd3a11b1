import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError } from '../../src/lib/server/db/lock.ts';

// The embedded database's lock, held by real processes (tests/support/lock-holder.ts), some of
// them in their own PID namespace as in a container, where pids start again at 1.
const HOLDER = resolve('tests/support/lock-holder.ts');
const NAMESPACE = ['--pid', '--fork', '--mount-proc'];

// CI runs as root on Debian, where this works. A machine that has unshare but may not use it must
// fail the namespace test, not skip it; only a machine without util-linux's unshare skips it.
const unshare = spawnSync('unshare', [...NAMESPACE, 'true'], { encoding: 'utf8' });
const unshareMissing = (unshare.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
if (unshareMissing)
	console.warn('unshare (util-linux) is not installed: PID-namespace test skipped');

type Outcome = { result: 'locked'; pid: number } | { result: 'refused'; stderr: string };

type Holder = {
	child: ChildProcess;
	/** Settles once the holder has the lock or was refused (any other end rejects). */
	outcome: Promise<Outcome>;
	/** With onGo: settles when the process waits for "go". */
	ready: Promise<void>;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

function startHolder(dataDir: string, options: { namespace?: boolean; onGo?: boolean } = {}) {
	const args = [HOLDER, dataDir, ...(options.onGo ? ['--on-go'] : [])];
	const child = options.namespace
		? spawn('unshare', [...NAMESPACE, process.execPath, ...args], { stdio: 'pipe' })
		: spawn(process.execPath, args, { stdio: 'pipe' });
	let out = '';
	let err = '';
	child.stdout.setEncoding('utf8');
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.on('exit', (code, signal) => resolve({ code, signal }))
	);
	const ready = new Promise<void>((resolve) =>
		child.stdout.on('data', (chunk: string) => {
			out += chunk;
			if (out.includes('ready\n')) resolve();
		})
	);
	const outcome = new Promise<Outcome>((resolve, reject) => {
		child.stdout.on('data', () => {
			const match = /^locked (\d+)$/m.exec(out);
			if (match) resolve({ result: 'locked', pid: Number(match[1]) });
		});
		child.on('exit', (code, signal) => {
			if (code === 3) resolve({ result: 'refused', stderr: err });
			else
				reject(new Error(`holder ended (${code ?? signal}) without an outcome:\n${out}\n${err}`));
		});
	});
	outcome.catch(() => {});
	const holder: Holder = { child, outcome, ready, exited };
	holders.push(holder);
	return holder;
}

const holders: Holder[] = [];
const dirs: string[] = [];

function dataDir(): string {
	const dir = mkdtempSync(join(tmpdir(), 'relais-lock-'));
	dirs.push(dir);
	return dir;
}

/** The pids whose parent is `pid` (the process unshare forked into the new namespace). */
function childrenOf(pid: number): number[] {
	const found: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			// "pid (comm) state ppid …": comm may hold spaces and parentheses.
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid === pid) found.push(Number(entry));
		} catch {
			// ended meanwhile
		}
	}
	return found;
}

/** Starts `count` holders, lets them all try at once, and counts who got the lock. */
async function race(dir: string, count: number) {
	const racers = Array.from({ length: count }, () => startHolder(dir, { onGo: true }));
	await Promise.all(racers.map((racer) => racer.ready));
	const at = Date.now() + 300;
	for (const racer of racers) racer.child.stdin?.write(`go ${at}\n`);
	const outcomes = await Promise.all(racers.map((racer) => racer.outcome));
	const winners = racers.filter((_, i) => outcomes[i].result === 'locked');
	return { winners, refused: outcomes.filter((o) => o.result === 'refused').length };
}

describe('the embedded database lock', { timeout: 120_000 }, () => {
	afterEach(async () => {
		for (const holder of holders.splice(0)) {
			holder.child.stdin?.end();
			holder.child.kill('SIGKILL');
			await holder.exited;
		}
		for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
	});

	it.skipIf(unshareMissing)(
		'is free at once after its holder in a PID namespace is killed with -9, for a new process with the same pid',
		async () => {
			expect(unshare.status, `unshare ${NAMESPACE.join(' ')} failed: ${unshare.stderr}`).toBe(0);
			const dir = dataDir();
			const first = startHolder(dir, { namespace: true });
			expect(await first.outcome).toEqual({ result: 'locked', pid: 1 });

			const [inner] = childrenOf(first.child.pid!);
			process.kill(inner, 'SIGKILL');
			await first.exited;

			const second = startHolder(dir, { namespace: true });
			expect(await second.outcome).toEqual({ result: 'locked', pid: 1 });
			// And it holds: a third process, also pid 1 in its own namespace, is refused.
			const third = startHolder(dir, { namespace: true });
			expect(await third.outcome).toMatchObject({ result: 'refused' });
		}
	);

	it('goes to exactly one of 50 processes racing for it, fresh or left by a dead holder', async () => {
		const dir = dataDir();
		// Fresh: no lock file yet.
		const fresh = await race(dir, 50);
		expect(fresh.winners).toHaveLength(1);
		expect(fresh.refused).toBe(49);

		// Left by a holder killed with -9.
		fresh.winners[0].child.kill('SIGKILL');
		await fresh.winners[0].exited;
		const afterKill = await race(dir, 50);
		expect(afterKill.winners).toHaveLength(1);
		expect(afterKill.refused).toBe(49);

		// Left by a holder that exited without releasing it.
		afterKill.winners[0].child.stdin?.end();
		expect(await afterKill.winners[0].exited).toEqual({ code: 0, signal: null });
		const afterExit = await race(dir, 50);
		expect(afterExit.winners).toHaveLength(1);
		expect(afterExit.refused).toBe(49);
	});

	it('is released when its holder exits normally and when it is killed with -9', async () => {
		const dir = dataDir();
		const first = startHolder(dir);
		expect(await first.outcome).toMatchObject({ result: 'locked' });
		first.child.stdin?.end();
		expect(await first.exited).toEqual({ code: 0, signal: null });

		const second = startHolder(dir);
		expect(await second.outcome).toMatchObject({ result: 'locked' });
		second.child.kill('SIGKILL');
		expect(await second.exited).toEqual({ code: null, signal: 'SIGKILL' });

		const third = startHolder(dir);
		expect(await third.outcome).toMatchObject({ result: 'locked' });
	});

	it('refuses a second live process, saying which directory and what to do', async () => {
		const dir = dataDir();
		const first = startHolder(dir);
		expect(await first.outcome).toMatchObject({ result: 'locked' });

		const second = startHolder(dir);
		const refusal = await second.outcome;
		expect(refusal.result).toBe('refused');
		expect(refusal.result === 'refused' && refusal.stderr.trim()).toBe(
			`The embedded database in ${dir} is already used by another Relais process ` +
				`(pid ${first.child.pid}). Stop that process first, or give this one another ` +
				'RELAIS_DATA_DIR; to run several processes on one database, set DATABASE_URL to a ' +
				'PostgreSQL database.'
		);
		// The holder kept it.
		expect(first.child.exitCode).toBeNull();
		expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
	});

	it('refuses a second opening in the same process, and allows one after release', () => {
		const dir = dataDir();
		const release = acquireDataDirLock(dir);
		expect(() => acquireDataDirLock(dir)).toThrow(
			`The embedded database in ${dir} is already open in this process.`
		);
		release();
		release(); // twice is harmless
		acquireDataDirLock(dir)();
	});
});
