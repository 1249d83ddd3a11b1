// `npm run db:migrate`: applies drizzle/ migrations to DATABASE_URL or the embedded database.
import { ConfigError, loadConfig } from '../src/lib/server/config.ts';
import { createDb, DataDirLockedError, migrate } from '../src/lib/server/db/index.ts';

async function main(): Promise<void> {
	const config = loadConfig(process.env);
	const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
	try {
		await migrate(database);
		console.log(`Migrations applied (${database.kind}).`);
	} finally {
		await database.close();
	}
}

try {
	await main();
} catch (error) {
	// Expected failures (a bad variable, a data directory in use) are one readable line.
	if (error instanceof ConfigError || error instanceof DataDirLockedError) {
		console.error(error.message);
		process.exitCode = 1;
	} else {
		throw error;
	}
}
