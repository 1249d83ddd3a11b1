export { login, changePassword, findUserByEmail, ACCOUNT_LIMIT, IP_LIMIT } from './login.ts';
export { inviteUser, getInvitation, acceptInvitation, INVITATION_TTL_MS } from './invitations.ts';
export type { InviteInput, InvitationView } from './invitations.ts';
export { requestPasswordReset, getPasswordResetStatus, resetPassword } from './password-reset.ts';
export {
	SESSION_COOKIE,
	createSession,
	generateToken,
	hashToken,
	validateSessionToken
} from './sessions.ts';
export type { Session, SessionUser } from './sessions.ts';
export {
	announceAccessChange,
	ACCESS_CHANGED,
	endSessions,
	revocationDelivered,
	revokeUserAccess,
	SESSION_REVOKED
} from './revoke.ts';
export type { EndedSessions } from './revoke.ts';
