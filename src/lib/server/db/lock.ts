import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirLockedError extends Error {
	code = 'DATA_DIR_LOCKED' as const;
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: the process exists but belongs to someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * PGlite does not lock its folder, and two processes writing one data directory corrupt it.
 * A lock file holding our pid guards it; a lock left by a dead process is taken over.
 */
export function acquireDataDirLock(dataDir: string): () => void {
	const path = join(dataDir, 'relais.lock');
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = openSync(path, 'wx');
			writeSync(fd, String(process.pid));
			closeSync(fd);
			let released = false;
			return () => {
				if (released) return;
				released = true;
				rmSync(path, { force: true });
			};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
			if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
				throw new DataDirLockedError(
					`The embedded database in ${dataDir} is already used by another Relais process (pid ${pid}). ` +
						'Stop that process first, or set DATABASE_URL to run several processes on PostgreSQL.'
				);
			}
			if (pid === process.pid) {
				throw new DataDirLockedError(
					`The embedded database in ${dataDir} is already open in this process.`
				);
			}
			rmSync(path, { force: true }); // stale lock from a process that died
		}
	}
	throw new DataDirLockedError(`Could not lock ${dataDir}.`);
}
