/** Refusals of partner directory commands, with stable codes mapped to 4xx and messages at the edge. */
export type PartnerErrorCode = 'FORBIDDEN' | 'NOT_FOUND' | 'UNKNOWN_OWNER';

export class PartnerError extends Error {
	code: PartnerErrorCode;
	constructor(code: PartnerErrorCode) {
		super(code);
		this.code = code;
	}
}

export const PARTNER_ERROR_STATUS: Record<PartnerErrorCode, number> = {
	FORBIDDEN: 403,
	NOT_FOUND: 404,
	UNKNOWN_OWNER: 400
};
