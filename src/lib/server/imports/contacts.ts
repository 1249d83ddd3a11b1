import { and, inArray, or, sql } from 'drizzle-orm';
import { contactSearch } from '../crm/search-documents.ts';
import type { Db } from '../db/client.ts';
import { contacts } from '../db/schema.ts';
import { visibleContacts } from '../access/crm-scope.ts';
import type { CsvRecord } from '../csv/index.ts';
import { resolveAccounts } from './account-refs.ts';
import { defined } from './accounts.ts';
import type { ImportContext } from './context.ts';
import { readPartner, requiredName, rowReader, type RowOutcome } from './rows.ts';
import { externalIdsTaken, ownPartnerId } from './scope.ts';
import { parseEmail } from './values.ts';

type ContactValues = {
	accountId: string;
	organisationId: string | null;
	name: string;
	email: string | null;
	jobTitle: string | null;
	phone: string | null;
	externalId: string | null;
};

export async function applyContacts(
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
	const valid: { line: number; values: ContactValues; accountName: string }[] = [];
	for (const { row, accountRef } of rows) {
		const name = requiredName(row);
		const account = accountRef ? refs.get(accountRef) : undefined;
		if (!accountRef) row.fail('imports_error_account_missing');
		else if (!account) row.fail('imports_error_account', { value: accountRef });
		const values: ContactValues = {
			accountId: account?.id ?? '',
			organisationId: ownPartnerId(actor) ?? readPartner(context, row),
			name: name ?? '',
			email: row.read('email', parseEmail),
			jobTitle: row.text('jobTitle', 200),
			phone: row.text('phone', 50),
			externalId: row.text('externalId', 200)
		};
		if (row.errors.length)
			outcomes.push({ line: row.line, outcome: 'rejected', errors: row.errors });
		else valid.push({ line: row.line, values, accountName: account!.name });
	}
	if (!valid.length) return outcomes;

	const ext = valid.map((v) => v.values.externalId).filter((x): x is string => !!x);
	const emails = valid.map((v) => v.values.email).filter((x): x is string => !!x);
	const existing = await tx
		.select({
			id: contacts.id,
			externalId: contacts.externalId,
			accountId: contacts.accountId,
			email: contacts.email,
			name: contacts.name,
			jobTitle: contacts.jobTitle,
			phone: contacts.phone
		})
		.from(contacts)
		.where(
			and(
				visibleContacts(actor),
				or(
					ext.length ? inArray(contacts.externalId, ext) : undefined,
					emails.length ? inArray(sql`lower(${contacts.email})`, emails) : undefined
				)
			)
		)
		.orderBy(contacts.createdAt, contacts.id);
	const find = (key: string) =>
		existing.find((c) =>
			key.startsWith('ext:')
				? `ext:${c.externalId}` === key
				: `email:${c.accountId}:${c.email?.toLowerCase()}` === key
		);
	const taken = await externalIdsTaken(
		tx,
		contacts,
		ext.filter((e) => !find(`ext:${e}`))
	);

	const inserts = new Map<string, { values: ContactValues; accountName: string }>();
	let anonymous = 0;
	for (const { line, values, accountName } of valid) {
		// Contacts without e-mail have no natural key: each row is a new contact.
		const key = values.externalId
			? `ext:${values.externalId}`
			: values.email
				? `email:${values.accountId}:${values.email}`
				: `row:${anonymous++}`;
		const pending = inserts.get(key);
		if (pending) {
			pending.values = { ...pending.values, ...defined(values) };
			outcomes.push({ line, outcome: 'updated', errors: [] });
			continue;
		}
		const match = find(key);
		if (match) {
			const merged = { ...match, ...defined(values) };
			await tx
				.update(contacts)
				.set({
					...defined(values),
					search: contactSearch(merged, accountName),
					version: sql`${contacts.version} + 1`,
					updatedAt: sql`now()`
				})
				.where(sql`${contacts.id} = ${match.id}`);
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
		inserts.set(key, { values, accountName });
		outcomes.push({ line, outcome: 'created', errors: [] });
	}
	if (inserts.size) {
		await tx.insert(contacts).values(
			[...inserts.values()].map(({ values, accountName }) => ({
				...values,
				search: contactSearch(values, accountName)
			}))
		);
	}
	return outcomes;
}
