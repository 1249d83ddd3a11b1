// `npm run db:migrate`: applies drizzle/ migrations to DATABASE_URL or the embedded database.
import { loadConfig } from '../src/lib/server/config.ts';
import { createDb, migrate } from '../src/lib/server/db/index.ts';

const config = loadConfig(process.env);
const database = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
	await migrate(database);
	console.log(`Migrations applied (${database.kind}).`);
} finally {
	await database.close();
}
