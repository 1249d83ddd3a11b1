import {
	createCollabServer,
	type CollabServer,
	type CollabServerOptions
} from '../../server/collab/index.ts';
import { createRelaisServer, type NodeHandler, type RelaisServer } from '../../server/http.ts';
import { loadConfig, type Config } from '../../src/lib/server/config.ts';
import { createRuntime, type Runtime } from '../../src/lib/server/runtime.ts';
import { freshDatabase, type Driver, type TestDatabase } from './db.ts';

export type TestServer = {
	/** http://127.0.0.1:<port> */
	url: string;
	/** ws://127.0.0.1:<port>/collab */
	collabUrl: string;
	/** The Origin a same-site browser page would send. */
	origin: string;
	runtime: Runtime;
	database: TestDatabase;
	collab: CollabServer | null;
	relais: RelaisServer;
	/** Closes the server, the runtime and drops the database. */
	stop(): Promise<void>;
};

export type TestServerOptions = {
	/** Default: PostgreSQL when DATABASE_URL is set, else PGlite. */
	driver?: Driver;
	/** An already open database (it is dropped on stop). Default: a fresh one. */
	database?: TestDatabase;
	/**
	 * Default: a stub answering "app". The built SvelteKit app cannot run inside vitest (its module
	 * runner re-transforms the bundle): use spawnRelais (tests/support/process.ts) for that.
	 */
	handler?: NodeHandler;
	/** Mount the collaboration server on /collab (default true). */
	collab?: boolean;
	/** Config overrides; tests run with jobs off, no seed and a silent log unless set. */
	config?: Partial<Config>;
	/** Collaboration connections per address per minute. */
	connectionsPerMinute?: number;
	/** Other collaboration server options (store debounce…). */
	collabOptions?: Omit<CollabServerOptions, 'runtime'>;
};

/** A Relais server on 127.0.0.1, port 0, in this process, on a fresh database. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
	const database = options.database ?? (await freshDatabase(options.driver));
	const config: Config = {
		...loadConfig({
			NODE_ENV: 'test',
			RELAIS_SEED: 'none',
			RELAIS_JOBS: 'off',
			LOG_LEVEL: 'silent'
		}),
		host: '127.0.0.1',
		port: 0,
		databaseUrl: database.url,
		...options.config
	};
	const runtime = await createRuntime(config, { database });
	const collab =
		options.collab === false
			? null
			: createCollabServer({
					...options.collabOptions,
					runtime,
					connectionsPerMinute: options.connectionsPerMinute
				});
	const handler: NodeHandler =
		options.handler ??
		((_req, res) => {
			res.end('app');
		});
	const relais = createRelaisServer({ runtime, handler, collab });
	const url = await relais.listen(0, '127.0.0.1');
	let stopped: Promise<void> | undefined;
	return {
		url,
		collabUrl: `${url.replace(/^http/, 'ws')}/collab`,
		origin: url,
		runtime,
		database,
		collab,
		relais,
		stop() {
			stopped ??= (async () => {
				await relais.close({ graceMs: 200 });
				await runtime.stop();
				await database.drop();
			})();
			return stopped;
		}
	};
}
