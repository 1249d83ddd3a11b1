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
