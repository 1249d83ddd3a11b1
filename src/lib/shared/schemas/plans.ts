import { z } from 'zod';
import { idSchema } from '../ids.ts';
import {
	LOCALES,
	PLAN_KINDS,
	PLAN_PERSON_ACCESS,
	PLAN_SHARE_MODES,
	PLAN_STATUSES
} from '../enums.ts';

// Input of the plan pages (/plans…): creation, sharing, per-person narrowing, owner, list filters.

export const PLAN_TITLE_MAX = 160;

const optionalTitle = z
	.string()
	.trim()
	.max(PLAN_TITLE_MAX)
	.optional()
	.transform((v) => (v ? v : undefined));

const emptyToNull = z
	.string()
	.trim()
	.optional()
	.transform((v) => (v ? v : null));

/** The "create a plan" form and the seed: an account plan or a partner plan, its language. */
export const createPlanInput = z
	.object({
		kind: z.enum(PLAN_KINDS),
		accountId: emptyToNull.pipe(idSchema.nullable()),
		partnerId: emptyToNull.pipe(idSchema.nullable()),
		locale: z.enum(LOCALES),
		title: optionalTitle
	})
	.superRefine((value, ctx) => {
		if (value.kind === 'account' && !value.accountId) {
			ctx.addIssue({ code: 'custom', path: ['accountId'], message: 'error_required' });
		}
		if (value.kind === 'partner' && !value.partnerId) {
			ctx.addIssue({ code: 'custom', path: ['partnerId'], message: 'error_required' });
		}
	})
	.transform((value) =>
		value.kind === 'account' ? { ...value, partnerId: null } : { ...value, accountId: null }
	);

/** Sharing: one partner company (or none, '' in the form) and the mode. */
export const sharePlanInput = z.object({
	partnerId: emptyToNull.pipe(idSchema.nullable()),
	mode: z.enum(PLAN_SHARE_MODES).default('viewer')
});
export type SharePlanInput = z.output<typeof sharePlanInput>;

/** The partner admin narrowing the plan for one of their people. */
export const personAccessInput = z.object({
	userId: idSchema,
	access: z.enum(PLAN_PERSON_ACCESS)
});

export const planOwnerInput = z.object({ ownerId: idSchema });

const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

/** The plans list's query string (bad values are ignored, not refused). */
export const planFilterSchema = z.object({
	q: lenient(
		z
			.string()
			.trim()
			.max(100)
			.transform((v) => (v === '' ? undefined : v))
	),
	kind: lenient(z.enum(PLAN_KINDS)),
	status: lenient(z.enum(PLAN_STATUSES)),
	stale: lenient(z.literal('1').transform(() => true as const)),
	owner: lenient(idSchema),
	after: lenient(idSchema)
});
export type PlanFilterInput = z.output<typeof planFilterSchema>;
