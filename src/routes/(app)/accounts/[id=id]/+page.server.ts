import { isHostActor } from '$lib/server/access';
import { redirect } from '@sveltejs/kit';
import { invalid, notFound, runAction, succeeded } from '$lib/server/http/edge';
import { parseForm } from '$lib/server/http/forms';
import {
	createContact,
	createOpportunity,
	crmChoices,
	deleteAccount,
	getAccount,
	listContactsOfAccount,
	listOpportunitiesOfAccount,
	updateAccount
} from '$lib/server/crm';
import { crmContext, crmUser } from '$lib/server/crm/edge';
import { planButton } from '$lib/server/plans';
import { accountEdit, contactInput, opportunityInput } from '$lib/shared/schemas/crm';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, params }) => {
	const user = crmUser(locals, url);
	const db = locals.runtime.db;
	const account = await getAccount(db, user, params.id);
	if (!account) notFound();
	const [contacts, opportunities, choices, plan] = await Promise.all([
		listContactsOfAccount(db, user, account.id),
		listOpportunitiesOfAccount(db, user, account.id),
		crmChoices(db, user),
		planButton(db, user, 'account', account.id)
	]);
	return {
		account,
		plan,
		contacts,
		opportunities,
		choices,
		isHost: isHostActor(user),
		me: user.id,
		currency: locals.runtime.config.currency,
		created: url.searchParams.has('created')
	};
};

export const actions: Actions = {
	update: async (event) => {
		const user = crmUser(event.locals);
		const formData = await event.request.formData();
		const tag = { action: 'update' };
		const parsed = parseForm(accountEdit, formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			updateAccount(
				event.locals.runtime.db,
				user,
				{ ...parsed.data, id: event.params.id },
				crmContext(event)
			)
		);
		if (!result.ok) return result.failure;
		return succeeded(tag, result.value.changed ? 'crm_saved' : 'crm_nothing_changed');
	},
	delete: async (event) => {
		const user = crmUser(event.locals);
		const formData = await event.request.formData();
		const result = await runAction(formData, { action: 'delete' }, () =>
			deleteAccount(event.locals.runtime.db, user, { id: event.params.id }, crmContext(event))
		);
		if (!result.ok) return result.failure;
		redirect(303, '/accounts?deleted');
	},
	createContact: async (event) => {
		const user = crmUser(event.locals);
		const formData = await event.request.formData();
		const tag = { action: 'createContact' };
		const parsed = parseForm(contactInput, formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			createContact(
				event.locals.runtime.db,
				user,
				{ ...parsed.data, accountId: event.params.id },
				crmContext(event)
			)
		);
		if (!result.ok) return result.failure;
		return succeeded(tag, 'crm_contact_created', { name: parsed.data.name });
	},
	createOpportunity: async (event) => {
		const user = crmUser(event.locals);
		const formData = await event.request.formData();
		const tag = { action: 'createOpportunity' };
		const parsed = parseForm(opportunityInput, formData);
		if (!parsed.ok) return invalid(parsed.failure, tag);
		const result = await runAction(formData, tag, () =>
			createOpportunity(
				event.locals.runtime.db,
				user,
				{ ...parsed.data, accountId: event.params.id },
				crmContext(event)
			)
		);
		if (!result.ok) return result.failure;
		redirect(303, `/opportunities/${result.value.id}?created`);
	}
};
