import { PGlite } from '@electric-sql/pglite';
import { eq } from 'drizzle-orm';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrate, tables, type Database } from '../../src/lib/server/db/index.ts';
import { MIGRATIONS_FOLDER } from '../../src/lib/server/db/migrate.ts';
import { drivers, type Driver } from '../support/db.ts';
import { createTestOrganisation, createTestUser } from '../support/factories.ts';

// Migration 0012 rewrites the mentions plan comments stored as `@[Name](<uuid>)` (a name inside the
// body) into the one token `@[user:<uuid>]`: a database migrated up to 0011 gets old rows, then
// the rest of the migrations run.

const BEFORE = '0012_plan_comment_tokens';

/** A copy of drizzle/ holding the migrations before 0012 only. */
function migrationsBefore(tag: string): string {
	const dir = mkdtempSync(join(tmpdir(), 'relais-migrations-'));
	cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
	const journalPath = join(dir, 'meta', '_journal.json');
	const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as {
		entries: { idx: number; tag: string }[];
	};
	const cut = journal.entries.findIndex((e) => e.tag === tag);
	expect(cut).toBeGreaterThan(0);
	for (const entry of journal.entries.slice(cut)) rmSync(join(dir, `${entry.tag}.sql`));
	journal.entries = journal.entries.slice(0, cut);
	writeFileSync(journalPath, JSON.stringify(journal));
	return dir;
}

async function emptyDatabase(driver: Driver): Promise<Database & { drop(): Promise<void> }> {
	if (driver === 'pglite') {
		const database = await createDb({ pglite: await PGlite.create() });
		return { ...database, drop: () => database.close() };
	}
	const url = process.env.DATABASE_URL!;
	const name = `relais_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
	const admin = postgres(url, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database "${name}"`);
	await admin.end();
	const u = new URL(url);
	u.pathname = `/${name}`;
	const database = await createDb({ databaseUrl: u.toString(), poolSize: 2 });
	return {
		...database,
		async drop() {
			await database.close();
			const again = postgres(url, { max: 1, onnotice: () => {} });
			await again.unsafe(`drop database if exists "${name}" with (force)`);
			await again.end();
		}
	};
}

describe.each(drivers())('migration 0012 (plan comment tokens) on %s', (driver) => {
	let database: Database & { drop(): Promise<void> };
	let folder: string;
	beforeAll(async () => {
		folder = migrationsBefore(BEFORE);
		database = await emptyDatabase(driver);
		await migrate(database, folder);
	});
	afterAll(async () => {
		await database?.drop();
		rmSync(folder, { recursive: true, force: true });
	});

	it('rewrites @[Name](uuid) into @[user:uuid], and leaves everything else as it was', async () => {
		const db = database.db;
		const org = await createTestOrganisation(db, { name: 'Alpha' });
		const admin = await createTestUser(db, { role: 'admin', name: 'Ada Admin' });
		const marie = await createTestUser(db, {
			role: 'partner_member',
			organisation: org,
			name: 'Marie Petit'
		});
		const [plan] = await db
			.insert(tables.plans)
			.values({
				kind: 'partner',
				partnerId: org.id,
				title: 'Plan Alpha',
				locale: 'en',
				ownerId: admin.user.id
			})
			.returning({ id: tables.plans.id });
		const m = marie.user.id;
		const a = admin.user.id;
		const bodies = {
			two: `Ask @[Marie Petit](${m}) and @[Ada (boss)](${a}) — @[Marie Petit](${m}) again`,
			plain: 'No mention: [a link](https://example.com) and @Marie',
			broken: `@[Two\nlines](${m}) @[Marie](not-a-uuid) @[](${m})`,
			already: `@[user:${m}] is the new format`
		};
		const ids: Record<string, string> = {};
		for (const [key, body] of Object.entries(bodies)) {
			const [row] = await db
				.insert(tables.planComments)
				.values({ planId: plan.id, document: 'shared', body, authorId: a })
				.returning({ id: tables.planComments.id });
			ids[key] = row.id;
		}

		await migrate(database);

		const read = async (key: string) =>
			(
				await db
					.select({ body: tables.planComments.body })
					.from(tables.planComments)
					.where(eq(tables.planComments.id, ids[key]))
			)[0].body;
		expect(await read('two')).toBe(`Ask @[user:${m}] and @[user:${a}] — @[user:${m}] again`);
		expect(await read('plain')).toBe(bodies.plain);
		expect(await read('broken')).toBe(bodies.broken);
		expect(await read('already')).toBe(bodies.already);
	});
});
