export {
	accountKeys,
	matchReasons,
	sameAccount,
	findConflicts,
	CONFLICT_WINDOW_DAYS,
	type AccountKeys,
	type ConflictRef,
	type FindConflictsInput,
	type MatchReason
} from './conflicts.ts';
export {
	submitRegistration,
	approveRegistration,
	rejectRegistration,
	reviewersOf,
	partnerRecipients,
	type ReviewOptions
} from './commands.ts';
export {
	listRegistrations,
	getRegistration,
	conflictDetails,
	listRegistrableAccounts,
	listPartnerChoices,
	REGISTRATION_LIST_LIMIT,
	type AccountChoice,
	type ConflictDetail,
	type PartnerChoice,
	type RegistrationFilter,
	type RegistrationRow,
	type RegistrationView
} from './queries.ts';
export {
	expireRegistrations,
	scheduleDealJobs,
	dealJobHandlers,
	DEALS_EXPIRE_JOB,
	EXPIRE_INTERVAL_MS,
	type ExpiryResult
} from './jobs.ts';
