import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { resolve } from 'node:path';
import type { Database, Schema } from './client.ts';

export const MIGRATIONS_FOLDER = resolve(process.env.RELAIS_MIGRATIONS_DIR ?? 'drizzle');

/** Applies the migrations in drizzle/ (one history for both drivers). */
export async function migrate(database: Database, migrationsFolder = MIGRATIONS_FOLDER) {
	if (database.kind === 'pglite') {
		await migratePglite(database.db as PgliteDatabase<Schema>, { migrationsFolder });
	} else {
		await migratePostgres(database.db as PostgresJsDatabase<Schema>, { migrationsFolder });
	}
}
