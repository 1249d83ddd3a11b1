import { redirect } from '@sveltejs/kit';
import { invalid, notFound, runAction } from '$lib/server/http/edge';
import { canDeletePlan, canManagePlan, canNarrowPlanForPeople } from '$lib/server/access';
import { requireUser } from '$lib/server/access/guard';
import { clientAddress } from '$lib/server/http/client';
import { parseForm } from '$lib/server/http/forms';
import {
	changePlanOwner,
	deletePlan,
	loadPlanRow,
	ownerChoices,
	partnerPeopleAccess,
	planHeader,
	planViewer,
	resolvePlanAccess,
	setPersonAccess,
	shareChoices,
	sharePlan
} from '$lib/server/plans';
import { personAccessInput, planOwnerInput, sharePlanInput } from '$lib/shared/schemas/plans';
import type { Actions, PageServerLoad } from './$types';

// Sharing (host people who manage the plan), per-person narrowing (the admin of the partner
// company it is shared with: their own people only), owner change and deletion. Everyone else
// gets the 404 of a plan that does not exist.

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const user = requireUser(locals, url);
	const db = locals.runtime.db;
	const viewer = await planViewer(db, user);
	const resolved = await resolvePlanAccess(db, viewer, params.id);
	if (!resolved) notFound();
	const manage = canManagePlan(viewer, resolved.facts);
	const narrow = canNarrowPlanForPeople(viewer, resolved.facts);
	if (!manage && !narrow) notFound();
	const row = await loadPlanRow(db, params.id);
	if (!row) notFound();
	const [partners, owners, people] = await Promise.all([
		manage ? shareChoices(db, row) : [],
		manage ? ownerChoices(db) : [],
		narrow ? partnerPeopleAccess(db, user.organisationId, params.id) : []
	]);
	return {
		plan: planHeader(row),
		can: {
			manage,
			narrow,
			delete: canDeletePlan(viewer, resolved.facts),
			open: resolved.access !== 'none'
		},
		partners,
		owners,
		people
	};
};

export const actions: Actions = {
	share: async (event) => {
		const user = requireUser(event.locals);
		const formData = await event.request.formData();
		const parsed = parseForm(sharePlanInput, formData);
		if (!parsed.ok) return invalid(parsed.failure, { action: 'share' });
		const result = await runAction(formData, { action: 'share' }, () =>
			sharePlan(event.locals.runtime.db, user, event.params.id, parsed.data, {
				ip: clientAddress(event)
			})
		);
		if (!result.ok) return result.failure;
		return {
			action: 'share',
			success: { key: result.value.changed ? 'plans_share_saved' : 'plans_nothing_changed' }
		};
	},
	person: async (event) => {
		const user = requireUser(event.locals);
		const formData = await event.request.formData();
		const parsed = parseForm(personAccessInput, formData);
		if (!parsed.ok) return invalid(parsed.failure, { action: 'person' });
		const result = await runAction(formData, { action: 'person' }, () =>
			setPersonAccess(
				event.locals.runtime.db,
				user,
				event.params.id,
				parsed.data.userId,
				parsed.data.access,
				{ ip: clientAddress(event) }
			)
		);
		if (!result.ok) return result.failure;
		return { action: 'person', success: { key: 'plans_person_saved' } };
	},
	owner: async (event) => {
		const user = requireUser(event.locals);
		const formData = await event.request.formData();
		const parsed = parseForm(planOwnerInput, formData);
		if (!parsed.ok) return invalid(parsed.failure, { action: 'owner' });
		const result = await runAction(formData, { action: 'owner' }, () =>
			changePlanOwner(event.locals.runtime.db, user, event.params.id, parsed.data.ownerId, {
				ip: clientAddress(event)
			})
		);
		if (!result.ok) return result.failure;
		return { action: 'owner', success: { key: 'plans_owner_saved' } };
	},
	delete: async (event) => {
		const user = requireUser(event.locals);
		const formData = await event.request.formData();
		const result = await runAction(formData, { action: 'delete' }, () =>
			deletePlan(event.locals.runtime.db, user, event.params.id, { ip: clientAddress(event) })
		);
		if (!result.ok) return result.failure;
		redirect(303, '/plans?deleted');
	}
};
