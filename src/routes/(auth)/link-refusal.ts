import type { TokenStatus } from '$lib/server/auth/tokens';
import { DomainError } from '$lib/server/errors';
import { errorPage } from '$lib/server/http/edge';

// Invitation and password-reset links that cannot be used answer with a status that says why:
// 404 for a link that never existed (forged, mistyped), 410 Gone for one that expired, was used or
// was withdrawn (the statuses of DOMAIN_ERRORS). The (auth) error page shows the message with a
// way forward.

type LinkKind = 'invitation' | 'reset';
type LinkCode = 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_USED' | 'INVITATION_REVOKED';

const LINK_CODES: ReadonlySet<string> = new Set<LinkCode>([
	'TOKEN_INVALID',
	'TOKEN_EXPIRED',
	'TOKEN_USED',
	'INVITATION_REVOKED'
]);

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

/** The error page for a link whose status is not `valid`; returns when it is. */
export function assertLinkUsable(kind: LinkKind, status: TokenStatus): void {
	if (status !== 'valid') errorPage(new DomainError(CODES[kind][status]));
}

/**
 * A refusal met while submitting the form (the link expired or was used meanwhile): the same
 * error page as opening the link. Other refusals are left to the form (returns).
 */
export function refuseLinkError(error: DomainError): void {
	if (LINK_CODES.has(error.code)) errorPage(error);
}
