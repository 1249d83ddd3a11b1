// The CRM records (accounts, contacts, opportunities): what routes, the pipeline, the import and
// the search import. Reads are narrowed by scope.ts, writes authorised by crm-policy.ts.
export {
	listAccounts,
	getAccount,
	createAccount,
	updateAccount,
	deleteAccount,
	type AccountRow,
	type AccountDetail,
	type AccountFilter,
	type AccountPage,
	type CreateAccountInput,
	type UpdateAccountInput,
	type Permissions
} from './accounts.ts';
export {
	listContactsOfAccount,
	getContact,
	createContact,
	updateContact,
	deleteContact,
	type ContactRow,
	type ContactDetail,
	type CreateContactInput,
	type UpdateContactInput
} from './contacts.ts';
export {
	listOpportunitiesOfAccount,
	getOpportunity,
	getOpportunityHistory,
	createOpportunity,
	updateOpportunity,
	changeOpportunityStage,
	deleteOpportunity,
	type OpportunityRow,
	type OpportunityDetail,
	type HistoryEntry,
	type CreateOpportunityInput,
	type UpdateOpportunityInput
} from './opportunities.ts';
export {
	listRecentlyDeleted,
	restoreRecord,
	RESTORE_WINDOW_DAYS,
	type DeletedKind,
	type DeletedRecord
} from './deleted.ts';
export { crmChoices, type Choice, type CrmChoices } from './common.ts';
export { searchVector } from './scope.ts';
