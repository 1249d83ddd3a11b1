// Invitation and reset links carry a random token; the database keeps only its SHA-256.
export { generateToken as generateLinkToken, hashToken as hashLinkToken } from './sessions.ts';

export type TokenStatus = 'valid' | 'invalid' | 'expired' | 'used' | 'revoked';

const TOKEN_SHAPE = /^[a-z2-7]{20,64}$/;

/** Tokens that cannot be ours are refused before any database look-up. */
export function isWellFormedToken(token: string): boolean {
	return TOKEN_SHAPE.test(token);
}
