import { notFound, runAction } from '$lib/server/http/edge';
import { requireUser } from '$lib/server/access/guard';
import { clientAddress } from '$lib/server/http/client';
import type { Db } from '$lib/server/db';
import { loadPlanPage, markPlanReviewed, publishPlan, unpublishPlan } from '$lib/server/plans';
import type { PlanPageData } from '$lib/shared/plans';
import type { Actions, PageServerLoad, RequestEvent } from './$types';
import type { Actor } from '$lib/server/access';
import type { CommandContext } from '$lib/server/command.ts';

// The plan page (the editor is the page component). Anyone who may not open the plan gets the
// same 404 as for a plan that does not exist; the internal notes key exists only for host people
// who may open them.

export const load: PageServerLoad = async ({ locals, url, params, depends }) => {
	const user = requireUser(locals, url);
	depends('plans:crm');
	const data: PlanPageData | null = await loadPlanPage(locals.runtime.db, user, params.id, {
		currency: locals.runtime.config.currency
	});
	if (!data) notFound();
	return data;
};

type Command = (db: Db, actor: Actor, planId: string, context: CommandContext) => Promise<unknown>;

function lifecycle(action: string, command: Command, successKey: string) {
	return async (event: RequestEvent) => {
		const user = requireUser(event.locals);
		const formData = await event.request.formData();
		const result = await runAction(formData, { action }, () =>
			command(event.locals.runtime.db, user, event.params.id, { ip: clientAddress(event) })
		);
		if (!result.ok) return result.failure;
		return { action, success: { key: successKey } };
	};
}

export const actions: Actions = {
	publish: lifecycle('publish', publishPlan, 'plans_published_ok'),
	unpublish: lifecycle('unpublish', unpublishPlan, 'plans_unpublished_ok'),
	review: lifecycle('review', markPlanReviewed, 'plans_reviewed_ok')
};
