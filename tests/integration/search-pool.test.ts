import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import { tables } from '../../src/lib/server/db/index.ts';
import { SEARCH_POOL, searchAll } from '../../src/lib/server/search/index.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestOrganisation, createTestUser } from '../support/factories.ts';

// A word that matches more than SEARCH_POOL rows is counted up to the pool and flagged, so that a
// broad prefix costs the same as a narrow one; below the pool, counts are exact.

describe.each(drivers())('search over a broad word on %s', (driver) => {
	let database: TestDatabase;
	let host: Actor;
	let partner: Actor;

	beforeAll(async () => {
		database = await freshDatabase(driver);
		const db = database.db;
		const org = await createTestOrganisation(db, { name: 'Gamma Pool' });
		const h = await createTestUser(db, { role: 'manager' });
		const p = await createTestUser(db, { role: 'partner_member', organisation: org });
		host = {
			id: h.user.id,
			role: h.user.role,
			organisationId: h.organisation.id,
			organisationKind: 'host'
		};
		partner = {
			id: p.user.id,
			role: p.user.role,
			organisationId: org.id,
			organisationKind: 'partner'
		};
		const [account] = await db
			.insert(tables.accounts)
			.values({
				name: 'Zephyr Hall',
				normalisedName: 'zephyr hall',
				search: sql`to_tsvector('simple', 'zephyr hall')`
			})
			.returning();
		// SEARCH_POOL + 5 direct deals, then 3 of the partner's; 'zephyr rare' names 4 of them.
		await db.execute(sql`
			insert into opportunities (account_id, partner_id, name, search)
			select ${account.id}, case when g > ${SEARCH_POOL + 5} then ${org.id}::uuid end,
				'Zephyr deal ' || g || case when g % 300 = 0 then ' rare' else '' end,
				to_tsvector('simple', 'zephyr deal ' || g || case when g % 300 = 0 then ' rare' else '' end)
			from generate_series(1, ${SEARCH_POOL + 8}) g`);
	}, 60_000);
	afterAll(() => database.drop());

	const deals = (results: Awaited<ReturnType<typeof searchAll>>) =>
		results.groups.find((g) => g.kind === 'opportunities')!;

	it('counts a broad word up to the pool, says there are more, and still shows the first hits', async () => {
		const group = deals(await searchAll(database.db, host, 'zeph'));
		expect(group).toMatchObject({ total: SEARCH_POOL, capped: true });
		expect(group.hits).toHaveLength(10);
		expect(group.hits.every((h) => h.title.startsWith('Zephyr deal'))).toBe(true);
	});

	it('counts exactly below the pool, for the host and within a partner', async () => {
		const rare = deals(await searchAll(database.db, host, 'zephyr rare'));
		expect(rare).toMatchObject({ total: 3, capped: false });
		expect(rare.hits.map((h) => h.title).sort()).toEqual([
			'Zephyr deal 300 rare',
			'Zephyr deal 600 rare',
			'Zephyr deal 900 rare'
		]);
		const own = deals(await searchAll(database.db, partner, 'zeph'));
		expect(own).toMatchObject({ total: 3, capped: false });
		expect(own.hits.map((h) => h.title).sort()).toEqual([
			`Zephyr deal ${SEARCH_POOL + 6}`,
			`Zephyr deal ${SEARCH_POOL + 7}`,
			`Zephyr deal ${SEARCH_POOL + 8}`
		]);
	});
});
