import { jsonEndpoint, jsonNotFound } from '$lib/server/http/edge';
import { replyToThread } from '$lib/server/plans/comments';
import { planAccess } from '$lib/server/plans/history-http';
import { replyInput } from '$lib/shared/plan-history';
import type { RequestHandler } from './$types';
import { commentOutcome } from '../../outcome';

/** POST { body }: replies to the thread (the thread's first comment). */
export const POST: RequestHandler = jsonEndpoint(
	{ body: replyInput, hint: 'planHistory_api_reply_hint' },
	async ({ event, user, body }) => {
		const db = event.locals.runtime.db;
		const resolved = await planAccess(db, user, event.params.id);
		if (!resolved) return jsonNotFound();
		const thread = event.params.commentId;
		return commentOutcome(await replyToThread(db, user, resolved, thread, body), 201);
	}
);
