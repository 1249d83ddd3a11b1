import { ConfigError, loadConfig, type Config } from '../src/lib/server/config.ts';
import { DataDirLockedError } from '../src/lib/server/db/index.ts';
import {
	createRuntime,
	getRuntime,
	type Runtime,
	type RuntimeOptions
} from '../src/lib/server/runtime.ts';

/** Readable, expected failures: one line on stderr, exit code 1, no stack trace. */
function exitWith(message: string): never {
	console.error(message);
	process.exit(1);
}

/**
 * Validates the environment and opens the process runtime, failing fast with a readable message
 * on a bad variable or on an embedded database already used by another process.
 */
export async function startRuntime(
	options: RuntimeOptions,
	override: Partial<Config> = {}
): Promise<{ config: Config; runtime: Runtime }> {
	let config: Config;
	try {
		config = { ...loadConfig(process.env), ...override };
	} catch (error) {
		if (error instanceof ConfigError) exitWith(error.message);
		throw error;
	}
	try {
		// The process runtime is shared with the SvelteKit bundle (getRuntime); an override makes a
		// private one (the collaboration server alone runs no jobs).
		const runtime =
			Object.keys(override).length === 0
				? await getRuntime(process.env, options)
				: await createRuntime(config, options);
		return { config, runtime };
	} catch (error) {
		if (error instanceof DataDirLockedError) exitWith(error.message);
		throw error;
	}
}

// Past this, a stuck shutdown (a database that does not answer) gives up.
const SHUTDOWN_DEADLINE_MS = 30_000;

/**
 * SIGTERM / SIGINT: run `stop` (stop accepting, close live connections, drain requests), then
 * stop the runtime (jobs, live bus, database and its lock) and exit 0. A second signal exits at once.
 */
export function handleShutdownSignals(runtime: Runtime, stop: () => Promise<void>): void {
	let stopping = false;
	const onSignal = (signal: NodeJS.Signals) => {
		if (stopping) {
			runtime.log.warn({ signal }, 'second signal, exiting now');
			process.exit(1);
		}
		stopping = true;
		runtime.log.info({ signal }, 'shutting down');
		setTimeout(() => {
			runtime.log.error('shutdown took too long, exiting');
			process.exit(1);
		}, SHUTDOWN_DEADLINE_MS).unref();
		void (async () => {
			try {
				await stop();
				await runtime.stop();
				runtime.log.info('stopped');
				process.exit(0);
			} catch (error) {
				runtime.log.error({ err: error }, 'shutdown failed');
				process.exit(1);
			}
		})();
	};
	process.on('SIGTERM', onSignal);
	process.on('SIGINT', onSignal);
}
