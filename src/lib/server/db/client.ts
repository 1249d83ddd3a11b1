import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import postgres from 'postgres';
import * as schema from './schema.ts';
import { acquireDataDirLock } from './lock.ts';

export type Schema = typeof schema;
/** One type for both drivers; a transaction is also a Db. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type Database = {
	kind: 'postgres' | 'pglite';
	db: Db;
	/** Subscribes to a NOTIFY channel; returns the unsubscribe function. */
	listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
	close(): Promise<void>;
};

export type DbOptions = {
	databaseUrl?: string;
	dataDir?: string;
	/** An already open PGlite (tests load one from a migrated snapshot). */
	pglite?: PGlite;
	/** Max connections for PostgreSQL. */
	poolSize?: number;
};

/** DATABASE_URL set → PostgreSQL through postgres.js; else embedded PGlite in `<dataDir>/pglite`. */
export async function createDb(options: DbOptions): Promise<Database> {
	if (options.databaseUrl) return createPostgres(options.databaseUrl, options.poolSize ?? 10);
	if (options.pglite) return wrapPglite(options.pglite, async () => {});
	const dataDir = resolve(options.dataDir ?? './data');
	mkdirSync(dataDir, { recursive: true });
	const release = acquireDataDirLock(dataDir);
	try {
		const client = await PGlite.create(join(dataDir, 'pglite'));
		return wrapPglite(client, async () => release());
	} catch (error) {
		release();
		throw error;
	}
}

function createPostgres(url: string, max: number): Database {
	const client = postgres(url, { max, onnotice: () => {} });
	return {
		kind: 'postgres',
		db: drizzlePostgres({ client, schema }),
		async listen(channel, onPayload) {
			const sub = await client.listen(channel, onPayload);
			return () => sub.unlisten();
		},
		close: () => client.end({ timeout: 5 })
	};
}

function wrapPglite(client: PGlite, onClose: () => Promise<void>): Database {
	return {
		kind: 'pglite',
		db: drizzlePglite({ client, schema }),
		async listen(channel, onPayload) {
			return client.listen(channel, onPayload);
		},
		async close() {
			if (!client.closed) await client.close();
			await onClose();
		}
	};
}
