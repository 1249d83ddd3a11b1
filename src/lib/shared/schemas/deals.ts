import { z } from 'zod';
import { amountField } from '../amount.ts';
import { idSchema } from '../ids.ts';
import { REGISTRATION_STATUSES } from '../enums.ts';
import { normaliseCompanyName, normaliseDomain, normaliseSiren } from '../normalise.ts';

// Input of the deal registration pages (/registrations…). Forms post strings; amounts are read by
// the one amount parser (shared/amount.ts) and stored in cents.

export const ACCOUNT_NAME_MAX = 160;
export const PRODUCTS_MAX = 500;
export const NOTES_MAX = 4000;
export const REASON_MAX = 1000;

const optionalText = (max: number) =>
	z
		.string()
		.trim()
		.max(max)
		.optional()
		.transform((v) => (v ? v : null));

/** Required, and more than zero: a registration of nothing is no deal. */
const amount = z
	.string({ error: 'error_required' })
	.pipe(amountField({ required: true, allowZero: false }));

/** A close date of `today` (the workspace's day, given by the server) or later. */
const closeDate = (today: string) =>
	z
		.string({ error: 'error_required' })
		.trim()
		.min(1, 'error_required')
		.refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), {
			message: 'deals_error_date_invalid',
			abort: true
		})
		.refine((v) => v >= today, { message: 'deals_error_date_past', abort: true })
		.refine((v) => v <= '2100-12-31', { message: 'deals_error_date_invalid' });

const dealFields = (today: string) => ({
	amount,
	expectedCloseDate: closeDate(today),
	products: optionalText(PRODUCTS_MAX),
	notes: optionalText(NOTES_MAX)
});

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

/**
 * One of the partner's accounts, or a new one described by name, domain and SIREN. `today` is the
 * workspace's day ('YYYY-MM-DD', workspaceDay on the server): the close date may not be before it.
 */
export const registrationSchema = (today: string) =>
	z.discriminatedUnion(
		'accountMode',
		[
			z.object({ accountMode: z.literal('existing'), accountId: idSchema, ...dealFields(today) }),
			z.object({
				accountMode: z.literal('new'),
				accountName,
				accountDomain: domain,
				accountSiren: siren,
				...dealFields(today)
			})
		],
		{ error: 'error_invalid_choice' }
	);
export type RegistrationInput = z.output<ReturnType<typeof registrationSchema>>;

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
