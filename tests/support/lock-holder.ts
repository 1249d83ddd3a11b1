// Run as its own process by tests/integration/db-lock.test.ts. Takes the data directory's lock,
// prints "locked <pid>" and holds it until its stdin ends, then exits 0 without releasing it (the
// kernel must). Exits 3 with the refusal on stderr when another process holds the lock.
// With --on-go it prints "ready" and waits for "go <epoch ms>" on stdin, then tries at that
// instant: racers that all wake at once race tighter than racers woken one pipe write at a time.
import { acquireDataDirLock, DataDirLockedError } from '../../src/lib/server/db/lock.ts';

const [dataDir, mode] = process.argv.slice(2);

function take() {
	try {
		acquireDataDirLock(dataDir);
	} catch (error) {
		if (!(error instanceof DataDirLockedError)) throw error;
		console.error(error.message);
		process.exit(3);
	}
	process.stdout.write(`locked ${process.pid}\n`);
}

if (mode === '--on-go') {
	process.stdout.write('ready\n');
	process.stdin.once('data', (line) => {
		const wait = Number(String(line).split(' ')[1]) - Date.now();
		if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
		take();
	});
} else {
	take();
}
process.stdin.on('end', () => process.exit(0)).resume();
