/** Domain refusals with stable codes; routes map them to a 4xx and a translated message. */
export type AuthErrorCode =
	| 'INVALID_CREDENTIALS'
	| 'RATE_LIMITED'
	| 'TOKEN_INVALID'
	| 'TOKEN_EXPIRED'
	| 'TOKEN_USED'
	| 'INVITATION_REVOKED'
	| 'EMAIL_TAKEN'
	| 'WRONG_PASSWORD'
	| 'BUSY';

export class AuthError extends Error {
	code: AuthErrorCode;
	retryAfterSeconds?: number;
	constructor(code: AuthErrorCode, options: { retryAfterSeconds?: number } = {}) {
		super(code);
		this.code = code;
		this.retryAfterSeconds = options.retryAfterSeconds;
	}
}

/** The message key each code is shown with. */
export const AUTH_ERROR_MESSAGES: Record<AuthErrorCode, string> = {
	INVALID_CREDENTIALS: 'auth_invalid_credentials',
	RATE_LIMITED: 'auth_rate_limited',
	TOKEN_INVALID: 'auth_token_invalid',
	TOKEN_EXPIRED: 'auth_token_expired',
	TOKEN_USED: 'auth_token_used',
	INVITATION_REVOKED: 'auth_invite_revoked',
	EMAIL_TAKEN: 'auth_invite_taken',
	WRONG_PASSWORD: 'auth_wrong_password',
	BUSY: 'auth_busy'
};
