import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import { tables } from '../../src/lib/server/db/index.ts';
import { parseForm } from '../../src/lib/server/http/forms.ts';
import {
	createImport,
	getImport,
	runImport,
	startImport
} from '../../src/lib/server/imports/index.ts';
import { paraglideMiddleware } from '../../src/lib/paraglide/server.js';
import { cookieName, type Locale } from '../../src/lib/paraglide/runtime.js';
import type { MessageRef } from '../../src/lib/shared/forms.ts';
import { opportunityInput } from '../../src/lib/shared/schemas/crm.ts';
import { registrationSchema } from '../../src/lib/shared/schemas/deals.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestUser, type TestUser } from '../support/factories.ts';

// The same amount typed in an opportunity form (crm), a deal registration form (deals) and an
// opportunity CSV import gets the same answer — the cents, or the same message with the same
// parameters — in each of the reader's languages: the three go through shared/amount.ts.

type Answer = number | MessageRef;

/** Any day before the close dates below. */
const TODAY = '2026-01-01';

const INPUTS = [
	'12 500,50 €',
	'12\u202f500,5',
	'12,500.50',
	'€12,500.50',
	'12500',
	'1.234',
	'1,234',
	'12,345',
	'0,005',
	'-5',
	'-12 500,50 €',
	'10 000 000 000',
	'10 000 000 000,01',
	'99999999999999999999',
	'douze',
	'12,5,0',
	// About a megabyte (an import refuses a record over 1,000,000 characters before any cell).
	'9'.repeat(900_000),
	`1${' 0'.repeat(450_000)}`
];

/** Runs `run` as a request in `locale` would: Paraglide's getLocale() answers it. */
async function inLocale<T>(locale: Locale, run: () => T): Promise<T> {
	let result: T | undefined;
	await paraglideMiddleware(
		new Request('http://relais.test/', { headers: { cookie: `${cookieName}=${locale}` } }),
		() => {
			result = run();
			return new Response(null);
		}
	);
	return result as T;
}

function form(values: Record<string, string>): FormData {
	const data = new FormData();
	for (const [key, value] of Object.entries(values)) data.append(key, value);
	return data;
}

function crmAnswer(amount: string): Answer {
	const parsed = parseForm(
		opportunityInput,
		form({ name: 'Deal', stage: 'prospecting', amountCents: amount })
	);
	return parsed.ok ? parsed.data.amountCents : parsed.failure.fieldErrors.amountCents;
}

function dealsAnswer(amount: string): Answer {
	const parsed = parseForm(
		registrationSchema(TODAY),
		form({
			accountMode: 'existing',
			accountId: crypto.randomUUID(),
			amount,
			expectedCloseDate: '2099-01-01'
		})
	);
	return parsed.ok ? parsed.data.amount : parsed.failure.fieldErrors.amount;
}

