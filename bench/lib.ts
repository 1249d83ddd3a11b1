// Helpers shared by the benchmarks in bench/ (see /work/shared/BENCHMARKING.md for the method).
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
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

export function memory(): string {
	const { rss, heapUsed } = process.memoryUsage();
	return `RSS ${fmt(rss / 2 ** 20)} MiB, heap used ${fmt(heapUsed / 2 ** 20)} MiB`;
}
