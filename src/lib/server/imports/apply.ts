import type { Db } from '../db/client.ts';
import type { CsvRecord } from '../csv/index.ts';
import { applyAccounts } from './accounts.ts';
import { applyContacts } from './contacts.ts';
import type { ImportContext } from './context.ts';
import { applyOpportunities } from './opportunities.ts';
import { applyPartners } from './partners.ts';
import type { RowOutcome } from './rows.ts';

const APPLY = {
	partners: applyPartners,
	accounts: applyAccounts,
	contacts: applyContacts,
	opportunities: applyOpportunities
} as const;

/**
 * Applies a batch in a savepoint. Should the database refuse it (a constraint a lookup could not
 * foresee), the rows are retried one by one so the good ones still get in and only the offending
 * row is reported.
 */
export async function applyBatch(
	tx: Db,
	context: ImportContext,
	records: CsvRecord[]
): Promise<RowOutcome[]> {
	try {
		return await tx.transaction((inner) => APPLY[context.kind](inner, context, records));
	} catch {
		if (records.length > 1) {
			const outcomes: RowOutcome[] = [];
			for (const record of records) outcomes.push(...(await applyBatch(tx, context, [record])));
			return outcomes;
		}
		const line = records[0]?.line ?? 0;
		// The database's own message may name other companies' data: the person gets a neutral one.
		return [{ line, outcome: 'rejected', errors: [{ line, message: 'imports_error_row_failed' }] }];
	}
}
