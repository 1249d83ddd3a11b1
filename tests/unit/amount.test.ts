import { formatAmount } from '../../src/lib/format/index.ts';
import { describe, expect, it } from 'vitest';
import {
	AMOUNT_MAX_CENTS,
	amountMessage,
	parseAmount,
	type AmountError
} from '../../src/lib/shared/amount.ts';

const NBSP = '\u00a0';
const NNBSP = '\u202f';

// Input × locale → cents, or the refusal. Both locales unless the row says otherwise.
type Row = [input: string, fr: number | AmountError, en: number | AmountError];

const TABLE: Row[] = [
	// French ways
	['12 500,50 €', 1_250_050, 1_250_050],
	['12 500,5', 1_250_050, 1_250_050],
	['12500', 1_250_000, 1_250_000],
	[`12${NBSP}500,50${NBSP}€`, 1_250_050, 1_250_050],
	[`12${NNBSP}500,50${NNBSP}€`, 1_250_050, 1_250_050],
	['12 500,50 EUR', 1_250_050, 1_250_050],
	['EUR 12 500,50', 1_250_050, 1_250_050],
	['€ 12 500', 1_250_000, 1_250_000],
	['12 500 euros', 1_250_000, 1_250_000],
	['1.234,56', 123_456, 123_456],
	['1 234 567,89', 123_456_789, 123_456_789],
	["1'234'567.50", 123_456_750, 123_456_750],
	// English ways
	['12,500.50', 1_250_050, 1_250_050],
	['€12,500.50', 1_250_050, 1_250_050],
	['$12,500.50', 1_250_050, 1_250_050],
	['12500.5', 1_250_050, 1_250_050],
	['1,234,567', 123_456_700, 123_456_700],
	['1.234.567', 123_456_700, 123_456_700],
	// One or two digits after a lone mark: decimals everywhere (a French numeric keypad types ".")
	['12.5', 1_250, 1_250],
	['12,50', 1_250, 1_250],
	['0,05', 5, 5],
	// Three digits after a lone mark: the locale decides
	['1.234', 123_400, 'decimals'],
	['1,234', 'decimals', 123_400],
	['12.500', 1_250_000, 'decimals'],
	['0.125', 'decimals', 'decimals'],
	['1234.567', 'decimals', 'decimals'],
	// More decimals
	['12,345', 'decimals', 1_234_500],
	['1,2345', 'decimals', 'decimals'],
	['12.500,505', 'decimals', 'decimals'],
	// Zero, limits
	['0', 0, 0],
	['0,00 €', 0, 0],
	['10 000 000 000', AMOUNT_MAX_CENTS, AMOUNT_MAX_CENTS],
	['10 000 000 000,00', AMOUNT_MAX_CENTS, AMOUNT_MAX_CENTS],
	['10 000 000 000,01', 'too_large', 'too_large'],
	['99999999999999999999', 'too_large', 'too_large'],
	['9'.repeat(400), 'too_large', 'too_large'],
	// Negatives, however written
	['-5', 'negative', 'negative'],
	['-12 500,50 €', 'negative', 'negative'],
	['−5', 'negative', 'negative'],
	['-€5', 'negative', 'negative'],
	['€ -5', 'negative', 'negative'],
	['-99999999999999', 'negative', 'negative'],
	// Not amounts
	['', 'empty', 'empty'],
	['   ', 'empty', 'empty'],
	['douze', 'not_a_number', 'not_a_number'],
	['12,5,0', 'not_a_number', 'not_a_number'],
	['1.2.3', 'not_a_number', 'not_a_number'],
	['12 50', 'not_a_number', 'not_a_number'],
	['1 234.567,89,1', 'not_a_number', 'not_a_number'],
	[',50', 'not_a_number', 'not_a_number'],
	['12,', 'not_a_number', 'not_a_number'],
	['€12€', 'not_a_number', 'not_a_number'],
	['12e3', 'not_a_number', 'not_a_number'],
	['0x10', 'not_a_number', 'not_a_number'],
	['Infinity', 'not_a_number', 'not_a_number'],
	['12\u0000500', 'not_a_number', 'not_a_number'],
	['1 2 3 4', 'not_a_number', 'not_a_number'],
	['- ', 'not_a_number', 'not_a_number'],
	['-abc', 'not_a_number', 'not_a_number'],
	['+5', 'not_a_number', 'not_a_number']
];

const expected = (want: number | AmountError) =>
	typeof want === 'number' ? { ok: true, cents: want } : { ok: false, error: want };

describe('the amount parser', () => {
	for (const [input, fr, en] of TABLE) {
		it(`reads ${JSON.stringify(input)} as ${fr} in French and ${en} in English`, () => {
			expect(parseAmount(input, 'fr')).toEqual(expected(fr));
			expect(parseAmount(input, 'en')).toEqual(expected(en));
		});
	}

	it('refuses zero when asked to', () => {
		expect(parseAmount('0,00', 'fr', { allowZero: false })).toEqual(expected('zero'));
		expect(parseAmount('0,01', 'fr', { allowZero: false })).toEqual(expected(1));
	});

	it('judges a 1 MB string quickly, whatever it holds', () => {
		const inputs = [
			'1'.repeat(1_000_000),
			`1${' '.repeat(1_000_000)}x`,
			`1${' '.repeat(1_000_000)}1`,
			`${'1,'.repeat(500_000)}1`,
			`€${' '.repeat(1_000_000)}`,
			'-'.repeat(1_000_000),
			`1${'\u0000'.repeat(1_000_000)}`
		];
		const start = performance.now();
		const results = inputs.map((input) => parseAmount(input, 'fr'));
		expect(performance.now() - start).toBeLessThan(1_000);
		expect(results.map((r) => (r.ok ? r.cents : r.error))).toEqual([
			'too_large',
			'not_a_number',
			'not_a_number',
			'not_a_number',
			'not_a_number',
			'not_a_number',
			'not_a_number'
		]);
	});

	it('says what is wrong with one message each, the maximum written the reader’s way', () => {
		expect(amountMessage('not_a_number', 'fr')).toEqual({ key: 'amount_error_not_a_number' });
		expect(amountMessage('negative', 'en')).toEqual({ key: 'amount_error_negative' });
		expect(amountMessage('decimals', 'en')).toEqual({ key: 'amount_error_decimals' });
		expect(amountMessage('zero', 'fr')).toEqual({ key: 'amount_error_zero' });
		expect(amountMessage('too_large', 'fr')).toEqual({
			key: 'amount_error_too_large',
			params: { max: `10${NNBSP}000${NNBSP}000${NNBSP}000,00` }
		});
		expect(amountMessage('too_large', 'en')).toEqual({
			key: 'amount_error_too_large',
			params: { max: '10,000,000,000.00' }
		});
		expect(formatAmount(123_456, { locale: 'fr' })).toBe(`1${NNBSP}234,56`);
	});
});
