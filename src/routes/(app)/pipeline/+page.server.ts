import { fail } from '@sveltejs/kit';
import { canViewPartnerDirectory, requireUser } from '$lib/server/access';
import {
	pipelineBoard,
	pipelineFilterOptions,
	pipelineTable,
	pipelineTotals,
	type PipelineFilter
} from '$lib/server/crm/pipeline';
import { moveOpportunityStage } from '$lib/server/crm/pipeline-move';
import { clientAddress } from '$lib/server/http/client';
import { formMessage, parseForm } from '$lib/server/http/forms';
import type { MessageRef } from '$lib/shared/forms';
import { searchParamsObject } from '$lib/shared/schemas/admin';
import { moveOpportunitySchema, pipelineQuerySchema } from '$lib/shared/schemas/pipeline';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, depends }) => {
	const user = requireUser(locals, url);
	// Live `opportunity.changed` events invalidate this to redraw the board without a reload.
	depends('crm:pipeline');
	const db = locals.runtime.db;
	const query = pipelineQuerySchema.parse(searchParamsObject(url.searchParams));
	const filter: PipelineFilter = {
		ownerId: query.owner,
		partnerId: query.partner,
		regionId: query.region,
		stage: query.stage,
		period: query.period,
		from: query.from,
		to: query.to
	};
	const options = await pipelineFilterOptions(db, user);
	// Host people filter and list by partner company; a partner sees only their own deals.
	const can = { viewPartners: canViewPartnerDirectory(user) };
	if (query.view === 'table') {
		const [table, totals] = await Promise.all([
			pipelineTable(db, user, filter, { sort: query.sort, dir: query.dir, after: query.after }),
			pipelineTotals(db, user, filter)
		]);
		return { query, options, can, view: 'table' as const, table, totals, columns: null };
	}
	const columns = await pipelineBoard(db, user, filter);
	return { query, options, can, view: 'board' as const, table: null, totals: columns, columns };
};

// How a refusal of the stage move reaches the person: a message, never an error page, so the
// board can roll the card back and say why. Codes of the CRM records module are read loosely.
const REFUSALS: Record<string, { status: number; key: string }> = {
	FORBIDDEN: { status: 403, key: 'crm_pipeline_error_forbidden' },
	NOT_FOUND: { status: 404, key: 'crm_pipeline_error_not_found' },
	STALE: { status: 409, key: 'crm_pipeline_error_stale' },
	VERSION_CONFLICT: { status: 409, key: 'crm_pipeline_error_stale' },
	CONFLICT: { status: 409, key: 'crm_pipeline_error_stale' },
	LOST_REASON_REQUIRED: { status: 400, key: 'crm_pipeline_lost_reason_required' }
};

function refusalOf(cause: unknown): { status: number; key: string; code: string } | null {
	const code = (cause as { code?: unknown } | null)?.code;
	if (typeof code !== 'string' || !(code in REFUSALS)) return null;
	return { ...REFUSALS[code], code };
}

export const actions: Actions = {
	move: async (event) => {
		const user = requireUser(event.locals);
		const formData = await event.request.formData();
		const id = String(formData.get('id') ?? '');
		const parsed = parseForm(moveOpportunitySchema, formData);
		if (!parsed.ok) return fail(400, { ...parsed.failure, action: 'move', id, code: 'INVALID' });
		try {
			const moved = await moveOpportunityStage(event.locals.runtime.db, user, parsed.data, {
				ip: clientAddress(event)
			});
			return {
				action: 'move',
				id,
				moved,
				success: { key: 'crm_pipeline_moved' }
			};
		} catch (cause) {
			const refusal = refusalOf(cause);
			if (!refusal) throw cause;
			const fieldErrors: Record<string, MessageRef> =
				refusal.code === 'LOST_REASON_REQUIRED' ? { lostReason: { key: refusal.key } } : {};
			return fail(refusal.status, {
				...formMessage(formData, refusal.key, undefined, fieldErrors),
				action: 'move',
				id,
				code: refusal.code
			});
		}
	}
};
