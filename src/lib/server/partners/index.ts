export { updatePartner, type PartnerChange } from './commands.ts';
export {
	listPartners,
	getPartnerDetail,
	listOwnerCandidates,
	loadHealthInputs,
	PARTNER_SORTS,
	type PartnerSort,
	type PartnerFilter,
	type PartnerRow,
	type PartnerPage,
	type PartnerDetail,
	type PartnerPerson,
	type PartnerAccount,
	type PartnerDeal,
	type PartnerActivity,
	type StageTotal,
	type Onboarding,
	type OwnerOption
} from './queries.ts';
export {
	computeHealth,
	bandOf,
	smoothedWinRate,
	HEALTH_WEIGHTS,
	EMPTY_HEALTH_INPUTS,
	type Health,
	type HealthBand,
	type HealthInputs,
	type HealthKey,
	type HealthPart
} from './health.ts';
