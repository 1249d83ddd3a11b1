import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export class DataDirLockedError extends Error {
	code = 'DATA_DIR_LOCKED' as const;
}

/**
 * Held open (never written, never removed) while a process uses the data directory. Removing it
 * would let a newcomer lock a fresh file while the holder still locks the old one.
 */
export const LOCK_FILE = 'relais.lock.sqlite';

// SQLite takes its exclusive lock in steps (shared, reserved, exclusive), so two processes
// starting at the same instant can each make the other fail; its busy handler retries them for
// this long. A process refused because another one is running waits this long before saying so.
const CONTENTION_MS = 1000;

const SQLITE_BUSY = 5;

// A DatabaseSync that nothing references is closed by the garbage collector, which would drop
// the lock under a caller that forgot its release function.
const held = new Set<DatabaseSync>();

/**
 * PGlite does not lock its folder, and two processes writing one data directory corrupt it.
 * Node has no flock(), but its built-in SQLite takes POSIX record locks (fcntl) on its file: an
 * exclusive transaction held open on `LOCK_FILE` is a lock the kernel grants to one process at a
 * time and drops when that process ends, however it ends (kill -9 included), with no pid to trust:
 * pids mean nothing across PID namespaces (containers) and are reused. Two handles in one process
 * also exclude each other, as SQLite tracks its own locks per file.
 */
export function acquireDataDirLock(dataDir: string): () => void {
	const path = join(dataDir, LOCK_FILE);
	let lock: DatabaseSync;
	try {
		lock = new DatabaseSync(path, { timeout: CONTENTION_MS });
	} catch (error) {
		throw new Error(`Could not open the lock file ${path}: ${(error as Error).message}`, {
			cause: error
		});
	}
	try {
		// No journal file beside it: nothing is ever written.
		lock.exec('PRAGMA journal_mode = MEMORY');
		lock.exec('BEGIN EXCLUSIVE');
	} catch (error) {
		lock.close();
		if (((error as { errcode?: number }).errcode ?? 0) % 256 !== SQLITE_BUSY) throw error;
		throw new DataDirLockedError(lockedMessage(dataDir, holderPid(path)));
	}
	held.add(lock);
	return () => {
		if (!held.delete(lock)) return;
		lock.close();
	};
}

function lockedMessage(dataDir: string, pid: number | undefined): string {
	if (pid === process.pid) {
		return `The embedded database in ${dataDir} is already open in this process.`;
	}
	const who = pid ? ` (pid ${pid})` : '';
	return (
		`The embedded database in ${dataDir} is already used by another Relais process${who}. ` +
		'Stop that process first, or give this one another RELAIS_DATA_DIR; to run several ' +
		'processes on one database, set DATABASE_URL to a PostgreSQL database.'
	);
}

/**
 * Only to name the holder in the message: Linux lists record locks in /proc/locks as
 * "1: POSIX  ADVISORY  WRITE <pid> <major>:<minor>:<inode> <start> <end>", with the pid as this
 * process's PID namespace sees it (a holder in another namespace may not be listed).
 */
function holderPid(path: string): number | undefined {
	try {
		const { dev, ino } = statSync(path, { bigint: true });
		const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
		const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
		for (const line of readFileSync('/proc/locks', 'utf8').split('\n')) {
			const fields = line.trim().split(/\s+/);
			if (fields[1] !== 'POSIX') continue; // "->" marks a waiter
			const [maj, min, inode] = (fields[5] ?? '').split(':');
			if (inode === String(ino) && BigInt(`0x${maj}`) === major && BigInt(`0x${min}`) === minor) {
				const pid = Number(fields[4]);
				if (pid > 0) return pid;
			}
		}
	} catch {
		// Not Linux, or /proc not mounted: the message goes without the pid.
	}
	return undefined;
}
