import { z } from 'zod';
import { idSchema } from '../ids.ts';
import { REGISTRATION_STATUSES } from '../enums.ts';
import { normaliseCompanyName, normaliseDomain, normaliseSiren } from '../normalise.ts';

// Input of the deal registration pages (/registrations…). Forms post strings; amounts are typed
// the French or the English way and stored in cents.

export const ACCOUNT_NAME_MAX = 160;
export const PRODUCTS_MAX = 500;
export const NOTES_MAX = 4000;
export const REASON_MAX = 1000;
/** 10 billion: far above any real deal, far below what a bigint or a JS number loses. */
export const AMOUNT_MAX_CENTS = 1_000_000_000_000;

/**
 * "12 500,50" / "12,500.50" / "12500.5" / "€ 12 500" → 1250050 cents; null when it is not an
 * amount. The last "," or "." followed by one or two digits is the decimal separator; spaces,
 * apostrophes and the other separator group thousands.
 */
export function parseAmountCents(input: string): number | null {
	const compact = input.replace(/[\s\u00a0\u202f'’€]/g, '').replace(/eur$/i, '');
	if (!/^-?[\d.,]+$/.test(compact)) return null;
	const negative = compact.startsWith('-');
	const body = negative ? compact.slice(1) : compact;
	const decimal = body.match(/[.,](\d{1,2})$/);
	const whole = decimal ? body.slice(0, -decimal[0].length) : body;
	// Thousands separators must separate groups of three digits.
	if (!/^\d{1,3}([.,]?\d{3})*$/.test(whole) && !/^\d+$/.test(whole)) return null;
	const units = Number(whole.replace(/[.,]/g, ''));
	const cents = decimal ? Number(decimal[1].padEnd(2, '0')) : 0;
	const value = units * 100 + cents;
	if (!Number.isSafeInteger(value)) return null;
	return negative ? -value : value;
}

/**
 * The earliest "today" anywhere (UTC−12): a close date on or after it is today or later for
 * whoever types it, whatever their time zone.
 */
export function earliestToday(now = Date.now()): string {
	return new Date(now - 12 * 3600 * 1000).toISOString().slice(0, 10);
}

const optionalText = (max: number) =>
	z
		.string()
		.trim()
		.max(max)
		.optional()
		.transform((v) => (v ? v : null));

const amount = z
	.string({ error: 'error_required' })
	.trim()
	.min(1, 'error_required')
	.transform((v, ctx) => {
		const cents = parseAmountCents(v);
		if (cents === null) {
			ctx.addIssue({ code: 'custom', message: 'deals_error_amount_invalid' });
			return z.NEVER;
		}
		if (cents <= 0) {
			ctx.addIssue({ code: 'custom', message: 'deals_error_amount_positive' });
			return z.NEVER;
		}
		if (cents > AMOUNT_MAX_CENTS) {
			ctx.addIssue({ code: 'custom', message: 'deals_error_amount_too_big' });
			return z.NEVER;
		}
		return cents;
	});

const closeDate = z
	.string({ error: 'error_required' })
	.trim()
	.min(1, 'error_required')
	.refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), {
		message: 'deals_error_date_invalid',
		abort: true
	})
	.refine((v) => v >= earliestToday(), { message: 'deals_error_date_past', abort: true })
	.refine((v) => v <= '2100-12-31', { message: 'deals_error_date_invalid' });

const dealFields = {
	amount,
	expectedCloseDate: closeDate,
	products: optionalText(PRODUCTS_MAX),
	notes: optionalText(NOTES_MAX)
};

const domain = z
	.string()
	.trim()
	.max(253)
	.optional()
	.transform((v, ctx) => {
		if (!v) return null;
		const normalised = normaliseDomain(v);
		if (!normalised) {
			ctx.addIssue({ code: 'custom', message: 'deals_error_domain_invalid' });
			return z.NEVER;
		}
		return normalised;
	});

const siren = z
	.string()
	.trim()
	.max(40)
	.optional()
	.transform((v, ctx) => {
		if (!v) return null;
		const normalised = normaliseSiren(v);
		if (!normalised) {
			ctx.addIssue({ code: 'custom', message: 'deals_error_siren_invalid' });
			return z.NEVER;
		}
		return normalised;
	});

const accountName = z
	.string({ error: 'error_required' })
	.trim()
	.min(1, 'error_required')
	.max(ACCOUNT_NAME_MAX)
	.refine((v) => normaliseCompanyName(v) !== '', { message: 'deals_error_name_invalid' });

/** One of the partner's accounts, or a new one described by name, domain and SIREN. */
export const registrationSchema = z.discriminatedUnion(
	'accountMode',
	[
		z.object({ accountMode: z.literal('existing'), accountId: idSchema, ...dealFields }),
		z.object({
			accountMode: z.literal('new'),
			accountName,
			accountDomain: domain,
			accountSiren: siren,
			...dealFields
		})
	],
	{ error: 'error_invalid_choice' }
);
export type RegistrationInput = z.output<typeof registrationSchema>;

export const registrationIdSchema = z.object({ id: idSchema });

export const rejectSchema = z.object({
	id: idSchema,
	reason: z
		.string({ error: 'deals_error_reason_required' })
		.trim()
		.max(REASON_MAX)
		.refine((v) => v.length > 0, { message: 'deals_error_reason_required' })
});

const optional = <T extends z.ZodType>(schema: T) =>
	z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional()).catch(undefined);

/** The filters of the review queue (GET parameters; anything unexpected is ignored). */
export const registrationFilterSchema = z.object({
	status: optional(z.enum(REGISTRATION_STATUSES)),
	partner: optional(idSchema)
});
