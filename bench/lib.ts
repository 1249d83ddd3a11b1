// Helpers shared by the benchmarks in bench/ (see /work/shared/BENCHMARKING.md for the method).
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';

/** A small seeded generator (mulberry32): the same seed gives the same data on every run. */
export function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function bytes(rand: () => number, n: number): Uint8Array {
	return Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
}

/** A version-4-shaped UUID drawn from the seeded generator. */
export function seededUuid(rand: () => number): string {
	const b = bytes(rand, 16);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	const h = Buffer.from(b).toString('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A session token shaped like `generateToken()` (20 random bytes, base32), but seeded. */
export function seededToken(rand: () => number): string {
	return encodeBase32LowerCaseNoPadding(bytes(rand, 20));
}

/** Pins every thread of a process to one CPU; says where it ran when pinning is not possible. */
export function pin(cpu: number, pid = process.pid): string {
	if (cpus().length <= cpu) return `unpinned (no CPU ${cpu})`;
	try {
		execFileSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { stdio: 'ignore' });
		return `CPU ${cpu}`;
	} catch {
		return 'unpinned (taskset failed)';
	}
}

export type Spread = { median: number; min: number; max: number };

export function spread(values: number[]): Spread {
	const s = [...values].sort((a, b) => a - b);
	const mid = s.length >> 1;
	const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
	return { median, min: s[0], max: s[s.length - 1] };
}

/** Ranges that overlap do not support a ratio (BENCHMARKING.md rule 2). */
export function overlaps(a: Spread, b: Spread): boolean {
	return a.max >= b.min && b.max >= a.min;
}

/** B over A by their medians, flagged when the ranges overlap. */
export function ratio(b: Spread, a: Spread): string {
	return `×${fmt(b.median / a.median, 2)}${overlaps(a, b) ? ' (ranges overlap)' : ''}`;
}

/** The p-th percentile (0–100) of a sorted typed array, nearest rank. */
export function percentile(sorted: Float64Array, p: number): number {
	if (sorted.length === 0) return NaN;
	const rank = Math.ceil((p / 100) * sorted.length) - 1;
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

export function fmt(n: number, digits = 1): string {
	if (!Number.isFinite(n)) return '–';
	return n.toFixed(digits);
}

export function fmtSpread(s: Spread, digits = 1): string {
	return `${fmt(s.median, digits)} [${fmt(s.min, digits)}–${fmt(s.max, digits)}]`;
}

/** A Markdown table, so the output pastes into docs/performance.md as it is. */
export function printTable(headers: string[], rows: string[][]): void {
	const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
	console.log(line(headers));
	console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
	for (const row of rows) console.log(line(row));
}

/** Where and with what this ran: the lines docs/performance.md asks for. */
export function describeMachine(): string {
	const version = (name: string) =>
		(JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string })
			.version;
	const names = ['drizzle-orm', 'postgres', '@electric-sql/pglite', '@oslojs/crypto'];
	return [
		`nproc ${cpus().length}, node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}`,
		names.map((n) => `${n} ${version(n)}`).join(', ')
	].join('\n');
}

export type Throwaway = { url: string; name: string; drop(): Promise<void> };

/** A fresh PostgreSQL database beside the one the admin URL names, dropped by `drop()`. */
export async function throwawayDatabase(adminUrl: string, prefix: string): Promise<Throwaway> {
	const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database "${name}"`);
	await admin.end();
	const u = new URL(adminUrl);
	u.pathname = `/${name}`;
	return {
		url: u.toString(),
		name,
		async drop() {
			const again = postgres(adminUrl, { max: 1, onnotice: () => {} });
			await again.unsafe(`drop database if exists "${name}" with (force)`);
			await again.end();
		}
	};
}

const TICK_US = (() => {
	try {
		return 1e6 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
	} catch {
		return 1e4;
	}
})();

/**
 * Watches the PostgreSQL backends serving one database: pins them (they are ours: the database is
 * a throwaway one) and sums their CPU time from /proc, which a client cannot see otherwise.
 */
export function backendWatcher(adminUrl: string, database: string, cpu: number) {
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	const pinned = new Set<number>();
	let pinnedTo = 'unknown';
	const ticks = (pid: number) => {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			return Number(fields[11]) + Number(fields[12]); // utime + stime
		} catch {
			return 0;
		}
	};
	return {
		/** CPU ticks of each backend now; pins any backend seen for the first time. */
		async sample(): Promise<Map<number, number>> {
			const rows = await admin<{ pid: number }[]>`
				select pid from pg_stat_activity where datname = ${database}`;
			const snapshot = new Map<number, number>();
			for (const { pid } of rows) {
				if (!pinned.has(pid)) {
					pinned.add(pid);
					pinnedTo = pin(cpu, pid);
				}
				snapshot.set(pid, ticks(pid));
			}
			return snapshot;
		},
		/** Backend CPU in µs between two samples (a backend born in between counts from zero). */
		cpuUs(before: Map<number, number>, after: Map<number, number>): number {
			let sum = 0;
			for (const [pid, t] of after) sum += t - (before.get(pid) ?? 0);
			return sum * TICK_US;
		},
		where: () => pinnedTo,
		close: () => admin.end()
	};
}

export type BackendWatcher = ReturnType<typeof backendWatcher>;

// One monotonic clock for every process on the machine: performance.now() shifted onto hrtime.
const OFFSET_US = Number(process.hrtime.bigint() / 1000n) - performance.now() * 1000;
export const nowUs = () => performance.now() * 1000 + OFFSET_US;

/**
 * Open loop: calls `send(i, t)` for `count` sends at `rate`/s, `t` being the intended time (µs,
 * nowUs clock), never waiting for one to finish; so a stall shows as latency, not as fewer sends.
 */
export async function openLoop(
	rate: number,
	count: number,
	send: (i: number, intendedUs: number) => Promise<unknown>
): Promise<number> {
	const start = nowUs() + 2000;
	const interval = 1e6 / rate;
	const sent: Promise<unknown>[] = [];
	let errors = 0;
	for (let i = 0; i < count;) {
		while (i < count && start + i * interval <= nowUs()) {
			sent.push(send(i, start + i * interval).catch(() => errors++));
			i++;
		}
		if (i < count) await sleep(Math.max(0, (start + i * interval - nowUs()) / 1000));
	}
	await Promise.all(sent);
	return errors;
}

/** What the harness costs with no event at all (timers, event-loop sampling), in CPU ms/s. */
export async function idleCpu() {
	const eld = monitorEventLoopDelay({ resolution: 10 });
	eld.enable();
	const cpu0 = process.cpuUsage();
	await sleep(2000);
	const cpu = process.cpuUsage(cpu0);
	eld.disable();
	return (cpu.user + cpu.system) / 2000;
}

/** One request and its reply over a child process's IPC channel (one at a time). */
export const ask = <T>(child: ChildProcess, msg: object) =>
	new Promise<T>((resolve) => {
		child.once('message', (reply) => resolve(reply as T));
		child.send(msg);
	});

export function load(): string {
	return `load average ${loadavg()
		.map((l) => l.toFixed(2))
		.join(' ')}`;
}

export function memory(): string {
	const { rss, heapUsed } = process.memoryUsage();
	return `RSS ${fmt(rss / 2 ** 20)} MiB, heap used ${fmt(heapUsed / 2 ** 20)} MiB`;
}
