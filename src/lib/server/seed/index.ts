import { sql } from 'drizzle-orm';
import { hashPassword } from '../auth/passwords.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { organisations } from '../db/schema.ts';
import { DEMO_PASSWORD } from './demo.ts';
import { insertDemoWorkspace, type SeedSummary } from './insert.ts';

export { DEMO_LOGINS, DEMO_PASSWORD, type DemoLogin } from './demo.ts';
export type { SeedSummary } from './insert.ts';

// Any constant works; it only has to be the same in every process that may seed at once.
const SEED_LOCK_SQL = sql`select pg_advisory_xact_lock(727365)`;

async function isEmpty(db: Db): Promise<boolean> {
	const rows = await db.select({ id: organisations.id }).from(organisations).limit(1);
	return rows.length === 0;
}

/** Writes the demo workspace in one transaction. Fails on a database that already has it. */
export async function seedDemoWorkspace(db: Db, config: Config): Promise<SeedSummary> {
	// One hash for every demo person: they all share the published demo password.
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	return db.transaction((tx) => insertDemoWorkspace(tx, config, passwordHash));
}

/**
 * Seeds only a database without any organisation, in one transaction; returns whether it seeded.
 * Two processes starting together on one PostgreSQL database take turns on an advisory lock, so
 * the second one finds the workspace and leaves it alone.
 */
export async function seedDemoWorkspaceIfEmpty(db: Db, config: Config): Promise<boolean> {
	if (!(await isEmpty(db))) return false;
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	return db.transaction(async (tx) => {
		await tx.execute(SEED_LOCK_SQL);
		if (!(await isEmpty(tx))) return false;
		await insertDemoWorkspace(tx, config, passwordHash);
		return true;
	});
}
