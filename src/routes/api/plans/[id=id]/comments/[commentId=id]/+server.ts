import { deleteComment, editComment, setThreadResolved } from '$lib/server/plans/comments';
import { guardPlan, readJson } from '$lib/server/plans/history-http';
import { updateCommentInput } from '$lib/shared/plan-history';
import type { RequestHandler } from './$types';
import { commentOutcome } from '../outcome';

/** PATCH { body } edits one's own comment; PATCH { resolved } resolves or reopens a thread. */
export const PATCH: RequestHandler = async ({ locals, params, request, url }) => {
	const input = await readJson(
		request,
		url,
		updateCommentInput,
		'Send { "body": "…" } (1 to 4000 characters) or { "resolved": true | false }.'
	);
	if (input instanceof Response) return input;
	const db = locals.runtime.db;
	const guard = await guardPlan(db, locals.user, params.id);
	if (guard instanceof Response) return guard;
	const result =
		'resolved' in input
			? await setThreadResolved(db, guard.user, guard.resolved, params.commentId, input.resolved)
			: await editComment(db, guard.user, guard.resolved, params.commentId, input);
	return commentOutcome(result);
};

/** DELETE: deletes one's own comment (kept, no longer shown). */
export const DELETE: RequestHandler = async ({ locals, params, request, url }) => {
	if (request.headers.get('origin') !== url.origin) {
		return new Response(JSON.stringify({ message: 'This request must come from Relais itself.' }), {
			status: 403,
			headers: { 'content-type': 'application/json' }
		});
	}
	const db = locals.runtime.db;
	const guard = await guardPlan(db, locals.user, params.id);
	if (guard instanceof Response) return guard;
	return commentOutcome(await deleteComment(db, guard.user, guard.resolved, params.commentId));
};
