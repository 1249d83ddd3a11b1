import type { OrganisationKind, Role } from '../../shared/enums.ts';

// Who asks. Every rule of the access module, every domain command and query, the live stream and
// the collaboration server take this one type (a SessionUser fits it).

export type Actor = {
	id: string;
	role: Role;
	organisationId: string;
	organisationKind: OrganisationKind;
	/** Their display name, when the caller has it (a session user does). Commands that write it
	 * into a text (notifications, activity) look it up when absent (`actorName`, command.ts). */
	name?: string;
};

/** Anyone or anything that belongs to an organisation of a known kind (an actor, a person row). */
type OfKind = { organisationKind: OrganisationKind };

/** The one host/partner predicate: does this person belong to the host company? */
export function isHostActor(who: OfKind): boolean {
	return who.organisationKind === 'host';
}

/** …or to a partner company? */
export function isPartnerActor(who: OfKind): boolean {
	return who.organisationKind === 'partner';
}
