import { z } from 'zod';
import { idSchema } from '../ids.ts';
import { LOCALES, ORGANISATION_STATUSES, PARTNER_ROLES, ROLES, TIERS } from '../enums.ts';
import { isTimeZone } from '../../format/index.ts';
import { email, optionalUuid, text, uuid } from '../forms.ts';

// Input of the people and organisation admin pages (/admin/…, /company). Forms post strings:
// empty selects become null, repeated checkboxes become arrays.

export const ORGANISATION_NAME_MAX = 120;
export const SEARCH_MAX = 100;
export const MAX_MANAGED_REGIONS = 50;

/** A select whose empty option means "none". */
const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) =>
	z
		.string()
		.trim()
		.transform((v) => (v === '' ? null : v))
		.pipe(z.enum(values).nullable());

/** Checkboxes sharing one name: absent, one value or several. */
const uuidList = (max: number) =>
	z.preprocess(
		(v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
		z.array(idSchema).max(max)
	);

export const inviteSchema = z.object({
	email: email(),
	organisationId: uuid(),
	role: z.enum(ROLES),
	teamId: optionalUuid().optional(),
	regionId: optionalUuid().optional(),
	locale: z.enum(LOCALES)
});

/** A partner admin invites into their own company only: no organisation, partner roles only. */
export const companyInviteSchema = z.object({
	email: email(),
	role: z.enum(PARTNER_ROLES),
	locale: z.enum(LOCALES)
});

export const changeRoleSchema = z.object({ userId: uuid(), role: z.enum(ROLES) });

export const companyChangeRoleSchema = z.object({ userId: uuid(), role: z.enum(PARTNER_ROLES) });

export const assignTeamSchema = z.object({
	userId: uuid(),
	teamId: optionalUuid().optional(),
	regionId: optionalUuid().optional(),
	managedRegionIds: uuidList(MAX_MANAGED_REGIONS)
});

export const userIdSchema = z.object({ userId: uuid() });

export const invitationIdSchema = z.object({ invitationId: uuid() });

export const resendInvitationSchema = z.object({
	invitationId: uuid(),
	locale: z.enum(LOCALES)
});

/** An empty optional e-mail field means "none". */
const optionalEmail = () =>
	z
		.string()
		.trim()
		.toLowerCase()
		.max(254)
		.transform((v) => (v === '' ? null : v))
		.pipe(z.email().nullable());

/** A new partner; with `adminEmail`, its partner admin is invited at once (in `locale`). */
export const createOrganisationSchema = z.object({
	name: text(ORGANISATION_NAME_MAX),
	tier: z.enum(TIERS),
	regionId: optionalUuid().optional(),
	adminEmail: optionalEmail().optional(),
	locale: z.enum(LOCALES).optional()
});

/** Name, tier and region; the host company's form has no tier. */
export const updateOrganisationSchema = z.object({
	name: text(ORGANISATION_NAME_MAX),
	tier: optionalEnum(TIERS).optional(),
	regionId: optionalUuid().optional()
});

/** Suspending or reactivating a partner is a separate, confirmed form. */
export const organisationStatusSchema = z.object({ status: z.enum(ORGANISATION_STATUSES) });

// Filters come from the URL: a value that does not parse is dropped (the page shows everything)
// rather than refused, so an old bookmark or a hand-edited link still opens.
const lenient = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const optionalText = (max: number) =>
	z
		.string()
		.trim()
		.max(max)
		.transform((v) => (v === '' ? undefined : v));
const day = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/)
	.refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)));

export const PEOPLE_STATUSES = ['active', 'deactivated'] as const;
export type PeopleStatus = (typeof PEOPLE_STATUSES)[number];

export const peopleFilterSchema = z.object({
	organisation: lenient(idSchema),
	role: lenient(z.enum(ROLES)),
	status: lenient(z.enum(PEOPLE_STATUSES)),
	q: lenient(optionalText(SEARCH_MAX)),
	after: lenient(idSchema)
});
export type PeopleFilterInput = z.output<typeof peopleFilterSchema>;

export const auditFilterSchema = z.object({
	action: lenient(optionalText(100)),
	objectType: lenient(optionalText(50)),
	actor: lenient(idSchema),
	organisation: lenient(idSchema),
	from: lenient(day),
	to: lenient(day),
	before: lenient(z.string().regex(/^[1-9][0-9]{0,15}$/))
});
export type AuditFilterInput = z.output<typeof auditFilterSchema>;

export const outboxFilterSchema = z.object({ before: lenient(idSchema) });

/** The URL's search parameters as the plain object the filter schemas read. */
export function searchParamsObject(params: URLSearchParams): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of params) if (!(key in out)) out[key] = value;
	return out;
}

/** An IANA time zone Intl knows, or 'UTC'; anything else is refused with a sentence, not a 500. */
export const timeZone = () =>
	z.string().trim().max(100).refine(isTimeZone, { message: 'error_time_zone' });

/** The workspace settings page (admins). */
export const workspaceSettingsSchema = z.object({ timeZone: timeZone() });

/** A person's own zone on the account page: '' = the workspace's. */
export const personTimeZoneSchema = z.object({
	timeZone: z
		.string()
		.trim()
		.max(100)
		.refine((v) => v === '' || isTimeZone(v), { message: 'error_time_zone' })
		.transform((v) => (v === '' ? null : v))
});
