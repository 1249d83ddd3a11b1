// Enumerations both the browser and the server use. Keep them small and stable: they are stored as text.

export const HOST_ROLES = ['admin', 'manager', 'rep'] as const;
export const PARTNER_ROLES = ['partner_admin', 'partner_member'] as const;
export const ROLES = [...HOST_ROLES, ...PARTNER_ROLES] as const;
export type HostRole = (typeof HOST_ROLES)[number];
export type PartnerRole = (typeof PARTNER_ROLES)[number];
export type Role = (typeof ROLES)[number];

export const ORGANISATION_KINDS = ['host', 'partner'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const TIERS = ['platinum', 'gold', 'silver', 'registered'] as const;
export type Tier = (typeof TIERS)[number];

export const ORGANISATION_STATUSES = ['active', 'suspended'] as const;
export type OrganisationStatus = (typeof ORGANISATION_STATUSES)[number];

export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

export function isHostRole(role: Role): role is HostRole {
	return (HOST_ROLES as readonly string[]).includes(role);
}

export function rolesForKind(kind: OrganisationKind): readonly Role[] {
	return kind === 'host' ? HOST_ROLES : PARTNER_ROLES;
}

export const STAGES = [
	'prospecting',
	'qualification',
	'proposal',
	'negotiation',
	'won',
	'lost'
] as const;
export type Stage = (typeof STAGES)[number];
export const OPEN_STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation'] as const;

/** Default probability (percent) of each stage; an opportunity may override it. */
export const STAGE_PROBABILITY: Record<Stage, number> = {
	prospecting: 10,
	qualification: 25,
	proposal: 50,
	negotiation: 75,
	won: 100,
	lost: 0
};

export const ACCOUNT_SIZES = ['1-9', '10-49', '50-249', '250-999', '1000+'] as const;
export type AccountSize = (typeof ACCOUNT_SIZES)[number];

export const REGISTRATION_STATUSES = ['pending', 'approved', 'rejected', 'expired'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

export const IMPORT_KINDS = ['partners', 'accounts', 'contacts', 'opportunities'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

// Account plans (issue 4).
export const PLAN_KINDS = ['account', 'partner'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

export const PLAN_STATUSES = ['draft', 'published'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** How a plan is shared with its one partner company (or how the partner admin narrows it per person). */
export const PLAN_SHARE_MODES = ['editor', 'viewer'] as const;
export type PlanShareMode = (typeof PLAN_SHARE_MODES)[number];
export const PLAN_PERSON_ACCESS = ['editor', 'viewer', 'none'] as const;
export type PlanPersonAccess = (typeof PLAN_PERSON_ACCESS)[number];

/** The two Yjs documents of a plan: the shared one, and internal notes (host people only). */
export const PLAN_DOCUMENTS = ['shared', 'internal'] as const;
export type PlanDocument = (typeof PLAN_DOCUMENTS)[number];

export const PLAN_ACTION_STATUSES = ['todo', 'in_progress', 'done'] as const;
export type PlanActionStatus = (typeof PLAN_ACTION_STATUSES)[number];

export const PLAN_VERSION_KINDS = ['auto', 'named', 'restore'] as const;
export type PlanVersionKind = (typeof PLAN_VERSION_KINDS)[number];

// Partner feed (issue 5).
/** partner: the host + one partner; announcements: host posts, everyone reads; internal: host only;
 *  community: the host + several named partner companies (every member sees a banner naming them). */
export const CHANNEL_KINDS = ['partner', 'announcements', 'internal', 'community'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
/** A person's own relation to a channel they can see (no row = never chose). */
export const CHANNEL_MEMBERSHIP_STATES = ['joined', 'left'] as const;
export type ChannelMembershipState = (typeof CHANNEL_MEMBERSHIP_STATES)[number];
/** message: written by a person; activity: posted by Relais from the activity log. */
export const POST_KINDS = ['message', 'activity'] as const;
export type PostKind = (typeof POST_KINDS)[number];
/** The small reaction set (toggle one per person per emoji). */
export const REACTIONS = ['👍', '🎉', '❤️', '😄', '👀', '🙏'] as const;
export type Reaction = (typeof REACTIONS)[number];
export const REPORT_STATUSES = ['open', 'dismissed', 'hidden', 'removed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
