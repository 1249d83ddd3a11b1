import { redirect } from '@sveltejs/kit';
import { invalid, notFound, runAction } from '$lib/server/http/edge';
import { requireUser } from '$lib/server/access/guard';
import { clientAddress } from '$lib/server/http/client';
import { parseForm } from '$lib/server/http/forms';
import { isId } from '$lib/shared/ids';
import { createPlan, defaultPlanTitle, mayCreatePlanFor, planSubject } from '$lib/server/plans';
import { getLocale } from '$lib/paraglide/runtime';
import { createPlanInput } from '$lib/shared/schemas/plans';
import type { Actions, PageServerLoad } from './$types';

// /plans/new?account=<id> or ?partner=<id>: the template's language (the interface's by default)
// and the title. Only people who may create that plan reach the form; others get a 404.

function subjectOf(url: URL): { kind: 'account' | 'partner'; id: string } | null {
	const account = url.searchParams.get('account');
	if (isId(account)) return { kind: 'account', id: account };
	const partner = url.searchParams.get('partner');
	if (isId(partner)) return { kind: 'partner', id: partner };
	return null;
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const db = locals.runtime.db;
	const target = subjectOf(url);
	if (!target) notFound();
	const subject = await planSubject(db, user, target.kind, target.id);
	if (!subject) notFound();
	if (subject.planId) redirect(303, `/plans/${subject.planId}`);
	if (!(await mayCreatePlanFor(db, user, target.kind, target.id))) notFound();
	return {
		kind: target.kind,
		subjectId: target.id,
		subjectName: subject.name,
		// The language the person is using now (the template's default).
		locale: getLocale(),
		titles: {
			fr: defaultPlanTitle('fr', target.kind, subject.name),
			en: defaultPlanTitle('en', target.kind, subject.name)
		}
	};
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireUser(event.locals);
		const formData = await event.request.formData();
		const parsed = parseForm(createPlanInput, formData);
		if (!parsed.ok) return invalid(parsed.failure, { action: 'create' });
		const result = await runAction(formData, { action: 'create' }, () =>
			createPlan(event.locals.runtime.db, user, parsed.data, { ip: clientAddress(event) })
		);
		if (!result.ok) return result.failure;
		redirect(303, `/plans/${result.value.id}?created`);
	}
};
