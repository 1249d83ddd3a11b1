import type { OrganisationKind, Role } from '../../shared/enums.ts';
import { HOST_ROLES, PARTNER_ROLES } from '../../shared/enums.ts';
import type { LiveAudience } from '../live/events.ts';
import { isHostActor, isPartnerActor, type Actor } from './actor.ts';

// The one place that answers "may this person do this to that object". Pure functions, no I/O:
// callers load the object first and pass what the rule needs. The rule of the house: a partner
// person never sees another partner company's people or content.

export type OrganisationRef = { id: string; kind: OrganisationKind };
export type UserRef = {
	id: string;
	organisationId: string;
	organisationKind: OrganisationKind;
	role: Role;
	/** For a host user seen by a partner: is this person one of the partner's host contacts? */
	isHostContact?: boolean;
};

/** The role with the workspace's admin power (in the host company: `isWorkspaceAdmin`). */
export function isAdminRole(role: Role): boolean {
	return role === 'admin';
}

/** Managed regions only mean something for a manager. */
export function roleManagesRegions(role: Role): boolean {
	return role === 'manager';
}

/** A workspace admin: an admin of the host company (an "admin" of a partner has no such power). */
export function isWorkspaceAdmin(who: { role: Role; organisationKind: OrganisationKind }): boolean {
	return isHostActor(who) && isAdminRole(who.role);
}

const isAdmin = isWorkspaceAdmin;
const isPartnerAdmin = (a: Actor) => isPartnerActor(a) && a.role === 'partner_admin';

/**
 * The partner company whose world this person is confined to: their own company for partner
 * people, null for host people (who see every company). Queries that scope rows, activities,
 * versions or audit entries by company ask this.
 */
export function partnerScopeOf(actor: Actor): string | null {
	return isPartnerActor(actor) ? actor.organisationId : null;
}

/**
 * Host contacts (the host people of their region, `isHostContactOf`) are what partner people have
 * instead of the host's directory; host people see everyone and have none.
 */
export function hasHostContacts(actor: Actor): boolean {
	return isPartnerActor(actor);
}

/** Host people see every organisation; a partner person sees their own company and the host. */
export function canViewOrganisation(actor: Actor, org: OrganisationRef): boolean {
	if (isHostActor(actor)) return true;
	return org.id === actor.organisationId || org.kind === 'host';
}

/** Create partners, change tier, region, status: workspace admins only. */
export function canManageOrganisations(actor: Actor): boolean {
	return isAdmin(actor);
}

/**
 * Host people see everyone. A partner person sees their own colleagues and only their host
 * contacts — never the host's whole directory, never another partner's people.
 */
export function canViewUser(actor: Actor, target: UserRef): boolean {
	if (isHostActor(actor)) return true;
	if (target.organisationId === actor.organisationId) return true;
	return isHostActor(target) && target.isHostContact === true;
}

/** The people admin pages of an organisation: admins for all, a partner admin for their own. */
export function canManagePeopleOf(actor: Actor, org: OrganisationRef): boolean {
	if (isAdmin(actor)) return true;
	return isPartnerAdmin(actor) && org.kind === 'partner' && org.id === actor.organisationId;
}

/** Roles that fit an organisation: host roles in the host company, partner roles in a partner. */
export function roleFitsOrganisation(role: Role, kind: OrganisationKind): boolean {
	const allowed: readonly Role[] = kind === 'host' ? HOST_ROLES : PARTNER_ROLES;
	return allowed.includes(role);
}

/** Invite someone with this role into this organisation. */
export function canInvite(actor: Actor, org: OrganisationRef, role: Role): boolean {
	return canManagePeopleOf(actor, org) && roleFitsOrganisation(role, org.kind);
}

/** Change someone's role, team or region. Nobody changes their own role (no accidental lock-out). */
export function canChangeRole(actor: Actor, target: UserRef, newRole: Role): boolean {
	if (target.id === actor.id) return false;
	const org = { id: target.organisationId, kind: target.organisationKind };
	return canManagePeopleOf(actor, org) && roleFitsOrganisation(newRole, org.kind);
}

/** Team and region belong to the host's organisation chart: admins only. */
export function canAssignTeam(actor: Actor, target: UserRef): boolean {
	return isAdmin(actor) && isHostActor(target);
}

/** Deactivate or reactivate someone (ends their sessions). Never oneself. */
export function canDeactivate(actor: Actor, target: UserRef): boolean {
	if (target.id === actor.id) return false;
	return canManagePeopleOf(actor, { id: target.organisationId, kind: target.organisationKind });
}

export function canViewAuditLog(actor: Actor): boolean {
	return isAdmin(actor);
}

/** The outbox holds every e-mail with its links (invitations, resets): admins only. */
export function canViewOutbox(actor: Actor): boolean {
	return isAdmin(actor);
}

/** An activity belongs to the host (organisationId null) or to one partner's world. */
export function canViewActivity(
	actor: Actor,
	activity: { organisationId: string | null }
): boolean {
	if (isHostActor(actor)) return true;
	return activity.organisationId === actor.organisationId;
}

export function canReadNotification(actor: Actor, notification: { userId: string }): boolean {
	return notification.userId === actor.id;
}

/** Which open event streams may receive a live event. */
export function canReceiveLiveEvent(actor: Actor, audience: LiveAudience): boolean {
	if ('users' in audience) return audience.users.includes(actor.id);
	if ('organisation' in audience) {
		return canViewActivity(actor, { organisationId: audience.organisation });
	}
	if ('organisations' in audience) {
		return isHostActor(actor) || audience.organisations.includes(actor.organisationId);
	}
	return audience.everyone === true;
}

/**
 * The one vocabulary of access levels: edit it, only read it, or nothing at all. Plans use it
 * (`planAccess`, plan-policy.ts) and so do their collaborative documents (`plan.<id>`,
 * `plan.<id>.internal`: `planDocumentAccess` in plans/access.ts), whose connections are read-only
 * when the answer is 'read'.
 */
export type AccessLevel = 'edit' | 'read' | 'none';
