import { z } from 'zod';
import type { MessageRef } from './forms.ts';
import { getLocale, type Locale } from '../paraglide/runtime.js';
import { formatAmount } from '../format/index.ts';

// The one amount parser: forms (crm, deals), CSV imports and anything else that reads money typed
// by a person. Text in, integer cents out, read the way the reader writes numbers:
//
//   fr  "12 500,50 €", "12 500,5", "12500", "EUR 12 500", "1.234,50", "12.5" (numeric keypad)
//   en  "12,500.50", "€12,500.50", "12500.5"
//
// Spaces (also no-break U+00A0, narrow no-break U+202F, thin U+2009) and apostrophes group
// thousands. A text holding both "." and "," takes the last one as the decimal mark and the other
// as grouping, whatever the locale. A single "." or "," followed by one or two digits is the
// decimal mark in both locales; followed by four or more, it is a decimal mark with too many
// decimals. Followed by exactly three digits it is ambiguous, and the locale decides:
//   fr  "1.234" = 1 234,00 (a dot is not the French decimal mark, it groups); "1,234" = refused,
//       at most two decimals;
//   en  "1,234" = 1,234.00; "1.234" = refused, at most two decimals.
// A currency mark (€, $, £, EUR, USD, GBP, CHF, "euros") may stand before or after the number:
// it is decoration, the workspace has one currency. Negative amounts are refused, and so is
// anything above AMOUNT_MAX_CENTS. No regular expression here backtracks: a 1 MB string is
// judged in one pass.

/** 10 billion (inclusive): far above any real deal, far below what a bigint or a JS number loses. */
export const AMOUNT_MAX_CENTS = 1_000_000_000_000;

export type AmountError = 'empty' | 'not_a_number' | 'negative' | 'decimals' | 'too_large' | 'zero';
export type AmountResult = { ok: true; cents: number } | { ok: false; error: AmountError };
export type AmountOptions = {
	/** false: zero is refused too (a deal registration of nothing). Default true. */
	allowZero?: boolean;
};

