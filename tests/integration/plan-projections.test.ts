import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { tables } from '../../src/lib/server/db/index.ts';
import { afterPlanStored, WrittenProjections } from '../../src/lib/server/plans/store.ts';
import { addRow, SUMMARY_FIELD, updateRow, writeRichText } from '../../src/lib/shared/plan-doc.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestUser } from '../support/factories.ts';
import { createTestPlan } from '../support/plans.ts';

describe.each(drivers())('plan projections after a store (%s)', (driver) => {
	let database: TestDatabase;
	const db = () => database.db;
	beforeAll(async () => {
		database = await freshDatabase(driver);
	});
	afterAll(async () => {
		await database.drop();
	});

	it('writes the actions and search text again only when they changed', async () => {
		const owner = await createTestUser(db(), { role: 'rep' });
		const plan = await createTestPlan(db(), { ownerId: owner.user.id, title: 'Plan Azur' });
		const doc = new Y.Doc();
		writeRichText(doc, SUMMARY_FIELD, [{ type: 'paragraph', text: 'Grow the south' }]);
		addRow(doc, 'actions', { id: 'a1', title: 'Call', ownerId: '', due: '', status: 'todo' });
		const written = new WrittenProjections();
		const store = () =>
			afterPlanStored(db(), {
				planId: plan.id,
				document: 'shared',
				doc,
				authorIds: [owner.user.id],
				written
			});
		const actions = async () =>
			(
				await db()
					.select({ title: tables.planActions.title })
					.from(tables.planActions)
					.where(eq(tables.planActions.planId, plan.id))
			).map((row) => row.title);
		const summary = async () =>
			(
				await db()
					.select({ text: tables.plans.summaryText })
					.from(tables.plans)
					.where(eq(tables.plans.id, plan.id))
			)[0].text;

		await store();
		expect(await actions()).toEqual(['Call']);
		expect(await summary()).toContain('Grow the south');

		// Marks in the tables that a rewrite would remove: an unchanged store leaves them.
		await db().delete(tables.planActions).where(eq(tables.planActions.planId, plan.id));
		await db()
			.update(tables.plans)
			.set({ summaryText: 'untouched' })
			.where(eq(tables.plans.id, plan.id));
		await store();
		expect(await actions()).toEqual([]);
		expect(await summary()).toBe('untouched');

		// A changed action is mirrored (all of them), a renamed plan gets its search text again.
		updateRow(doc, 'actions', 'a1', { title: 'Call the CFO' });
		await db()
			.update(tables.plans)
			.set({ title: 'Plan Azur 2027' })
			.where(eq(tables.plans.id, plan.id));
		await store();
		expect(await actions()).toEqual(['Call the CFO']);
		expect(await summary()).toContain('Grow the south');

		// Without the memory (another process, a restart), everything is written.
		await db()
			.update(tables.plans)
			.set({ summaryText: 'stale' })
			.where(eq(tables.plans.id, plan.id));
		await afterPlanStored(db(), { planId: plan.id, document: 'shared', doc, authorIds: [] });
		expect(await summary()).toContain('Grow the south');
	});
});
