import { scheduleSessionJobs, sessionJobHandlers } from './auth/purge.ts';
import { loadConfig, type Config } from './config.ts';
import { createDb, migrate, type Database, type Db } from './db/index.ts';
import { importJobHandlers, scheduleImportJobs } from './imports/index.ts';
import { dealJobHandlers, scheduleDealJobs } from './deals/index.ts';
import { startJobRunner, type JobRunner } from './jobs/index.ts';
import { startLiveBus, type LiveBus } from './live/index.ts';
import { createLogger, type Logger } from './log/index.ts';
import { mailJobHandlers } from './mail/index.ts';
import { feedJobHandlers, scheduleFeedJobs } from './feed/digest.ts';
import { fileJobHandlers, scheduleFileJobs } from './feed/files.ts';
import { planJobHandlers, schedulePlanJobs } from './plans/reminders.ts';
import { seedDemoWorkspaceIfEmpty } from './seed/index.ts';
import { watchWorkspaceSettings } from './workspace/settings.ts';

/** Everything a process shares: one database, one live bus, one job runner, one logger. */
export type Runtime = {
	config: Config;
	log: Logger;
	database: Database;
	db: Db;
	bus: LiveBus;
	jobs: JobRunner | null;
	stop(): Promise<void>;
};

export type RuntimeOptions = {
	/** Apply migrations before anything else (the start command, dev, tests). */
	migrate?: boolean;
	/** Seed the demo workspace when the database has no organisation yet. */
	seed?: boolean;
	/** An already open database (tests). */
	database?: Database;
	log?: Logger;
};

// The SvelteKit bundle (build/handler.js) and server/ load this module separately; a global
// symbol makes them share one runtime in one process.
const KEY = Symbol.for('relais.runtime');
type Holder = { [KEY]?: Promise<Runtime> };
const holder = globalThis as Holder;

export function getRuntime(
	env: Record<string, string | undefined> = process.env,
	options: RuntimeOptions = {}
): Promise<Runtime> {
	holder[KEY] ??= createRuntime(loadConfig(env), options).catch((error: unknown) => {
		delete holder[KEY];
		throw error;
	});
	return holder[KEY];
}

/** Forgets the process runtime after it stopped (tests start several in one process). */
export function clearRuntime(): void {
	delete holder[KEY];
}

export async function createRuntime(
	config: Config,
	options: RuntimeOptions = {}
): Promise<Runtime> {
	const log =
		options.log ?? createLogger({ level: config.logLevel, pretty: config.env === 'development' });
	const database =
		options.database ??
		(await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
	try {
		if (options.migrate) await migrate(database);
		if (options.seed && config.seed === 'demo') {
			const seeded = await seedDemoWorkspaceIfEmpty(database.db, config);
			if (seeded) log.info('seeded the demo workspace');
		}
		const bus = await startLiveBus(database, log);
		// Every process forgets its copy of the workspace settings when any process changes them.
		watchWorkspaceSettings(database.db, bus);
		const jobs = config.jobs
			? startJobRunner({
					db: database.db,
					log,
					handlers: {
						...mailJobHandlers(config, log),
						...dealJobHandlers(config),
						...importJobHandlers(),
						...planJobHandlers(config),
						...feedJobHandlers(config),
						...fileJobHandlers(config),
						...sessionJobHandlers()
					},
					// Wake on NOTIFY when a job is enqueued instead of waiting for the next poll.
					listen: (channel, onPayload) => database.listen(channel, onPayload)
				})
			: null;
		if (jobs) {
			await scheduleDealJobs(database.db);
			await schedulePlanJobs(database.db);
			await scheduleFeedJobs(database.db);
			await scheduleFileJobs(database.db);
			await scheduleSessionJobs(database.db);
			await scheduleImportJobs(database.db);
		}
		let stopped: Promise<void> | undefined;
		return {
			config,
			log,
			database,
			db: database.db,
			bus,
			jobs,
			stop() {
				stopped ??= (async () => {
					await jobs?.stop();
					await bus.stop();
					await database.close();
				})();
				return stopped;
			}
		};
	} catch (error) {
		await database.close();
		throw error;
	}
}