/** The decimal mark each locale writes; the other of "." and "," groups thousands there. */
const DECIMAL_MARK: Record<Locale, '.' | ','> = { fr: ',', en: '.' };
const CURRENCY_BEFORE = /^(?:€|\$|£|eur|usd|gbp|chf)\s*/i;
const CURRENCY_AFTER = /(?:€|\$|£|eur|euros?|usd|gbp|chf)$/i;
const MINUS = /^[-\u2212]\s*/;
const NUMBER_CHARACTERS = /^[\d\s.,'’]+$/;
/** Digits of the whole part beyond which the amount is above any maximum (and Number's precision). */
const WHOLE_DIGITS_MAX = 13;

const failure = (error: AmountError): AmountResult => ({ ok: false, error });
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** Removes one currency mark, before or after the number; null when there are two. */
function withoutCurrency(text: string): string | null {
	const before = text.replace(CURRENCY_BEFORE, '');
	// Only the tail is searched: an unanchored pattern would rescan a long text from every space.
	const suffix = CURRENCY_AFTER.exec(before.slice(-5));
	const after = suffix ? before.slice(0, before.length - suffix[0].length).trimEnd() : before;
	if (before !== text && after !== before) return null;
	return after;
}

/**
 * Where the decimal mark is in a text of digits, spaces, apostrophes, dots and commas: its index,
 * or -1 when the number has no decimals.
 */
function decimalMarkIndex(body: string, locale: Locale): number {
	const lastDot = body.lastIndexOf('.');
	const lastComma = body.lastIndexOf(',');
	if (lastDot >= 0 && lastComma >= 0) return Math.max(lastDot, lastComma);
	const index = Math.max(lastDot, lastComma);
	if (index < 0) return -1;
	const mark = body[index];
	if (body.indexOf(mark) !== index) return -1; // "1.234.567": only grouping
	const after = body.slice(index + 1);
	if (!/^\d+$/.test(after)) return -1; // "1,234 567": grouping
	if (after.length !== 3) return index;
	// Three digits after a lone mark: the locale's decimal mark is one (then too many decimals),
	// the other groups thousands — unless what precedes cannot start a group ("0.125", "1234.567").
	const before = body.slice(0, index);
	if (mark === DECIMAL_MARK[locale] || !/^[1-9]\d{0,2}$/.test(before)) return index;
	return -1;
}

/** The digits of a whole part, its thousands checked ("12 500", "1.234.567"); null when malformed. */
function wholeDigits(whole: string): string | null {
	const grouped = whole.replace(/\s+/g, ' ').replace(/’/g, "'");
	const separators = new Set(grouped.replace(/\d/g, ''));
	if (separators.size === 0) return grouped;
	if (separators.size > 1) return null;
	const groups = grouped.split([...separators][0]);
	if (!/^[1-9]\d{0,2}$/.test(groups[0])) return null;
	for (let i = 1; i < groups.length; i++) if (!/^\d{3}$/.test(groups[i])) return null;
	return groups.join('');
}

/** Money typed by a person, in the reader's locale → integer cents, or what is wrong with it. */
export function parseAmount(
	input: string,
	locale: Locale,
	options: AmountOptions = {}
): AmountResult {
	let text: string | null = input.trim();
	if (text === '') return failure('empty');
	text = withoutCurrency(text);
	if (text === null) return failure('not_a_number');
	const negative = MINUS.test(text);
	if (negative) {
		text = withoutCurrency(text.replace(MINUS, ''));
		if (text === null) return failure('not_a_number');
	}
	if (!NUMBER_CHARACTERS.test(text) || !isDigit(text[0]) || !isDigit(text[text.length - 1])) {
		return failure('not_a_number');
	}
	const mark = decimalMarkIndex(text, locale);
	const whole = wholeDigits(mark < 0 ? text : text.slice(0, mark));
	const decimals = mark < 0 ? '' : text.slice(mark + 1);
	if (whole === null || !/^\d*$/.test(decimals)) return failure('not_a_number');
	if (negative) return failure('negative');
	if (decimals.length > 2) return failure('decimals');
	const significant = whole.replace(/^0+/, '');
	if (significant.length > WHOLE_DIGITS_MAX) return failure('too_large');
	const cents = Number(significant || '0') * 100 + Number(decimals.padEnd(2, '0'));
	if (cents > AMOUNT_MAX_CENTS) return failure('too_large');
	if (cents === 0 && options.allowZero === false) return failure('zero');
	return { ok: true, cents };
}

/** The one message of each refusal (messages/amount), with its parameters. */
export function amountMessage(error: Exclude<AmountError, 'empty'>, locale: Locale): MessageRef {
	switch (error) {
		case 'not_a_number':
			return { key: 'amount_error_not_a_number' };
		case 'negative':
			return { key: 'amount_error_negative' };
		case 'decimals':
			return { key: 'amount_error_decimals' };
		case 'too_large':
			return {
				key: 'amount_error_too_large',
				params: { max: formatAmount(AMOUNT_MAX_CENTS, { locale }) }
			};
		case 'zero':
			return { key: 'amount_error_zero' };
	}
}

/**
 * The amount field of a form schema: a string read in the reader's language (Paraglide's
 * getLocale(), which the server sets per request in handleLocale) → cents. An empty field is
 * `empty` (0, or error_required when `required`).
 */
export const amountField = (options: AmountOptions & { required?: boolean } = {}) =>
	z
		.string()
		.trim()
		.transform((value, ctx) => {
			const locale = getLocale();
			const result = parseAmount(value, locale, options);
			if (result.ok) return result.cents;
			if (result.error === 'empty' && !options.required) return 0;
			const message =
				result.error === 'empty' ? { key: 'error_required' } : amountMessage(result.error, locale);
			ctx.addIssue({ code: 'custom', message: message.key, params: message.params });
			return z.NEVER;
		});
