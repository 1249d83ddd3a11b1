import { jsonAnswer, jsonMessage, jsonNotFound } from '$lib/server/http/edge';
import type { CommentError } from '$lib/server/plans/comments';

/** The response of a comment command: its result, a 404, or a 403. */
export function commentOutcome(result: { id: string } | CommentError, status = 200): Response {
	if (result === 'not_found') return jsonNotFound();
	if (result === 'forbidden') {
		return jsonMessage(403, { key: 'planHistory_api_comment_forbidden' }, { code: 'FORBIDDEN' });
	}
	return jsonAnswer(result, status);
}
