import { describe, expect, it } from 'vitest';
import { accountKeys, matchReasons, sameAccount } from '../../src/lib/server/deals/conflicts.ts';
import { parseAmount } from '../../src/lib/shared/amount.ts';
import { workspaceToday } from '../../src/lib/server/workspace/settings.ts';
import { registrationSchema } from '../../src/lib/shared/schemas/deals.ts';

const keys = (name: string, domain?: string | null, siren?: string | null) =>
	accountKeys({ name, domain, siren });

describe('conflict matching', () => {
	it('treats "Société Générale SA" and "societe generale" as the same company', () => {
		expect(matchReasons(keys('Société Générale SA'), keys('societe generale'))).toEqual(['name']);
		expect(sameAccount(keys('SOCIÉTÉ GÉNÉRALE (SAS)'), keys('Societe-Generale'))).toBe(true);
		expect(sameAccount(keys('Société Générale S.A.'), keys('societe generale'))).toBe(true);
		expect(sameAccount(keys('Brasserie du Port S.A.S.'), keys('Brasserie du Port'))).toBe(true);
	});

	it('matches the same web domain whatever the URL form', () => {
		const a = keys('Acme France', 'https://www.acme.fr/contact');
		const b = keys('ACME Industries', 'acme.fr');
		expect(matchReasons(a, b)).toEqual(['domain']);
	});

	it('matches the same SIREN given as a SIREN, a SIRET or a French VAT number', () => {
		const siren = keys('Alpha', null, '552 120 222');
		const siret = keys('Beta', null, '55212022200013');
		const vat = keys('Gamma', null, 'FR 40 552120222');
		expect(matchReasons(siren, siret)).toEqual(['siren']);
		expect(matchReasons(siren, vat)).toEqual(['siren']);
		expect(matchReasons(siret, vat)).toEqual(['siren']);
	});

	it('lists every reason when several keys match', () => {
		expect(
			matchReasons(
				keys('Acme SAS', 'acme.fr', '552120222'),
				keys('acme', 'www.acme.fr', 'FR40552120222')
			)
		).toEqual(['name', 'domain', 'siren']);
	});

	it('does not match different companies', () => {
		expect(sameAccount(keys('Société Générale'), keys('Société Marseillaise'))).toBe(false);
		expect(
			sameAccount(keys('Acme', 'acme.fr', '552120222'), keys('Acme Bis', 'acme.com', '732829320'))
		).toBe(false);
	});

	it('never matches on a missing domain or SIREN', () => {
		expect(sameAccount(keys('One', null, null), keys('Two', null, null))).toBe(false);
		expect(sameAccount(keys('One', 'not a domain', 'abc'), keys('Two', '', ''))).toBe(false);
	});
});

describe('amounts typed in a form', () => {
	it('reads French and English ways of writing an amount', () => {
		expect(parseAmount('12 500,50', 'en')).toEqual({ ok: true, cents: 1_250_050 });
		expect(parseAmount('12\u202f500,5', 'en')).toEqual({ ok: true, cents: 1_250_050 });
		expect(parseAmount('12,500.50', 'en')).toEqual({ ok: true, cents: 1_250_050 });
		expect(parseAmount('12500.50', 'en')).toEqual({ ok: true, cents: 1_250_050 });
		expect(parseAmount('12.500,50', 'en')).toEqual({ ok: true, cents: 1_250_050 });
		expect(parseAmount('12500', 'en')).toEqual({ ok: true, cents: 1_250_000 });
		expect(parseAmount('12 500 €', 'en')).toEqual({ ok: true, cents: 1_250_000 });
	});

	it('refuses what is not an amount, and negative amounts', () => {
		expect(parseAmount('abc', 'en').ok).toBe(false);
		expect(parseAmount('12,5,0', 'en').ok).toBe(false);
		expect(parseAmount('1.2.3', 'en').ok).toBe(false);
		expect(parseAmount('', 'en').ok).toBe(false);
		expect(parseAmount('-5', 'en')).toEqual({ ok: false, error: 'negative' });
	});

	it('compares a close date with the day in the workspace zone, not in UTC', () => {
		// 23:30 UTC on 31 March: still the 31st in UTC, already 1 April in Paris.
		const today = workspaceToday('Europe/Paris', new Date('2026-03-31T23:30:00Z'));
		expect(today).toBe('2026-04-01');
		const closing = (expectedCloseDate: string) =>
			registrationSchema(today).safeParse({
				accountMode: 'new',
				accountName: 'Acme',
				amount: '1000',
				expectedCloseDate
			});
		expect(closing('2026-04-01').success).toBe(true);
		const yesterday = closing('2026-03-31');
		expect(yesterday.success).toBe(false);
		expect(yesterday.error?.issues.map((i) => i.message)).toEqual(['deals_error_date_past']);
	});
});
