import { z } from 'zod';
import { idSchema } from '../ids.ts';
import { ORGANISATION_STATUSES, TIERS } from '../enums.ts';
import { optionalUuid } from '../forms.ts';

// Input of the partner directory (/partners) and a partner's page (/partners/[id]).

export const PARTNER_SORTS = ['name', 'health', 'tier'] as const;
export const PARTNER_SEARCH_MAX = 100;

// Filters come from the URL: a value that does not parse is dropped (the page shows everything)
// rather than refused, so an old bookmark or a hand-edited link still opens.
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

export const partnerFilterSchema = z.object({
	tier: lenient(z.enum(TIERS)),
	region: lenient(idSchema),
	owner: lenient(idSchema),
	status: lenient(z.enum(ORGANISATION_STATUSES)),
	q: lenient(
		z
			.string()
			.trim()
			.max(PARTNER_SEARCH_MAX)
			.transform((v) => (v === '' ? undefined : v))
	),
	sort: lenient(z.enum(PARTNER_SORTS)),
	after: lenient(idSchema)
});
export type PartnerFilterInput = z.output<typeof partnerFilterSchema>;

/**
 * A calendar day (YYYY-MM-DD) that exists, not after `today` (the workspace's day, given by the
 * server); empty = none.
 */
const optionalPastDay = (today: string) =>
	z
		.string()
		.trim()
		.transform((v) => (v === '' ? null : v))
		.pipe(
			z
				.string()
				.regex(/^\d{4}-\d{2}-\d{2}$/, 'error_invalid')
				.refine((v) => {
					const date = new Date(`${v}T00:00:00Z`);
					return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === v;
				}, 'error_invalid')
				.refine((v) => v <= today, 'partners_error_future_date')
				.transform((v) => new Date(`${v}T00:00:00Z`))
				.nullable()
		);

/**
 * What managers and admins edit on a partner's page (status has its own, confirmed form); `today`
 * is the workspace's day (workspaceDay), the latest the agreement may have been signed.
 */
export const updatePartnerSchema = (today: string) =>
	z.object({
		tier: z.enum(TIERS),
		regionId: optionalUuid(),
		ownerId: optionalUuid(),
		agreementSignedAt: optionalPastDay(today)
	});