describe.each(drivers())('one amount parser on %s', (driver) => {
	let database: TestDatabase;
	const people = {} as Record<Locale, TestUser>;
	const actorOf = ({ user, organisation }: TestUser): Actor => ({
		id: user.id,
		role: user.role,
		organisationId: organisation.id,
		organisationKind: organisation.kind
	});

	async function importFile(person: TestUser, kind: 'accounts' | 'opportunities', content: string) {
		const actor = actorOf(person);
		const { id } = await createImport(database.db, actor, {
			kind,
			filename: `${kind}.csv`,
			content
		});
		await startImport(database.db, actor, id);
		await runImport(database.db, id);
		return (await getImport(database.db, actor, id))!;
	}

	/** Each input as the amount of one row of an opportunity import by a person reading `locale`. */
	async function importAnswers(locale: Locale, inputs: string[]): Promise<Answer[]> {
		const names = inputs.map((_, i) => `Amount ${locale} ${i}`);
		const rows = inputs.map((amount, i) => `${names[i]};Acme Amounts;Proposition;"${amount}"`);
		const job = await importFile(
			people[locale],
			'opportunities',
			['Opportunité;Compte;Étape;Montant', ...rows].join('\r\n')
		);
		const created = await database.db
			.select({ name: tables.opportunities.name, cents: tables.opportunities.amountCents })
			.from(tables.opportunities)
			.where(inArray(tables.opportunities.name, names));
		const cents = new Map(created.map((row) => [row.name, Number(row.cents)]));
		const errors = job.errors as { line: number; message: string; params?: MessageRef['params'] }[];
		return inputs.map((_, i) => {
			if (cents.has(names[i])) return cents.get(names[i])!;
			const error = errors.find((e) => e.line === i + 2);
			return error
				? { key: error.message, ...(error.params ? { params: error.params } : {}) }
				: NaN;
		});
	}

	beforeAll(async () => {
		database = await freshDatabase(driver);
		people.fr = await createTestUser(database.db, { role: 'admin', locale: 'fr' });
		people.en = await createTestUser(database.db, { role: 'admin', locale: 'en' });
		const accounts = await importFile(people.fr, 'accounts', 'Nom\r\nAcme Amounts\r\n');
		expect(accounts.createdCount).toBe(1);
	}, 60_000);
	afterAll(async () => {
		await database.drop();
	}, 30_000);

	for (const locale of ['fr', 'en'] as const) {
		it(`gives the same answer in crm, deals and imports for a reader in ${locale}`, async () => {
			const crm = await inLocale(locale, () => INPUTS.map(crmAnswer));
			const deals = await inLocale(locale, () => INPUTS.map(dealsAnswer));
			const imports = await importAnswers(locale, INPUTS);
			expect(deals).toEqual(crm);
			expect(imports).toEqual(crm);
			// …and the answers are the parser's: the locale decides "1.234" and "1,234".
			const at = (input: string) => crm[INPUTS.indexOf(input)];
			expect(at('12 500,50 €')).toBe(1_250_050);
			expect(at('12,500.50')).toBe(1_250_050);
			expect(at('1.234')).toEqual(locale === 'fr' ? 123_400 : { key: 'amount_error_decimals' });
			expect(at('1,234')).toEqual(locale === 'en' ? 123_400 : { key: 'amount_error_decimals' });
			expect(at('-5')).toEqual({ key: 'amount_error_negative' });
			expect(at('10 000 000 000')).toBe(1_000_000_000_000);
			expect(at('10 000 000 000,01')).toEqual({
				key: 'amount_error_too_large',
				params: {
					max: locale === 'fr' ? '10\u202f000\u202f000\u202f000,00' : '10,000,000,000.00'
				}
			});
			expect(at('douze')).toEqual({ key: 'amount_error_not_a_number' });
		});
	}

	it('differs only where each says why: zero is no deal, an empty amount is 0 or required', async () => {
		const [crmZero, dealsZero] = await inLocale('fr', () => [crmAnswer('0'), dealsAnswer('0')]);
		const [importZero] = await importAnswers('fr', ['0']);
		expect(crmZero).toBe(0);
		expect(importZero).toBe(0);
		expect(dealsZero).toEqual({ key: 'amount_error_zero' });
		const [crmEmpty, dealsEmpty] = await inLocale('en', () => [crmAnswer(''), dealsAnswer('')]);
		expect(crmEmpty).toBe(0);
		expect(dealsEmpty).toEqual({ key: 'error_required' });
	});

	it('never hands a NUL to the parser: forms refuse it at the edge, imports drop it from the file', async () => {
		const nul = '12\u0000500';
		const [crm, deals] = await inLocale('fr', () => [crmAnswer(nul), dealsAnswer(nul)]);
		expect(crm).toEqual({ key: 'error_text_characters' });
		expect(deals).toEqual(crm);
		// PostgreSQL text holds no NUL: the file is read without them (imports/file.ts).
		expect(await importAnswers('fr', [nul])).toEqual([1_250_000]);
	});
});
