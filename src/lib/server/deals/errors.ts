/** Refusals of deal registration commands, with stable codes mapped to 4xx and messages at the edge. */
export type DealErrorCode =
	'FORBIDDEN' | 'NOT_FOUND' | 'NOT_PENDING' | 'UNKNOWN_ACCOUNT' | 'REASON_REQUIRED';

export class DealError extends Error {
	code: DealErrorCode;
	constructor(code: DealErrorCode) {
		super(code);
		this.code = code;
	}
}

export const DEAL_ERROR_STATUS: Record<DealErrorCode, number> = {
	FORBIDDEN: 403,
	NOT_FOUND: 404,
	NOT_PENDING: 409,
	UNKNOWN_ACCOUNT: 400,
	REASON_REQUIRED: 400
};

export const DEAL_ERROR_MESSAGES: Record<DealErrorCode, string> = {
	FORBIDDEN: 'error_403_title',
	NOT_FOUND: 'error_404_title',
	NOT_PENDING: 'deals_error_not_pending',
	UNKNOWN_ACCOUNT: 'deals_error_unknown_account',
	REASON_REQUIRED: 'deals_error_reason_required'
};

/** The form field a refusal is about, so the page can show the message beside it. */
export const DEAL_ERROR_FIELDS: Partial<Record<DealErrorCode, string>> = {
	UNKNOWN_ACCOUNT: 'accountId',
	REASON_REQUIRED: 'reason'
};
