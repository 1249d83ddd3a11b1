import { PGlite } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { createDb, type Database } from '../../src/lib/server/db/index.ts';
import { PGLITE_TEMPLATE, templateDatabaseUrl } from './paths.ts';

export type Driver = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when DATABASE_URL is set. Use with `describe.each(drivers())`. */
export function drivers(): Driver[] {
	return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** The driver the app itself would use: PostgreSQL when DATABASE_URL is set, else PGlite. */
export function defaultDriver(): Driver {
	return process.env.DATABASE_URL ? 'postgres' : 'pglite';
}

export type TestDatabase = Database & { url?: string; drop(): Promise<void> };

/** A fresh, migrated, empty database of the given kind. */
export async function freshDatabase(driver: Driver = defaultDriver()): Promise<TestDatabase> {
	if (driver === 'pglite') {
		const blob = new Blob([readFileSync(PGLITE_TEMPLATE)]);
		const pglite = await PGlite.create({ loadDataDir: blob });
		const database = await createDb({ pglite });
		return { ...database, drop: () => database.close() };
	}
	const url = process.env.DATABASE_URL;
	if (!url) throw new Error('DATABASE_URL is not set');
	const name = `relais_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
	const template = new URL(templateDatabaseUrl(url)).pathname.slice(1);
	const admin = postgres(url, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database "${name}" template "${template}"`);
	await admin.end();
	const u = new URL(url);
	u.pathname = `/${name}`;
	const database = await createDb({ databaseUrl: u.toString(), poolSize: 4 });
	return {
		...database,
		url: u.toString(),
		async drop() {
			await database.close();
			const again = postgres(url, { max: 1, onnotice: () => {} });
			await again.unsafe(`drop database if exists "${name}" with (force)`);
			await again.end();
		}
	};
}
