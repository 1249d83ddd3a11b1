import type { ImportKind } from '../../shared/enums.ts';
import { isHostActor, isPartnerActor, type Actor } from './actor.ts';

// Record-level rules of the CRM (partners, accounts, contacts, opportunities, registrations).
// A CRM record belongs to the host and to the partners listed in `partnerIds`: a partner person
// sees and edits only records of their own company, never another partner's.

export type CrmRecordRef = {
	/** The partner companies the record belongs to (account: serving partners; contact and
	 * opportunity: their partner, if any). Empty = the host's own (direct) record. */
	partnerIds: readonly string[];
	/** The host user who owns it, if any. */
	ownerId: string | null;
};

const isAdmin = (a: Actor) => isHostActor(a) && a.role === 'admin';
const isManagerOrAdmin = (a: Actor) =>
	isHostActor(a) && (a.role === 'admin' || a.role === 'manager');
const ownCompany = (a: Actor, r: CrmRecordRef) => r.partnerIds.includes(a.organisationId);

/** The partner directory (every partner company): host people only. */
export function canViewPartnerDirectory(actor: Actor): boolean {
	return isHostActor(actor);
}

/** One partner's page: the host, and that partner's own people. */
export function canViewPartner(actor: Actor, partner: { id: string }): boolean {
	return isHostActor(actor) || actor.organisationId === partner.id;
}

/** Tier, region, owner rep, status, onboarding checklist: managers and admins. */
export function canEditPartner(actor: Actor): boolean {
	return isManagerOrAdmin(actor);
}

/** Host people read every record; a partner person only their own company's. */
export function canViewCrmRecord(actor: Actor, record: CrmRecordRef): boolean {
	return isHostActor(actor) || ownCompany(actor, record);
}

/**
 * Admins and managers edit everything; reps edit what they own and read the rest; partner people
 * edit their own company's records.
 */
export function canEditCrmRecord(actor: Actor, record: CrmRecordRef): boolean {
	if (isManagerOrAdmin(actor)) return true;
	if (isHostActor(actor)) return record.ownerId === actor.id;
	return ownCompany(actor, record);
}

/** Creating a record: every host person; partner people in their own company only. */
export function canCreateCrmRecord(actor: Actor, record: CrmRecordRef): boolean {
	if (isHostActor(actor)) return true;
	return (
		record.partnerIds.length > 0 && record.partnerIds.every((id) => id === actor.organisationId)
	);
}

/** Soft delete: admins and managers; a partner admin for their own company's records. */
export function canDeleteCrmRecord(actor: Actor, record: CrmRecordRef): boolean {
	if (isManagerOrAdmin(actor)) return true;
	return actor.role === 'partner_admin' && isPartnerActor(actor) && ownCompany(actor, record);
}

/** The "recently deleted" list and restoring from it: workspace admins. */
export function canRestoreCrmRecords(actor: Actor): boolean {
	return isAdmin(actor);
}

/** The host owners of CRM records (names, e-mails in exports): host people; a partner needs none. */
export function canSeeRecordOwners(actor: Actor): boolean {
	return isHostActor(actor);
}

/** Registering a deal is what partner people do. */
export function canRegisterDeal(actor: Actor): boolean {
	return isPartnerActor(actor);
}

/** A registration: the host, and the partner that submitted it. */
export function canViewRegistration(actor: Actor, registration: { partnerId: string }): boolean {
	return isHostActor(actor) || actor.organisationId === registration.partnerId;
}

/** Approve or reject registrations (and see the conflict detail): managers and admins. */
export function canReviewRegistrations(actor: Actor): boolean {
	return isManagerOrAdmin(actor);
}

/** CSV import: managers and admins for everything; partner admins for their company's CRM data. */
export function canImport(actor: Actor, kind: ImportKind): boolean {
	if (isManagerOrAdmin(actor)) return true;
	return actor.role === 'partner_admin' && isPartnerActor(actor) && kind !== 'partners';
}
