import { isHostActor } from '../access/actor.ts';
import { and, inArray, or, sql } from 'drizzle-orm';
import { accountSearch } from '../crm/search-documents.ts';
import type { Db } from '../db/client.ts';
import { accountPartners, accounts } from '../db/schema.ts';
import { visibleAccounts } from '../access/crm-scope.ts';
import type { CsvRecord } from '../csv/index.ts';
import type { AccountSize } from '../../shared/enums.ts';
import { normaliseCompanyName, normaliseSiren } from '../../shared/normalise.ts';
import type { ImportContext } from './context.ts';
import {
	indexFirst,
	readDomain,
	readPartner,
	readRegion,
	readSiren,
	requiredName,
	rowReader,
	type RowOutcome
} from './rows.ts';
import { externalIdsTaken, ownPartnerId } from './scope.ts';
import { parseSize } from './values.ts';

type AccountValues = {
	name: string;
	normalisedName: string;
	siren: string | null;
	vatId: string | null;
	domain: string | null;
	industry: string | null;
	size: AccountSize | null;
	regionId: string | null;
	externalId: string | null;
};

/** The natural key of an account: SIREN, else domain, else normalised name. */
const naturalKey = (a: Pick<AccountValues, 'siren' | 'domain' | 'normalisedName'>) =>
	a.siren ? `siren:${a.siren}` : a.domain ? `domain:${a.domain}` : `name:${a.normalisedName}`;

/** Validates and writes a batch of account rows in the caller's transaction. */
export async function applyAccounts(
	tx: Db,
	context: ImportContext,
	records: CsvRecord[]
): Promise<RowOutcome[]> {
	const { actor } = context;
	const outcomes: RowOutcome[] = [];
	const valid: { line: number; values: AccountValues; partnerId: string | null }[] = [];

	for (const record of records) {
		const row = rowReader(context, record);
		const name = requiredName(row);
		const vatId = row.text('vatId', 40);
		const siren = readSiren(row) ?? normaliseSiren(vatId);
		const values: AccountValues = {
			name: name ?? '',
			normalisedName: normaliseCompanyName(name ?? ''),
			siren,
			vatId,
			domain: readDomain(row),
			industry: row.text('industry', 200),
			size: row.read('size', parseSize),
			regionId: readRegion(context, row),
			externalId: row.text('externalId', 200)
		};
		const partnerId = ownPartnerId(actor) ?? readPartner(context, row);
		if (name && !values.normalisedName) values.normalisedName = name.toLowerCase();
		if (row.errors.length)
			outcomes.push({ line: row.line, outcome: 'rejected', errors: row.errors });
		else valid.push({ line: row.line, values, partnerId });
	}
	if (!valid.length) return outcomes;

	// Existing accounts this person may update, matched by any key of the batch.
	const ext = valid.map((v) => v.values.externalId).filter((x): x is string => !!x);
	const sirens = valid.map((v) => v.values.siren).filter((x): x is string => !!x);
	const domains = valid.map((v) => v.values.domain).filter((x): x is string => !!x);
	const names = valid.map((v) => v.values.normalisedName);
	const keys = [
		ext.length ? inArray(accounts.externalId, ext) : undefined,
		sirens.length ? inArray(accounts.siren, sirens) : undefined,
		domains.length ? inArray(accounts.domain, domains) : undefined,
		inArray(accounts.normalisedName, names)
	].filter((k) => k !== undefined);
	const existing = await tx
		.select({
			id: accounts.id,
			externalId: accounts.externalId,
			siren: accounts.siren,
			domain: accounts.domain,
			normalisedName: accounts.normalisedName,
			name: accounts.name,
			vatId: accounts.vatId,
			industry: accounts.industry
		})
		.from(accounts)
		.where(and(visibleAccounts(actor), or(...keys)))
		.orderBy(accounts.createdAt, accounts.id);
	const byExt = indexFirst(existing, (a) => a.externalId);
	const byNatural = new Map<string, (typeof existing)[number]>();
	for (const a of existing) {
		for (const k of [
			a.siren && `siren:${a.siren}`,
			a.domain && `domain:${a.domain}`,
			`name:${a.normalisedName}`
		]) {
			if (k && !byNatural.has(k)) byNatural.set(k, a);
		}
	}
	const taken = await externalIdsTaken(
		tx,
		accounts,
		ext.filter((e) => !byExt.has(e))
	);

	const inserts = new Map<string, { id: string; values: AccountValues }>();
	const links: { accountId: string; organisationId: string }[] = [];
	for (const { line, values, partnerId } of valid) {
		const key = values.externalId ? `ext:${values.externalId}` : naturalKey(values);
		const match = values.externalId ? byExt.get(values.externalId) : byNatural.get(key);
		const pending = inserts.get(key);
		if (pending) {
			// The same record twice in one batch: the later row wins.
			pending.values = merge(pending.values, values);
			if (partnerId) links.push({ accountId: pending.id, organisationId: partnerId });
			outcomes.push({ line, outcome: 'updated', errors: [] });
			continue;
		}
		if (match) {
			const merged = merge({ ...match, size: null, regionId: null } as AccountValues, values);
			await tx
				.update(accounts)
				.set({
					name: values.name,
					normalisedName: values.normalisedName,
					...defined({
						siren: values.siren,
						vatId: values.vatId,
						domain: values.domain,
						industry: values.industry,
						size: values.size,
						regionId: values.regionId,
						externalId: values.externalId
					}),
					search: accountSearch(merged),
					version: sql`${accounts.version} + 1`,
					updatedAt: sql`now()`
				})
				.where(sql`${accounts.id} = ${match.id}`);
			if (partnerId) links.push({ accountId: match.id, organisationId: partnerId });
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
		const id = crypto.randomUUID();
		inserts.set(key, { id, values });
		if (partnerId) links.push({ accountId: id, organisationId: partnerId });
		outcomes.push({ line, outcome: 'created', errors: [] });
	}

	if (inserts.size) {
		await tx.insert(accounts).values(
			[...inserts.values()].map(({ id, values }) => ({
				id,
				...values,
				ownerId: isHostActor(actor) ? actor.id : null,
				search: accountSearch(values)
			}))
		);
	}
	if (links.length) await tx.insert(accountPartners).values(links).onConflictDoNothing();
	return outcomes;
}

/** Later non-empty values win. */
function merge(base: AccountValues, next: AccountValues): AccountValues {
	const out = { ...base } as Record<string, unknown>;
	for (const [k, v] of Object.entries(next)) if (v !== null && v !== '') out[k] = v;
	return out as AccountValues;
}

/** Only the columns the file gave a value for: an empty cell never wipes stored data. */
export function defined<T extends Record<string, unknown>>(
	values: T
): { [K in keyof T]?: Exclude<T[K], null> } {
	return Object.fromEntries(
		Object.entries(values).filter(([, v]) => v !== null && v !== undefined)
	) as { [K in keyof T]?: Exclude<T[K], null> };
}
