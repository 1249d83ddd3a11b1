// `npm run db:seed`: migrates, then writes the demo workspace into an empty database. It never
// touches a database that already has data: to start over, use a fresh RELAIS_DATA_DIR or database.
import { ConfigError, loadConfig } from '../src/lib/server/config.ts';
import { createDb, DataDirLockedError, migrate } from '../src/lib/server/db/index.ts';
import {
	DEMO_LOGINS,
	DEMO_PASSWORD,
	seedDemoWorkspaceIfEmpty
} from '../src/lib/server/seed/index.ts';

async function main(): Promise<number> {
	const config = loadConfig(process.env);
	const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
	const where =
		database.kind === 'pglite' ? `the embedded database in ${config.dataDir}` : 'PostgreSQL';
	try {
		await migrate(database);
		const seeded = await seedDemoWorkspaceIfEmpty(database.db, config);
		if (!seeded) {
			const forced = process.argv.includes('--force');
			console.log(
				forced
					? `Not seeding: ${where} already holds data, and the seed never overwrites it. ` +
							'Use an empty database (or a fresh RELAIS_DATA_DIR) to start over.'
					: `${where[0].toUpperCase()}${where.slice(1)} already holds data: already seeded, nothing changed.`
			);
			return 0;
		}
		console.log(`Seeded the demo workspace into ${where}.`);
		console.log(`Demo logins (password: ${DEMO_PASSWORD}):`);
		const width = Math.max(...DEMO_LOGINS.map((l) => l.email.length));
		for (const login of DEMO_LOGINS) {
			console.log(
				`  ${login.email.padEnd(width)}  ${login.role.padEnd(14)}  ${login.organisation}`
			);
		}
		return 0;
	} finally {
		await database.close();
	}
}

try {
	process.exitCode = await main();
} catch (error) {
	if (error instanceof ConfigError || error instanceof DataDirLockedError) {
		console.error(error.message);
		process.exitCode = 1;
	} else {
		throw error;
	}
}
