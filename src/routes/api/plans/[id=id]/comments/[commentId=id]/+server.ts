import { jsonEndpoint, jsonNotFound } from '$lib/server/http/edge';
import { deleteComment, editComment, setThreadResolved } from '$lib/server/plans/comments';
import { planAccess } from '$lib/server/plans/history-http';
import { updateCommentInput } from '$lib/shared/plan-history';
import type { RequestHandler } from './$types';
import { commentOutcome } from '../outcome';

/** PATCH { body } edits one's own comment; PATCH { resolved } resolves or reopens a thread. */
export const PATCH: RequestHandler = jsonEndpoint(
	{ body: updateCommentInput, hint: 'planHistory_api_comment_hint' },
	async ({ event, user, body }) => {
		const db = event.locals.runtime.db;
		const resolved = await planAccess(db, user, event.params.id);
		if (!resolved) return jsonNotFound();
		const id = event.params.commentId;
		const result =
			'resolved' in body
				? await setThreadResolved(db, user, resolved, id, body.resolved)
				: await editComment(db, user, resolved, id, body);
		return commentOutcome(result);
	}
);

/** DELETE: deletes one's own comment (kept, no longer shown). */
export const DELETE: RequestHandler = jsonEndpoint({}, async ({ event, user }) => {
	const db = event.locals.runtime.db;
	const resolved = await planAccess(db, user, event.params.id);
	if (!resolved) return jsonNotFound();
	return commentOutcome(await deleteComment(db, user, resolved, event.params.commentId));
});
