// What the collaboration server and its browser clients agree on.

import { isId } from './ids.ts';

/** The WebSocket path of the collaboration server, on the app's own origin. */
export const COLLAB_PATH = '/collab';

/**
 * WebSocket close codes the server uses. The client stops on `accessRevoked`, `budgetExceeded`
 * and `tooManyConnections` (reconnecting would be refused, or spend the budget again) and tells
 * the person.
 */
export const COLLAB_CLOSE_CODES = {
	/** Access revoked (deactivation, suspended partner, "log out everywhere"). */
	accessRevoked: 4403,
	/**
	 * The connection sent far more than an editor does (messages, bytes or sync requests: see
	 * server/collab/extensions/budget.ts). Not retried: a new page load starts a new budget.
	 */
	budgetExceeded: 4429,
	/**
	 * The session already holds as many sockets as it may (MAX_SOCKETS_PER_SESSION in budget.ts:
	 * one per open plan page). Not retried: closing other tabs and reloading frees a place.
	 */
	tooManyConnections: 4409,
	/** The server is stopping (deploy, restart): reconnect. */
	goingAway: 1001
} as const;

/** Why the server ended a client's connection for good: the client must not reconnect. */
export type CollabStopReason = 'access-revoked' | 'budget-exceeded' | 'too-many-connections';

/**
 * The close codes after which a client stops reconnecting (HocuspocusProvider 4 retries every
 * close, whatever its code) and tells the person why; null for the others (a restart, a network
 * failure, a cut for not reading), after which it reconnects.
 */
export function collabStopReason(code: number | undefined): CollabStopReason | null {
	if (code === COLLAB_CLOSE_CODES.accessRevoked) return 'access-revoked';
	if (code === COLLAB_CLOSE_CODES.budgetExceeded) return 'budget-exceeded';
	if (code === COLLAB_CLOSE_CODES.tooManyConnections) return 'too-many-connections';
	return null;
}

/** Reasons sent with Hocuspocus's "permission denied" for a document. */
export const COLLAB_REFUSALS = {
	sessionRequired: 'session-required',
	sessionInvalid: 'session-invalid',
	documentForbidden: 'document-forbidden'
} as const;

// Account plans: two documents per plan, the shared plan and the host's internal notes.
// Lower case only, as the database writes ids: one plan, one document name.
const PLAN_DOCUMENT_NAME = /^plan\.([0-9a-f-]{36})(\.internal)?$/;

export function planDocumentName(planId: string, document: 'shared' | 'internal'): string {
	return document === 'internal' ? `plan.${planId}.internal` : `plan.${planId}`;
}

/** `plan.<id>` or `plan.<id>.internal` → its plan and document; anything else → null. */
export function parsePlanDocumentName(
	name: string
): { planId: string; document: 'shared' | 'internal' } | null {
	const match = PLAN_DOCUMENT_NAME.exec(name);
	if (!match || !isId(match[1])) return null;
	return { planId: match[1], document: match[2] ? 'internal' : 'shared' };
}

/**
 * Stateless messages from the collaboration server to its clients (JSON). `saved`: the document
 * was stored in the database with this state vector (base64 of Y.encodeStateVector) and this
 * snapshot (base64 of Y.encodeSnapshot: the state vector AND the deletions). A client is "saved"
 * only when the snapshot contains every local update it holds:
 * `Y.snapshotContainsUpdate(Y.decodeSnapshot(bytes), update)`. The state vector alone cannot tell:
 * a deletion does not move it, so an edit that only deletes would look saved before it is.
 */
export type CollabStatelessMessage = {
	type: 'saved';
	stateVector: string;
	snapshot: string;
	at: string;
};
