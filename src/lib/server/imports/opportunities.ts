import { isHostActor } from '../access/actor.ts';
import { and, inArray, or, sql } from 'drizzle-orm';
import { opportunitySearch } from '../crm/search-documents.ts';
import type { Db } from '../db/client.ts';
import { opportunities, opportunityHistory } from '../db/schema.ts';
import { visibleOpportunities } from '../access/crm-scope.ts';
import type { CsvRecord } from '../csv/index.ts';
import { OPEN_STAGES, STAGE_PROBABILITY, type Stage } from '../../shared/enums.ts';
import { resolveAccounts } from './account-refs.ts';
import { defined } from './accounts.ts';
import type { ImportContext } from './context.ts';
import { readPartner, requiredName, rowReader, type RowOutcome } from './rows.ts';
import { externalIdsTaken, ownPartnerId } from './scope.ts';
import { parseAmount, parseDate, parseProbability, parseStage } from './values.ts';

type OpportunityValues = {
	accountId: string;
	partnerId: string | null;
	name: string;
	stage: Stage | null;
	amountCents: number | null;
	closeDate: string | null;
	probability: number | null;
	nextStep: string | null;
	products: string | null;
	lostReason: string | null;
	externalId: string | null;
};

const isOpen = (stage: Stage) => (OPEN_STAGES as readonly string[]).includes(stage);

export async function applyOpportunities(
	tx: Db,
	context: ImportContext,
	records: CsvRecord[]
): Promise<RowOutcome[]> {
	const { actor } = context;
	const outcomes: RowOutcome[] = [];
	const rows = records.map((record) => {
		const row = rowReader(context, record);
		return { row, accountRef: row.text('account', 200) };
	});
	const refs = await resolveAccounts(
		tx,
		actor,
		rows.map((r) => r.accountRef).filter((x): x is string => !!x)
	);
	const valid: { line: number; values: OpportunityValues; accountName: string }[] = [];
	for (const { row, accountRef } of rows) {
		const name = requiredName(row);
		const account = accountRef ? refs.get(accountRef) : undefined;
		if (!accountRef) row.fail('imports_error_account_missing');
		else if (!account) row.fail('imports_error_account', { value: accountRef });
		const values: OpportunityValues = {
			accountId: account?.id ?? '',
			partnerId: ownPartnerId(actor) ?? readPartner(context, row),
			name: name ?? '',
			stage: row.read('stage', parseStage),
			amountCents: row.read('amount', (text) => parseAmount(text, context.locale)),
			closeDate: row.read('closeDate', parseDate),
			probability: row.read('probability', parseProbability),
			nextStep: row.text('nextStep', 500),
			products: row.text('products', 500),
			lostReason: row.text('lostReason', 500),
			externalId: row.text('externalId', 200)
		};
		if (values.stage === 'lost' && !values.lostReason) row.fail('imports_error_lost_reason');
		if (row.errors.length)
			outcomes.push({ line: row.line, outcome: 'rejected', errors: row.errors });
		else valid.push({ line: row.line, values, accountName: account!.name });
	}
	if (!valid.length) return outcomes;

	const ext = valid.map((v) => v.values.externalId).filter((x): x is string => !!x);
	const accountIds = valid.filter((v) => !v.values.externalId).map((v) => v.values.accountId);
	const existing = await tx
		.select({
			id: opportunities.id,
			externalId: opportunities.externalId,
			accountId: opportunities.accountId,
			name: opportunities.name,
			stage: opportunities.stage,
			amountCents: opportunities.amountCents,
			products: opportunities.products,
			nextStep: opportunities.nextStep
		})
		.from(opportunities)
		.where(
			and(
				visibleOpportunities(actor),
				or(
					ext.length ? inArray(opportunities.externalId, ext) : undefined,
					accountIds.length ? inArray(opportunities.accountId, accountIds) : undefined
				)
			)
		)
		.orderBy(opportunities.createdAt, opportunities.id);
	const keyOf = (o: { externalId: string | null; accountId: string; name: string }) =>
		o.externalId ? `ext:${o.externalId}` : `name:${o.accountId}:${o.name.toLowerCase()}`;
	const find = (key: string) =>
		existing.find((o) =>
			key.startsWith('ext:')
				? `ext:${o.externalId}` === key
				: `name:${o.accountId}:${o.name.toLowerCase()}` === key
		);
	const taken = await externalIdsTaken(
		tx,
		opportunities,
		ext.filter((e) => !find(`ext:${e}`))
	);

	const inserts = new Map<string, { id: string; values: OpportunityValues; accountName: string }>();
	const history: (typeof opportunityHistory.$inferInsert)[] = [];
	for (const { line, values, accountName } of valid) {
		const key = keyOf(values);
		const pending = inserts.get(key);
		if (pending) {
			pending.values = { ...pending.values, ...defined(values) };
			outcomes.push({ line, outcome: 'updated', errors: [] });
			continue;
		}
		const match = find(key);
		if (match) {
			const stage = values.stage ?? match.stage;
			const changes = defined({ ...values, stage: values.stage });
			const stageChanged = stage !== match.stage;
			await tx
				.update(opportunities)
				.set({
					...changes,
					probability: values.probability ?? (stageChanged ? STAGE_PROBABILITY[stage] : undefined),
					closedAt: stageChanged ? (isOpen(stage) ? null : sql`now()`) : undefined,
					search: opportunitySearch({ ...match, ...defined(values) }, accountName),
					version: sql`${opportunities.version} + 1`,
					updatedAt: sql`now()`
				})
				.where(sql`${opportunities.id} = ${match.id}`);
			if (stageChanged) {
				history.push({
					opportunityId: match.id,
					actorId: actor.id,
					field: 'stage',
					fromValue: match.stage,
					toValue: stage
				});
			}
			if (values.amountCents !== null && values.amountCents !== match.amountCents) {
				history.push({
					opportunityId: match.id,
					actorId: actor.id,
					field: 'amount',
					fromValue: String(match.amountCents),
					toValue: String(values.amountCents)
				});
			}
			outcomes.push({ line, outcome: 'updated', errors: [] });
			continue;
		}
		if (values.externalId && taken.has(values.externalId)) {
			outcomes.push({
				line,
				outcome: 'rejected',
				errors: [
					{ line, message: 'imports_error_external_id_taken', params: { value: values.externalId } }
				]
			});
			continue;
		}
		inserts.set(key, { id: crypto.randomUUID(), values, accountName });
		outcomes.push({ line, outcome: 'created', errors: [] });
	}
	if (inserts.size) {
		const created = [...inserts.values()].map(({ id, values, accountName }) => {
			const stage = values.stage ?? 'prospecting';
			return {
				...values,
				id,
				stage,
				amountCents: values.amountCents ?? 0,
				probability: values.probability ?? STAGE_PROBABILITY[stage],
				ownerId: isHostActor(actor) ? actor.id : null,
				closedAt: isOpen(stage) ? null : new Date(),
				search: opportunitySearch(values, accountName)
			};
		});
		await tx.insert(opportunities).values(created);
		for (const o of created) {
			history.push({
				opportunityId: o.id,
				actorId: actor.id,
				field: 'created',
				fromValue: null,
				toValue: o.stage
			});
		}
	}
	if (history.length) await tx.insert(opportunityHistory).values(history);
	return outcomes;
}
