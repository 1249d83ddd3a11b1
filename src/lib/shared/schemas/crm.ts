import { z } from 'zod';
import { amountField } from '../amount.ts';
import { idSchema } from '../ids.ts';
import { ACCOUNT_SIZES, STAGES } from '../enums.ts';
import { optionalUuid, text } from '../forms.ts';
import { normaliseDomain, normaliseSiren } from '../normalise.ts';

// Input of the CRM records (accounts, contacts, opportunities), shared by the pages, the pipeline
// and the CSV import. Forms post strings: empty fields become null, amounts are read by the one
// amount parser (shared/amount.ts) and stored in cents; an empty amount is 0.

export const CRM_NAME_MAX = 200;
export const CRM_TEXT_MAX = 200;
export const CRM_LONG_TEXT_MAX = 2000;

/** An optional text field: trimmed, empty → null. */
const optionalText = (max: number) =>
	z
		.string()
		.trim()
		.max(max)
		.transform((v) => (v === '' ? null : v))
		.nullable()
		.optional()
		.transform((v) => v ?? null);

/** A select whose empty option means "none". */
const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) =>
	z
		.string()
		.trim()
		.transform((v) => (v === '' ? null : v))
		.pipe(z.enum(values).nullable())
		.optional()
		.transform((v) => v ?? null);

const maybeUuid = () =>
	optionalUuid()
		.optional()
		.transform((v) => v ?? null);

/** Checkboxes sharing one name: absent, one value or several. */
const uuidList = (max: number) =>
	z.preprocess(
		(v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
		z.array(idSchema).max(max)
	);

const day = () =>
	z
		.string()
		.trim()
		.transform((value, ctx) => {
			if (value === '') return null;
			if (
				!/^\d{4}-\d{2}-\d{2}$/.test(value) ||
				Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ||
				new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value
			) {
				ctx.addIssue({ code: 'custom', message: 'crm_error_date' });
				return z.NEVER;
			}
			return value;
		})
		.optional()
		.transform((v) => v ?? null);

const probability = () =>
	z
		.string()
		.trim()
		.transform((value, ctx) => {
			if (value === '') return null;
			const n = Number(value);
			if (!Number.isInteger(n) || n < 0 || n > 100) {
				ctx.addIssue({ code: 'custom', message: 'crm_error_probability' });
				return z.NEVER;
			}
			return n;
		})
		.optional()
		.transform((v) => v ?? null);

/** The domain as stored ("https://www.Example.fr/" → "example.fr"); bad input is a field error. */
const domain = () =>
	z
		.string()
		.trim()
		.max(CRM_TEXT_MAX)
		.transform((value, ctx) => {
			if (value === '') return null;
			const normalised = normaliseDomain(value);
			if (!normalised) {
				ctx.addIssue({ code: 'custom', message: 'crm_error_domain' });
				return z.NEVER;
			}
			return normalised;
		})
		.optional()
		.transform((v) => v ?? null);

/** A SIREN from a SIREN, a SIRET or a French VAT number; bad input is a field error. */
const siren = () =>
	z
		.string()
		.trim()
		.max(40)
		.transform((value, ctx) => {
			if (value === '') return null;
			const normalised = normaliseSiren(value);
			if (!normalised) {
				ctx.addIssue({ code: 'custom', message: 'crm_error_siren' });
				return z.NEVER;
			}
			return normalised;
		})
		.optional()
		.transform((v) => v ?? null);

/** The version a form was opened at (optimistic concurrency). */
export const versionField = () => z.coerce.number().int().min(1).max(2_147_483_647);

export const accountInput = z.object({
	name: text(CRM_NAME_MAX),
	domain: domain(),
	siren: siren(),
	vatId: optionalText(40),
	industry: optionalText(CRM_TEXT_MAX),
	regionId: maybeUuid(),
	size: optionalEnum(ACCOUNT_SIZES),
	ownerId: maybeUuid(),
	/** Serving partners; only host people choose them (a partner's accounts are its own). */
	partnerIds: uuidList(50)
});
export type AccountInput = z.output<typeof accountInput>;

export const contactInput = z.object({
	name: text(CRM_NAME_MAX),
	jobTitle: optionalText(CRM_TEXT_MAX),
	email: z
		.string()
		.trim()
		.toLowerCase()
		.max(254)
		.transform((v, ctx) => {
			if (v === '') return null;
			if (!z.email().safeParse(v).success) {
				ctx.addIssue({ code: 'custom', message: 'error_email_invalid' });
				return z.NEVER;
			}
			return v;
		})
		.optional()
		.transform((v) => v ?? null),
	phone: z
		.string()
		.trim()
		.max(40)
		.transform((v, ctx) => {
			if (v === '') return null;
			if (!/^[+\d][\d\s().-]{3,39}$/.test(v)) {
				ctx.addIssue({ code: 'custom', message: 'crm_error_phone' });
				return z.NEVER;
			}
			return v;
		})
		.optional()
		.transform((v) => v ?? null)
});
export type ContactInput = z.output<typeof contactInput>;

export const opportunityInput = z
	.object({
		name: text(CRM_NAME_MAX),
		/** null = the direct team's deal; ignored for partner people (always their company). */
		partnerId: maybeUuid(),
		ownerId: maybeUuid(),
		stage: z.enum(STAGES),
		amountCents: amountField(),
		closeDate: day(),
		/** null = the stage's default probability. */
		probability: probability(),
		nextStep: optionalText(CRM_TEXT_MAX),
		lostReason: optionalText(CRM_LONG_TEXT_MAX),
		products: optionalText(CRM_LONG_TEXT_MAX)
	})
	.superRefine((value, ctx) => {
		if (value.stage === 'lost' && !value.lostReason) {
			ctx.addIssue({ code: 'custom', path: ['lostReason'], message: 'crm_error_lost_reason' });
		}
	});
export type OpportunityInput = z.output<typeof opportunityInput>;

/** Edit forms carry the version they were opened at. */
export const accountEdit = accountInput.extend({ version: versionField() });
export const contactEdit = contactInput.extend({ version: versionField() });
export const opportunityEdit = opportunityInput.and(z.object({ version: versionField() }));

/** A stage change from the pipeline (board or table). */
export const stageChangeInput = z
	.object({
		id: idSchema,
		version: versionField(),
		stage: z.enum(STAGES),
		lostReason: optionalText(CRM_LONG_TEXT_MAX)
	})
	.superRefine((value, ctx) => {
		if (value.stage === 'lost' && !value.lostReason) {
			ctx.addIssue({ code: 'custom', path: ['lostReason'], message: 'crm_error_lost_reason' });
		}
	});
export type StageChangeInput = z.output<typeof stageChangeInput>;

export const deleteInput = z.object({ version: versionField().optional() });

export const restoreInput = z.object({
	kind: z.enum(['account', 'contact', 'opportunity']),
	id: idSchema
});

// Filters come from the URL: a value that does not parse is dropped rather than refused.
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

export const accountFilterSchema = z.object({
	q: lenient(
		z
			.string()
			.trim()
			.max(100)
			.transform((v) => (v === '' ? undefined : v))
	),
	region: lenient(idSchema),
	size: lenient(z.enum(ACCOUNT_SIZES)),
	owner: lenient(idSchema),
	partner: lenient(idSchema),
	after: lenient(idSchema)
});
export type AccountFilterInput = z.output<typeof accountFilterSchema>;
