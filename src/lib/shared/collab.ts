// What the collaboration server and its browser clients agree on.

/** The WebSocket path of the collaboration server, on the app's own origin. */
export const COLLAB_PATH = '/collab';

/** WebSocket close codes the server uses; the client re-authorises on `accessRevoked`. */
export const COLLAB_CLOSE_CODES = {
	/** Access revoked (deactivation, suspended partner, "log out everywhere"). */
	accessRevoked: 4403,
	/** The server is stopping (deploy, restart): reconnect. */
	goingAway: 1001
} as const;

/** Reasons sent with Hocuspocus's "permission denied" for a document. */
export const COLLAB_REFUSALS = {
	sessionRequired: 'session-required',
	sessionInvalid: 'session-invalid',
	documentForbidden: 'document-forbidden'
} as const;
