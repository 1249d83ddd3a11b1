import { error } from '@sveltejs/kit';
import { AUTH_ERROR_MESSAGES, type AuthError } from '$lib/server/auth';
import type { TokenStatus } from '$lib/server/auth/tokens';
import { t } from '$lib/i18n';

// Invitation and password-reset links that cannot be used answer with a status that says why:
// 404 for a link that never existed (forged, mistyped), 410 Gone for one that expired, was used or
// was withdrawn. The (auth) error page shows the message with a way forward.

type LinkKind = 'invitation' | 'reset';
type LinkCode = 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_USED' | 'INVITATION_REVOKED';

/** The status of each refusal of a link: it never existed (404), or it cannot be used any more (410). */
const STATUS: Record<LinkCode, 404 | 410> = {
	TOKEN_INVALID: 404,
	TOKEN_EXPIRED: 410,
	TOKEN_USED: 410,
	INVITATION_REVOKED: 410
};

/** Why a link whose token status is not `valid` is refused. */
const CODES: Record<LinkKind, Record<Exclude<TokenStatus, 'valid'>, LinkCode>> = {
	invitation: {
		invalid: 'TOKEN_INVALID',
		expired: 'TOKEN_EXPIRED',
		used: 'TOKEN_USED',
		revoked: 'INVITATION_REVOKED'
	},
	// Reset links are not withdrawn; a revoked one reads as not valid.
	reset: {
		invalid: 'TOKEN_INVALID',
		expired: 'TOKEN_EXPIRED',
		used: 'TOKEN_USED',
		revoked: 'TOKEN_INVALID'
	}
};

function refuse(code: LinkCode): never {
	error(STATUS[code], { message: t(AUTH_ERROR_MESSAGES[code]), code });
}

/** The error page for a link whose status is not `valid`; returns when it is. */
export function assertLinkUsable(kind: LinkKind, status: TokenStatus): void {
	if (status !== 'valid') refuse(CODES[kind][status]);
}

/**
 * A refusal met while submitting the form (the link expired or was used meanwhile): the same
 * error page as opening the link. Other refusals are left to the form (returns).
 */
export function refuseLinkError(error: AuthError): void {
	if (Object.hasOwn(STATUS, error.code)) refuse(error.code as LinkCode);
}
