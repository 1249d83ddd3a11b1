import { failure, jsonResponse, notFound } from '$lib/server/plans/history-http';
import type { CommentError } from '$lib/server/plans/comments';

/** The response of a comment command: its result, a 404, or a 403. */
export function commentOutcome(result: { id: string } | CommentError, status = 200): Response {
	if (result === 'not_found') return notFound();
	if (result === 'forbidden') return failure(403, 'You cannot change this comment.');
	return jsonResponse(result, status);
}
