import { PGlite } from '@electric-sql/pglite';
import { mkdirSync, writeFileSync } from 'node:fs';
import postgres from 'postgres';
import { createDb, migrate } from '../../src/lib/server/db/index.ts';
import { PGLITE_TEMPLATE, templateDatabaseUrl } from './paths.ts';

// Migrate once per run, then every test file starts from a copy: a PGlite snapshot loaded in
// memory, and on PostgreSQL `CREATE DATABASE … TEMPLATE`.
export default async function setup() {
	mkdirSync('.test-data', { recursive: true });
	const pglite = await PGlite.create();
	const embedded = await createDb({ pglite });
	await migrate(embedded);
	const dump = await pglite.dumpDataDir('gzip');
	writeFileSync(PGLITE_TEMPLATE, Buffer.from(await dump.arrayBuffer()));
	await embedded.close();

	const url = process.env.DATABASE_URL;
	if (!url) return;
	const template = templateDatabaseUrl(url);
	const admin = postgres(url, { max: 1, onnotice: () => {} });
	const name = new URL(template).pathname.slice(1);
	await admin.unsafe(`drop database if exists "${name}" with (force)`);
	await admin.unsafe(`create database "${name}"`);
	await admin.end();
	const server = await createDb({ databaseUrl: template, poolSize: 1 });
	await migrate(server);
	await server.close();
}
