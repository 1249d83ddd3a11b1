import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import { restoreRecord } from '../../src/lib/server/crm/deleted.ts';
import {
	changeOpportunityStage,
	createOpportunity,
	deleteOpportunity,
	updateOpportunity
} from '../../src/lib/server/crm/opportunities.ts';
import { pipelineTotals, type PipelineFilter } from '../../src/lib/server/crm/pipeline.ts';
import { tables, type Db } from '../../src/lib/server/db/index.ts';
import { OPEN_STAGES, STAGES, type Stage } from '../../src/lib/shared/enums.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestOrganisation, createTestUser } from '../support/factories.ts';

// pipeline_stage_totals is kept by triggers (drizzle/0005_crm_totals_triggers.sql) and the board's
// totals read it: after every kind of write, what Relais shows must equal a plain SUM over the
// deals, for every filter, and the table itself must equal a recomputation from scratch.

const TODAY = '2026-05-15';

type Row = { stage: string; count: number; amount: number; weighted: number };

describe.each(drivers())('pipeline stage totals on %s', (driver) => {
	let database: TestDatabase;
	let db: Db;
	let admin: Actor;
	let manager: Actor;
	let rep: Actor;
	let alpha: Actor;
	let beta: Actor;
	let alphaId: string;
	let betaId: string;
	let north: string;
	let south: string;
	let accountNorth: string;
	let accountSouth: string;
	const deals: string[] = [];

	const actorOf = (t: Awaited<ReturnType<typeof createTestUser>>): Actor => ({
		id: t.user.id,
		role: t.user.role,
		organisationId: t.organisation.id,
		organisationKind: t.organisation.kind
	});

	beforeAll(async () => {
		database = await freshDatabase(driver);
		db = database.db;
		const a = await createTestOrganisation(db, { name: 'Alpha Totals' });
		const b = await createTestOrganisation(db, { name: 'Beta Totals' });
		alphaId = a.id;
		betaId = b.id;
		admin = actorOf(await createTestUser(db, { role: 'admin' }));
		manager = actorOf(await createTestUser(db, { role: 'manager' }));
		rep = actorOf(await createTestUser(db, { role: 'rep' }));
		alpha = actorOf(await createTestUser(db, { role: 'partner_admin', organisation: a }));
		beta = actorOf(await createTestUser(db, { role: 'partner_admin', organisation: b }));
		const regions = await db
			.insert(tables.regions)
			.values([
				{ code: 'tot-n', name: 'Nord' },
				{ code: 'tot-s', name: 'Sud' }
			])
			.returning();
		[north, south] = regions.map((r) => r.id);
		const accounts = await db
			.insert(tables.accounts)
			.values([
				{ name: 'Acme Nord', normalisedName: 'acme nord', regionId: north },
				{ name: 'Bolt Sud', normalisedName: 'bolt sud', regionId: south }
			])
			.returning();
		[accountNorth, accountSouth] = accounts.map((r) => r.id);
		await db.insert(tables.accountPartners).values([
			{ accountId: accountNorth, organisationId: alphaId },
			{ accountId: accountSouth, organisationId: alphaId },
			{ accountId: accountSouth, organisationId: betaId }
		]);
	}, 60_000);

	afterAll(async () => {
		await database?.drop();
	});

	/** What a SUM over the live deals says, per stage, for a filter written in SQL. */
	async function summed(where = sql`true`): Promise<Map<string, Row>> {
		const result = await db.execute<Row>(sql`
			select o.stage, count(*)::int as count, coalesce(sum(o.amount_cents), 0)::bigint as amount,
				coalesce(round(sum(o.amount_cents * o.probability) / 100.0), 0)::bigint as weighted
			from opportunities o join accounts a on a.id = o.account_id
			where o.deleted_at is null and ${where} group by o.stage`);
		const rows = (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
		return new Map(
			rows.map((r) => [
				r.stage,
				{ ...r, count: Number(r.count), amount: Number(r.amount), weighted: Number(r.weighted) }
			])
		);
	}

	async function expectTotals(actor: Actor, filter: PipelineFilter, where = sql`true`) {
		const expected = await summed(where);
		const totals = await pipelineTotals(db, actor, { today: TODAY, ...filter });
		expect(totals.map((t) => t.stage)).toEqual([...STAGES]);
		for (const total of totals) {
			const row = expected.get(total.stage);
			expect(
				{
					stage: total.stage,
					count: total.count,
					amount: total.amountCents,
					weighted: total.weightedCents
				},
				JSON.stringify(filter)
			).toEqual({
				stage: total.stage,
				count: row?.count ?? 0,
				amount: row?.amount ?? 0,
				weighted: row?.weighted ?? 0
			});
		}
	}

	/** Every filter shape the board offers, each against the same filter written in SQL. */
	async function expectAllTotals() {
		const open = sql.join(
			OPEN_STAGES.map((s) => sql`${s}`),
			sql`, `
		);
		await expectTotals(manager, {});
		await expectTotals(manager, { partnerId: 'direct' }, sql`o.partner_id is null`);
		await expectTotals(manager, { partnerId: alphaId }, sql`o.partner_id = ${alphaId}`);
		await expectTotals(manager, { ownerId: rep.id }, sql`o.owner_id = ${rep.id}`);
		await expectTotals(manager, { regionId: south }, sql`a.region_id = ${south}`);
		await expectTotals(manager, { stage: 'proposal' }, sql`o.stage = 'proposal'`);
		await expectTotals(
			manager,
			{ period: 'this_month' },
			sql`o.close_date between '2026-05-01' and '2026-05-31'`
		);
		await expectTotals(
			manager,
			{ period: 'next_quarter' },
			sql`o.close_date between '2026-07-01' and '2026-09-30'`
		);
		await expectTotals(
			manager,
			{ period: 'overdue' },
			sql`o.close_date < '2026-05-15' and o.stage in (${open})`
		);
		// Partial months at both ends, whole months between; then within one month.
		await expectTotals(
			manager,
			{ period: 'custom', from: '2026-04-10', to: '2026-07-20' },
			sql`o.close_date between '2026-04-10' and '2026-07-20'`
		);
		await expectTotals(
			manager,
			{ period: 'custom', from: '2026-05-03', to: '2026-05-20' },
			sql`o.close_date between '2026-05-03' and '2026-05-20'`
		);
		await expectTotals(
			manager,
			{ period: 'custom', from: '2026-06-01' },
			sql`o.close_date >= '2026-06-01'`
		);
		await expectTotals(
			manager,
			{ partnerId: 'direct', regionId: north, period: 'custom', to: '2026-06-15' },
			sql`o.partner_id is null and a.region_id = ${north} and o.close_date <= '2026-06-15'`
		);
		await expectTotals(alpha, {}, sql`o.partner_id = ${alphaId}`);
		await expectTotals(beta, {}, sql`o.partner_id = ${betaId}`);
		await expectTotals(
			beta,
			{ period: 'overdue' },
			sql`o.partner_id = ${betaId} and o.close_date < '2026-05-15' and o.stage in (${open})`
		);
		// The table equals a recomputation from the deals.
		const recomputed: unknown = await db.execute(sql`
			(select stage, direct, owner_id, region_id, close_month, deals, amount_cents, weighted_cents_x100
				from pipeline_stage_totals where deals <> 0 or amount_cents <> 0 or weighted_cents_x100 <> 0
			except
			select o.stage, o.partner_id is null, o.owner_id, a.region_id,
				date_trunc('month', o.close_date::timestamp)::date, count(*), sum(o.amount_cents),
				sum(o.amount_cents * o.probability)
			from opportunities o join accounts a on a.id = o.account_id where o.deleted_at is null
			group by 1, 2, 3, 4, 5)
			union all
			(select o.stage, o.partner_id is null, o.owner_id, a.region_id,
				date_trunc('month', o.close_date::timestamp)::date, count(*), sum(o.amount_cents),
				sum(o.amount_cents * o.probability)
			from opportunities o join accounts a on a.id = o.account_id where o.deleted_at is null
			group by 1, 2, 3, 4, 5
			except
			select stage, direct, owner_id, region_id, close_month, deals, amount_cents, weighted_cents_x100
				from pipeline_stage_totals)`);
		const differences = Array.isArray(recomputed)
			? recomputed
			: (recomputed as { rows: unknown[] }).rows;
		expect(differences).toEqual([]);
	}

	const create = async (
		actor: Actor,
		values: {
			stage: Stage;
			amountCents: number;
			closeDate: string | null;
			partnerId?: string | null;
			ownerId?: string | null;
			accountId?: string;
		}
	) => {
		const { id } = await createOpportunity(db, actor, {
			name: `Deal ${deals.length}`,
			accountId: values.accountId ?? accountNorth,
			partnerId: values.partnerId ?? null,
			ownerId: values.ownerId ?? null,
			stage: values.stage,
			amountCents: values.amountCents,
			closeDate: values.closeDate,
			probability: null,
			nextStep: null,
			lostReason: values.stage === 'lost' ? 'Price' : null,
			products: null
		});
		deals.push(id);
		return id;
	};

	it('equal a SUM over the deals after deals are created, by the host and by partners', async () => {
		// prettier-ignore
		{
			await create(manager, { stage: 'prospecting', amountCents: 1_000_000, closeDate: '2026-04-09' });
			await create(manager, { stage: 'proposal', amountCents: 2_345_678, closeDate: '2026-04-10', ownerId: rep.id });
			await create(manager, { stage: 'negotiation', amountCents: 3_000_001, closeDate: '2026-05-14', partnerId: alphaId });
			await create(manager, { stage: 'won', amountCents: 500_000, closeDate: '2026-05-31', accountId: accountSouth });
			await create(manager, { stage: 'qualification', amountCents: 12_345, closeDate: null, ownerId: rep.id });
			await create(manager, { stage: 'proposal', amountCents: 7_777, closeDate: '2026-07-20', accountId: accountSouth, partnerId: betaId });
			await create(alpha, { stage: 'prospecting', amountCents: 99_999, closeDate: '2026-07-21' });
			await create(beta, { stage: 'qualification', amountCents: 4_321, closeDate: '2026-05-02', accountId: accountSouth });
			await create(manager, { stage: 'lost', amountCents: 60_000, closeDate: '2026-03-31', partnerId: alphaId });
		}
		await expectAllTotals();
	});

	it('follow stage moves, edits of amount, close date, owner, partner and account, deletes and restores', async () => {
		const version = async (id: string) =>
			(
				await db
					.select({ v: tables.opportunities.version })
					.from(tables.opportunities)
					.where(sql`id = ${id}`)
			)[0].v;
		await changeOpportunityStage(db, manager, {
			id: deals[0],
			version: await version(deals[0]),
			stage: 'negotiation'
		});
		await changeOpportunityStage(db, manager, {
			id: deals[2],
			version: await version(deals[2]),
			stage: 'lost',
			lostReason: 'Budget'
		});
		await updateOpportunity(db, manager, {
			id: deals[1],
			version: await version(deals[1]),
			name: 'Deal moved',
			partnerId: null,
			ownerId: null,
			stage: 'won',
			amountCents: 8_888_888,
			closeDate: '2026-06-30',
			probability: 90,
			nextStep: 'Sign',
			lostReason: null,
			products: null
		});
		// Another account (no command moves a deal between accounts; SQL may).
		await db
			.update(tables.opportunities)
			.set({ accountId: accountSouth })
			.where(sql`id = ${deals[4]}`);
		await expectAllTotals();
		await deleteOpportunity(db, manager, { id: deals[3] });
		await deleteOpportunity(db, alpha, { id: deals[6] });
		await expectAllTotals();
		await restoreRecord(db, admin, { kind: 'opportunity', id: deals[3] });
		await expectAllTotals();
	});

	it('follow an account that changes region, bulk statements, a batch insert and hard deletes', async () => {
		await db
			.update(tables.accounts)
			.set({ regionId: north })
			.where(sql`id = ${accountSouth}`);
		await expectAllTotals();
		// What imports and jobs do: many rows in one statement.
		await db.insert(tables.opportunities).values(
			Array.from({ length: 40 }, (_, i) => ({
				name: `Imported ${i}`,
				accountId: i % 2 ? accountNorth : accountSouth,
				partnerId: i % 3 === 0 ? null : i % 3 === 1 ? alphaId : betaId,
				ownerId: i % 4 === 0 ? rep.id : null,
				stage: STAGES[i % STAGES.length],
				amountCents: 1_000 * (i + 1),
				probability: (i * 7) % 101,
				closeDate:
					i % 5 === 0 ? null : `2026-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`
			}))
		);
		await expectAllTotals();
		await db
			.update(tables.opportunities)
			.set({ amountCents: sql`amount_cents + 1`, closeDate: sql`close_date + 20` })
			.where(sql`name like 'Imported %'`);
		await db
			.update(tables.opportunities)
			.set({ nextStep: 'Call' })
			.where(sql`true`);
		await expectAllTotals();
		await db.delete(tables.opportunities).where(sql`name like 'Imported 1%'`);
		await db
			.update(tables.accounts)
			.set({ regionId: null })
			.where(sql`id = ${accountNorth}`);
		await expectAllTotals();
	});

	it('serve each partner its own totals from the same prepared statement', async () => {
		const a = await pipelineTotals(db, alpha, { today: TODAY });
		const b = await pipelineTotals(db, beta, { today: TODAY });
		const again = await pipelineTotals(db, alpha, { today: TODAY });
		expect(again).toEqual(a);
		expect(b).not.toEqual(a);
		await expectTotals(alpha, {}, sql`o.partner_id = ${alphaId}`);
		await expectTotals(beta, {}, sql`o.partner_id = ${betaId}`);
	});
});
