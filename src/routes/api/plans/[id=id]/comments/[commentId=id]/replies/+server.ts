import { replyToThread } from '$lib/server/plans/comments';
import { guardPlan, readJson } from '$lib/server/plans/history-http';
import { replyInput } from '$lib/shared/plan-history';
import type { RequestHandler } from './$types';
import { commentOutcome } from '../../outcome';

/** POST { body }: replies to the thread (the thread's first comment). */
export const POST: RequestHandler = async ({ locals, params, request, url }) => {
	const input = await readJson(
		request,
		url,
		replyInput,
		'Send { "body": "…" } (1 to 4000 characters).'
	);
	if (input instanceof Response) return input;
	const db = locals.runtime.db;
	const guard = await guardPlan(db, locals.user, params.id);
	if (guard instanceof Response) return guard;
	return commentOutcome(
		await replyToThread(db, guard.user, guard.resolved, params.commentId, input),
		201
	);
};
