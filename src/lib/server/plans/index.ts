export {
	planViewer,
	planAccessFacts,
	resolvePlanAccess,
	planDocumentAccess,
	type ResolvedPlan
} from './access.ts';
export {
	createPlan,
	publishPlan,
	unpublishPlan,
	markPlanReviewed,
	sharePlan,
	setPersonAccess,
	changePlanOwner,
	deletePlan,
	existingPlanId,
	mayCreatePlanFor,
	planSubject,
	planButton,
	type CreatePlanInput,
	partnerPeopleAccess,
	shareChoices,
	ownerChoices
} from './plans.ts';
export {
	listPlans,
	planOwnerChoices,
	stalePlanSql,
	type PlanFilter,
	type PlanListRow,
	type PlanPage
} from './list.ts';
export { loadPlanPage, loadPlanRow, planHeader, planPeople } from './page.ts';
export { planCrmBlocks, CRM_BLOCK_LIMIT } from './crm-blocks.ts';
export {
	buildPlanDocuments,
	buildSharedDocument,
	buildInternalDocument,
	defaultPlanTitle,
	type TemplateInput
} from './templates.ts';
export { plansProvider } from './search.ts';
