import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { organisations } from '../db/schema.ts';
import { ensurePartnerChannel } from '../feed/channels.ts';
import type { CsvRecord } from '../csv/index.ts';
import type { Tier } from '../../shared/enums.ts';
import { defined } from './accounts.ts';
import type { ImportContext } from './context.ts';
import { readRegion, requiredName, rowReader, type RowOutcome } from './rows.ts';
import { parseTier } from './values.ts';

type PartnerValues = {
	name: string;
	tier: Tier | null;
	regionId: string | null;
	externalId: string | null;
};

/** Partner companies (host managers and admins only: canImport refuses partners this kind). */
export async function applyPartners(
	tx: Db,
	context: ImportContext,
	records: CsvRecord[]
): Promise<RowOutcome[]> {
	const outcomes: RowOutcome[] = [];
	const valid: { line: number; values: PartnerValues }[] = [];
	for (const record of records) {
		const row = rowReader(context, record);
		const values: PartnerValues = {
			name: requiredName(row) ?? '',
			tier: row.read('tier', parseTier),
			regionId: readRegion(context, row),
			externalId: row.text('externalId', 200)
		};
		if (row.errors.length)
			outcomes.push({ line: row.line, outcome: 'rejected', errors: row.errors });
		else valid.push({ line: row.line, values });
	}
	if (!valid.length) return outcomes;

	const ext = valid.map((v) => v.values.externalId).filter((x): x is string => !!x);
	const names = valid.map((v) => v.values.name.toLowerCase());
	// Every organisation, the host included: names and external ids are unique across them.
	const existing = await tx
		.select({
			id: organisations.id,
			kind: organisations.kind,
			name: organisations.name,
			externalId: organisations.externalId
		})
		.from(organisations)
		.where(
			or(
				ext.length ? inArray(organisations.externalId, ext) : undefined,
				inArray(sql`lower(${organisations.name})`, names)
			)
		);
	const byExt = new Map(existing.filter((o) => o.externalId).map((o) => [o.externalId!, o]));
	const byName = new Map(existing.map((o) => [o.name.toLowerCase(), o]));
	const seen = new Set<string>();

	for (const { line, values } of valid) {
		const match = values.externalId
			? byExt.get(values.externalId)
			: byName.get(values.name.toLowerCase());
		const reject = (message: string) =>
			outcomes.push({
				line,
				outcome: 'rejected',
				errors: [{ line, message, params: { value: values.name } }]
			});
		if (match && match.kind !== 'partner') {
			reject('imports_error_name_taken');
			continue;
		}
		// A renamed partner may not take the name of another company.
		const holder = byName.get(values.name.toLowerCase());
		if (holder && match && holder.id !== match.id) {
			reject('imports_error_name_taken');
			continue;
		}
		if (!match && holder) {
			reject('imports_error_name_taken');
			continue;
		}
		if (match) {
			await tx
				.update(organisations)
				.set({
					name: values.name,
					...defined({
						tier: values.tier,
						regionId: values.regionId,
						externalId: values.externalId
					}),
					updatedAt: sql`now()`
				})
				.where(and(eq(organisations.id, match.id), eq(organisations.kind, 'partner')));
			// A partner's feed channel carries its name.
			await ensurePartnerChannel(tx, { id: match.id, name: values.name });
			outcomes.push({ line, outcome: 'updated', errors: [] });
			continue;
		}
		const key = values.externalId
			? `ext:${values.externalId}`
			: `name:${values.name.toLowerCase()}`;
		if (seen.has(key) || seen.has(`name:${values.name.toLowerCase()}`)) {
			reject('imports_error_duplicate_in_file');
			continue;
		}
		seen.add(key).add(`name:${values.name.toLowerCase()}`);
		const [created] = await tx
			.insert(organisations)
			.values({
				name: values.name,
				kind: 'partner',
				tier: values.tier ?? 'registered',
				regionId: values.regionId,
				externalId: values.externalId
			})
			.returning({ id: organisations.id });
		await ensurePartnerChannel(tx, { id: created.id, name: values.name });
		context.partners.set(values.name.toLowerCase(), created.id);
		outcomes.push({ line, outcome: 'created', errors: [] });
	}
	return outcomes;
}
