import { error } from '@sveltejs/kit';
import { AUTH_ERROR_MESSAGES, type AuthError } from '$lib/server/auth';
import type { TokenStatus } from '$lib/server/auth/tokens';
import type { AuthErrorCode } from '$lib/server/auth/errors';
import { t } from '$lib/i18n';

// Invitation and password-reset links that cannot be used answer with a status that says why:
// 404 for a link that never existed (forged, mistyped), 410 Gone for one that expired, was used or
// was withdrawn. The (auth) error page shows the message with a way forward.

type LinkKind = 'invitation' | 'reset';
type Refusal = { status: 404 | 410; code: AuthErrorCode };

const REFUSALS: Record<LinkKind, Record<Exclude<TokenStatus, 'valid'>, Refusal>> = {
	invitation: {
		invalid: { status: 404, code: 'TOKEN_INVALID' },
		expired: { status: 410, code: 'TOKEN_EXPIRED' },
		used: { status: 410, code: 'TOKEN_USED' },
		revoked: { status: 410, code: 'INVITATION_REVOKED' }
	},
	reset: {
		invalid: { status: 404, code: 'TOKEN_INVALID' },
		expired: { status: 410, code: 'TOKEN_EXPIRED' },
		used: { status: 410, code: 'TOKEN_USED' },
		// Reset links are not withdrawn; a revoked one reads as not valid.
		revoked: { status: 404, code: 'TOKEN_INVALID' }
	}
};

function refuse({ status, code }: Refusal): never {
	error(status, { message: t(AUTH_ERROR_MESSAGES[code]), code });
}

/** The error page for a link whose status is not `valid`; returns when it is. */
export function assertLinkUsable(kind: LinkKind, status: TokenStatus): void {
	if (status !== 'valid') refuse(REFUSALS[kind][status]);
}

const LINK_CODES = new Set<AuthErrorCode>([
	'TOKEN_INVALID',
	'TOKEN_EXPIRED',
	'TOKEN_USED',
	'INVITATION_REVOKED'
]);

/**
 * A refusal met while submitting the form (the link expired or was used meanwhile): the same
 * error page as opening the link. Other refusals are left to the form (returns).
 */
export function refuseLinkError(error: AuthError): void {
	if (!LINK_CODES.has(error.code)) return;
	const status = error.code === 'TOKEN_INVALID' ? 404 : 410;
	refuse({ status, code: error.code });
}
