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
import { DomainError, type DomainErrorCode } from '$lib/server/errors';
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

// How a refusal of the stage move reaches the person: a message, never an error page (not found
// included), so the board can roll the card back and say why — the one place a refusal is not
// answered by the edge's runAction (http/edge.ts), with the board's own sentences.
const REFUSALS: Partial<Record<DomainErrorCode, string>> = {
	FORBIDDEN: 'crm_pipeline_error_forbidden',
	NOT_FOUND: 'crm_pipeline_error_not_found',
	STALE: 'crm_pipeline_error_stale',
	LOST_REASON_REQUIRED: 'crm_pipeline_lost_reason_required'
};

function refusalOf(cause: unknown): { status: number; key: string; code: string } | null {
	if (!(cause instanceof DomainError)) return null;
	const key = REFUSALS[cause.code];
	return key ? { status: cause.status, key, code: cause.code } : null;
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
