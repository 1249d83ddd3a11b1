export {
	changeRole,
	assignTeamAndRegion,
	deactivateUser,
	reactivateUser,
	invitePerson,
	revokeInvitation,
	resendInvitation,
	createPartnerOrganisation,
	updateOrganisation,
	changeOrganisation,
	type OrganisationChange,
	type InviteContext
} from './commands.ts';
export {
	listPeople,
	getPerson,
	listPendingInvitations,
	listOrganisations,
	getOrganisation,
	listRegions,
	listTeams,
	peopleNames,
	type Person,
	type PersonDetail,
	type PeopleFilter,
	type PeoplePage,
	type PendingInvitation,
	type OrganisationRow,
	type RegionRow,
	type TeamRow
} from './queries.ts';
export { listAuditActors, listAuditObjectTypes, auditNewerCursor } from './history.ts';
