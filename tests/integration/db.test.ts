import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables } from '../../src/lib/server/db/index.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';

describe.each(drivers())('the database on %s', (driver) => {
	let database: TestDatabase;
	beforeAll(async () => {
		database = await freshDatabase(driver);
	});
	afterAll(async () => {
		await database.drop();
	});

	it('starts migrated and empty', async () => {
		const rows = await database.db.select().from(tables.organisations);
		expect(rows).toEqual([]);
	});

	it('refuses two users whose e-mails differ only by case', async () => {
		const [org] = await database.db
			.insert(tables.organisations)
			.values({ name: 'Host', kind: 'host' })
			.returning();
		await database.db
			.insert(tables.users)
			.values({ email: 'Ana@Relais.test', name: 'Ana', organisationId: org.id, role: 'admin' });
		await expect(
			database.db
				.insert(tables.users)
				.values({ email: 'ana@relais.test', name: 'Ana 2', organisationId: org.id, role: 'rep' })
		).rejects.toThrow();
	});

	it('delivers a NOTIFY sent inside a transaction only at commit', async () => {
		const received: string[] = [];
		const unlisten = await database.listen('test_channel', (p) => received.push(p));
		await database.db.transaction(async (tx) => {
			await tx.execute(sql`select pg_notify('test_channel', 'hello')`);
			await new Promise((resolve) => setTimeout(resolve, 50));
			expect(received).toEqual([]);
		});
		await expect.poll(() => received).toEqual(['hello']);
		await unlisten();
	});
});
