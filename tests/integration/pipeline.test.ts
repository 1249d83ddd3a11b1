import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import {
	pipelineBoard,
	pipelineFilterOptions,
	pipelineTable,
	pipelineTotals,
	type PipelineFilter
} from '../../src/lib/server/crm/pipeline.ts';
import { moveOpportunityStage } from '../../src/lib/server/crm/pipeline-move.ts';
import { tables, type Db } from '../../src/lib/server/db/index.ts';
import { LIVE_CHANNEL } from '../../src/lib/server/live/index.ts';
import type { Stage } from '../../src/lib/shared/enums.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestOrganisation, createTestUser } from '../support/factories.ts';

const TODAY = '2026-05-15';

function actorOf(t: Awaited<ReturnType<typeof createTestUser>>): Actor {
	return {
		id: t.user.id,
		role: t.user.role,
		organisationId: t.organisation.id,
		organisationKind: t.organisation.kind
	};
}

describe.each(drivers())('the pipeline on %s', (driver) => {
	let database: TestDatabase;
	let db: Db;
	let manager: Actor;
	let repA: Actor;
	let alphaUser: Actor;
	let alphaId: string;
	let betaId: string;
	let southId: string;
	const ids: Record<string, string> = {};

	beforeAll(async () => {
		database = await freshDatabase(driver);
		db = database.db;
		const alpha = await createTestOrganisation(db, { name: 'Alpha Pipeline' });
		const beta = await createTestOrganisation(db, { name: 'Beta Pipeline' });
		alphaId = alpha.id;
		betaId = beta.id;
		manager = actorOf(await createTestUser(db, { role: 'manager', name: 'Mona Manager' }));
		const a = await createTestUser(db, { role: 'rep', name: 'Rémi Rep' });
		const b = await createTestUser(db, { role: 'rep', name: 'Bea Rep' });
		repA = actorOf(a);
		alphaUser = actorOf(await createTestUser(db, { role: 'partner_admin', organisation: alpha }));
		const [north, south] = await db
			.insert(tables.regions)
			.values([
				{ code: 'pipe-n', name: 'Nord' },
				{ code: 'pipe-s', name: 'Sud' }
			])
			.returning();
		southId = south.id;
		const account = async (name: string, regionId: string, partnerId: string | null) => {
			const [row] = await db
				.insert(tables.accounts)
				.values({ name, normalisedName: name.toLowerCase(), regionId })
				.returning();
			if (partnerId) {
				await db
					.insert(tables.accountPartners)
					.values({ accountId: row.id, organisationId: partnerId });
			}
			return row.id;
		};
		const acc1 = await account('Acme Nord', north.id, alpha.id);
		const acc2 = await account('Bolt Sud', south.id, beta.id);
		const acc3 = await account('Cap Direct', north.id, null);
		const deal = async (
			key: string,
			values: {
				accountId: string;
				partnerId: string | null;
				ownerId: string | null;
				stage: Stage;
				amountCents: number;
				probability: number;
				closeDate: string | null;
				deletedAt?: Date;
			}
		) => {
			const [row] = await db
				.insert(tables.opportunities)
				.values({ name: `Deal ${key}`, ...values })
				.returning();
			ids[key] = row.id;
		};
		// prettier-ignore
		{
			await deal('a1', { accountId: acc1, partnerId: alpha.id, ownerId: a.user.id, stage: 'prospecting', amountCents: 1_000_000, probability: 10, closeDate: '2026-05-20' });
			await deal('a2', { accountId: acc1, partnerId: alpha.id, ownerId: b.user.id, stage: 'proposal', amountCents: 2_000_000, probability: 50, closeDate: '2026-06-10' });
			await deal('b1', { accountId: acc2, partnerId: beta.id, ownerId: a.user.id, stage: 'proposal', amountCents: 3_000_000, probability: 50, closeDate: '2026-08-01' });
			await deal('d1', { accountId: acc3, partnerId: null, ownerId: b.user.id, stage: 'negotiation', amountCents: 4_000_000, probability: 75, closeDate: '2026-04-01' });
			await deal('d2', { accountId: acc3, partnerId: null, ownerId: a.user.id, stage: 'won', amountCents: 500_000, probability: 100, closeDate: '2026-03-01' });
			await deal('d3', { accountId: acc3, partnerId: null, ownerId: null, stage: 'prospecting', amountCents: 12_345, probability: 33, closeDate: null });
			await deal('gone', { accountId: acc1, partnerId: alpha.id, ownerId: a.user.id, stage: 'proposal', amountCents: 9_999_900, probability: 50, closeDate: '2026-05-16', deletedAt: new Date() });
		}
	});

	afterAll(async () => {
		await database?.drop();
	});

	const names = async (actor: Actor, filter: PipelineFilter) => {
		const page = await pipelineTable(
			db,
			actor,
			{ today: TODAY, ...filter },
			{ sort: 'name', limit: 100 }
		);
		return page.items.map((item) => item.name.replace('Deal ', ''));
	};

	it('sums count, amount and weighted amount per stage, zeros included, without deleted deals', async () => {
		const totals = await pipelineTotals(db, manager, { today: TODAY });
		expect(totals).toEqual([
			// 1,000,000 × 10 % + 12,345 × 33 % = 100,000 + 4,073.85 → 104,074 cents.
			{ stage: 'prospecting', count: 2, amountCents: 1_012_345, weightedCents: 104_074 },
			{ stage: 'qualification', count: 0, amountCents: 0, weightedCents: 0 },
			{ stage: 'proposal', count: 2, amountCents: 5_000_000, weightedCents: 2_500_000 },
			{ stage: 'negotiation', count: 1, amountCents: 4_000_000, weightedCents: 3_000_000 },
			{ stage: 'won', count: 1, amountCents: 500_000, weightedCents: 500_000 },
			{ stage: 'lost', count: 0, amountCents: 0, weightedCents: 0 }
		]);
	});

	it('filters by owner, partner, direct team, region and stage', async () => {
		expect(await names(manager, { ownerId: repA.id })).toEqual(['a1', 'b1', 'd2']);
		expect(await names(manager, { partnerId: alphaId })).toEqual(['a1', 'a2']);
		expect(await names(manager, { partnerId: 'direct' })).toEqual(['d1', 'd2', 'd3']);
		expect(await names(manager, { regionId: southId })).toEqual(['b1']);
		expect(await names(manager, { stage: 'proposal' })).toEqual(['a2', 'b1']);
		expect(await names(manager, { stage: 'proposal', partnerId: betaId })).toEqual(['b1']);
	});

	it('filters by close period: this month, this quarter, next quarter, overdue and custom dates', async () => {
		expect(await names(manager, { period: 'this_month' })).toEqual(['a1']);
		expect(await names(manager, { period: 'this_quarter' })).toEqual(['a1', 'a2', 'd1']);
		expect(await names(manager, { period: 'next_quarter' })).toEqual(['b1']);
		// Won deals are never overdue, and a deal without a close date is not either.
		expect(await names(manager, { period: 'overdue' })).toEqual(['d1']);
		expect(
			await names(manager, { period: 'custom', from: '2026-06-01', to: '2026-08-31' })
		).toEqual(['a2', 'b1']);
		expect(await names(manager, { period: 'custom', from: '2026-08-01' })).toEqual(['b1']);
	});

	it('totals follow the filters', async () => {
		const totals = await pipelineTotals(db, manager, { today: TODAY, ownerId: repA.id });
		const proposal = totals.find((t) => t.stage === 'proposal');
		expect(proposal).toEqual({
			stage: 'proposal',
			count: 1,
			amountCents: 3_000_000,
			weightedCents: 1_500_000
		});
	});

	it("shows a partner user of Alpha only Alpha's deals, totals and partner option", async () => {
		expect(await names(alphaUser, {})).toEqual(['a1', 'a2']);
		expect(await names(alphaUser, { partnerId: betaId })).toEqual([]);
		expect(await names(alphaUser, { partnerId: 'direct' })).toEqual([]);
		const options = await pipelineFilterOptions(db, alphaUser);
		expect(options.partners).toEqual([{ id: alphaId, name: 'Alpha Pipeline' }]);
		const totals = await pipelineTotals(db, alphaUser, { today: TODAY });
		expect(totals.reduce((sum, t) => sum + t.count, 0)).toBe(2);
		expect(totals.reduce((sum, t) => sum + t.amountCents, 0)).toBe(3_000_000);
		const board = await pipelineBoard(db, alphaUser, { today: TODAY });
		const shown = board.flatMap((c) => c.cards);
		expect(shown.map((c) => c.partnerName)).toEqual(['Alpha Pipeline', 'Alpha Pipeline']);
		expect(shown.every((c) => c.canEdit)).toBe(true);
	});

	it('offers the host every partner company and every host person, without scanning deals', async () => {
		const options = await pipelineFilterOptions(db, manager);
		expect(options.partners.map((p) => p.name)).toEqual(['Alpha Pipeline', 'Beta Pipeline']);
		expect(options.owners.map((o) => o.name)).toEqual(
			expect.arrayContaining(['Bea Rep', 'Mona Manager', 'Rémi Rep'])
		);
		expect(options.regions.map((r) => r.name)).toEqual(expect.arrayContaining(['Nord', 'Sud']));
	});

	it('puts every card in its stage column, soonest close first, and says which a rep may move', async () => {
		const board = await pipelineBoard(db, repA, { today: TODAY });
		expect(board.map((c) => c.stage)).toEqual([
			'prospecting',
			'qualification',
			'proposal',
			'negotiation',
			'won',
			'lost'
		]);
		const prospecting = board[0];
		expect(prospecting.cards.map((c) => c.name)).toEqual(['Deal a1', 'Deal d3']);
		expect(prospecting.cards[0]).toMatchObject({
			accountName: 'Acme Nord',
			partnerName: 'Alpha Pipeline',
			ownerName: 'Rémi Rep',
			amountCents: 1_000_000,
			canEdit: true
		});
		const proposal = board[2].cards;
		expect(proposal.find((c) => c.name === 'Deal a2')?.canEdit).toBe(false);
		expect(proposal.find((c) => c.name === 'Deal b1')?.canEdit).toBe(true);
	});

	it('pages the table with a keyset cursor in amount order, both ways', async () => {
		const first = await pipelineTable(db, manager, {}, { sort: 'amount', limit: 2 });
		expect(first.items.map((i) => i.name)).toEqual(['Deal d3', 'Deal d2']);
		expect(first.previous).toBeNull();
		const second = await pipelineTable(
			db,
			manager,
			{},
			{ sort: 'amount', limit: 2, after: first.nextCursor }
		);
		expect(second.items.map((i) => i.name)).toEqual(['Deal a1', 'Deal a2']);
		expect(second.previous).toEqual({ cursor: null });
		const third = await pipelineTable(
			db,
			manager,
			{},
			{ sort: 'amount', limit: 2, after: second.nextCursor }
		);
		expect(third.items.map((i) => i.name)).toEqual(['Deal b1', 'Deal d1']);
		expect(third.nextCursor).toBeNull();
		expect(third.previous).toEqual({ cursor: first.nextCursor });

		const down = await pipelineTable(db, manager, {}, { sort: 'amount', dir: 'desc', limit: 4 });
		expect(down.items.map((i) => i.name)).toEqual(['Deal d1', 'Deal b1', 'Deal a2', 'Deal a1']);
		const rest = await pipelineTable(
			db,
			manager,
			{},
			{ sort: 'amount', dir: 'desc', limit: 4, after: down.nextCursor }
		);
		expect(rest.items.map((i) => i.name)).toEqual(['Deal d2', 'Deal d3']);
	});

	it('sorts by close date with undated deals last, and by name', async () => {
		const first = await pipelineTable(db, manager, {}, { sort: 'close', limit: 4 });
		expect(first.items.map((i) => i.name)).toEqual(['Deal d2', 'Deal d1', 'Deal a1', 'Deal a2']);
		const next = await pipelineTable(
			db,
			manager,
			{},
			{ sort: 'close', limit: 4, after: first.nextCursor }
		);
		expect(next.items.map((i) => i.name)).toEqual(['Deal b1', 'Deal d3']);
		const byName = await pipelineTable(db, manager, {}, { sort: 'name', dir: 'desc', limit: 3 });
		expect(byName.items.map((i) => i.name)).toEqual(['Deal d3', 'Deal d2', 'Deal d1']);
	});

	it('moves a deal and announces it live to the host and its partner, after commit', async () => {
		const payloads: string[] = [];
		const unlisten = await database.listen(LIVE_CHANNEL, (payload) => payloads.push(payload));
		try {
			const moved = await moveOpportunityStage(db, alphaUser, {
				id: ids.a1,
				version: 1,
				stage: 'qualification'
			});
			expect(moved).toMatchObject({ id: ids.a1, version: 2, changed: true });
			await expect.poll(() => payloads.some((p) => p.includes('opportunity.changed'))).toBe(true);
			const event = JSON.parse(payloads.find((p) => p.includes('opportunity.changed'))!);
			expect(event).toMatchObject({
				type: 'opportunity.changed',
				audience: { organisation: alphaId },
				data: { id: ids.a1 }
			});
			const totals = await pipelineTotals(db, manager, { today: TODAY });
			expect(totals.find((t) => t.stage === 'qualification')).toMatchObject({
				count: 1,
				amountCents: 1_000_000,
				// The stage's default probability (25 %) comes with the move.
				weightedCents: 250_000
			});
		} finally {
			await unlisten();
		}
	});

	it("refuses a stale version and a colleague's deal, and announces nothing then", async () => {
		const payloads: string[] = [];
		const unlisten = await database.listen(LIVE_CHANNEL, (payload) => payloads.push(payload));
		try {
			const code = async (promise: Promise<unknown>) =>
				promise.then(
					() => 'none',
					(cause: { code?: string }) => cause.code
				);
			// a1 is at version 2 since the previous test.
			expect(
				await code(moveOpportunityStage(db, manager, { id: ids.a1, version: 1, stage: 'won' }))
			).toBe('STALE');
			// Deal a2 belongs to the other rep: rep A reads it but may not move it.
			expect(
				await code(moveOpportunityStage(db, repA, { id: ids.a2, version: 1, stage: 'won' }))
			).toBe('FORBIDDEN');
			expect(
				await code(moveOpportunityStage(db, alphaUser, { id: ids.b1, version: 1, stage: 'won' }))
			).toBe('NOT_FOUND');
			await new Promise((resolve) => setTimeout(resolve, 200));
			expect(payloads.filter((p) => p.includes('opportunity.changed'))).toEqual([]);
			const totals = await pipelineTotals(db, manager, { today: TODAY });
			expect(totals.find((t) => t.stage === 'won')?.count).toBe(1);
		} finally {
			await unlisten();
		}
	});
});
