/** Refusals of CRM commands, with stable codes mapped to 4xx and messages at the edge. */
export type CrmErrorCode =
	| 'FORBIDDEN'
	| 'NOT_FOUND'
	| 'STALE'
	| 'UNKNOWN_PARTNER'
	| 'UNKNOWN_OWNER'
	| 'UNKNOWN_REGION'
	| 'ACCOUNT_DELETED'
	| 'LOST_REASON_REQUIRED';

export class CrmError extends Error {
	code: CrmErrorCode;
	/** STALE: the record as saved now, so the page can show both versions. */
	current?: Record<string, unknown>;
	constructor(code: CrmErrorCode, current?: Record<string, unknown>) {
		super(code);
		this.code = code;
		this.current = current;
	}
}

export const CRM_ERROR_STATUS: Record<CrmErrorCode, number> = {
	FORBIDDEN: 403,
	NOT_FOUND: 404,
	STALE: 409,
	UNKNOWN_PARTNER: 400,
	UNKNOWN_OWNER: 400,
	UNKNOWN_REGION: 400,
	ACCOUNT_DELETED: 409,
	LOST_REASON_REQUIRED: 400
};

export const CRM_ERROR_MESSAGES: Record<CrmErrorCode, string> = {
	FORBIDDEN: 'error_403_title',
	NOT_FOUND: 'error_404_title',
	STALE: 'crm_conflict_message',
	UNKNOWN_PARTNER: 'crm_error_unknown_partner',
	UNKNOWN_OWNER: 'crm_error_unknown_owner',
	UNKNOWN_REGION: 'crm_error_unknown_region',
	ACCOUNT_DELETED: 'crm_error_account_deleted',
	LOST_REASON_REQUIRED: 'crm_error_lost_reason'
};

/** The form field a refusal is about, so the page can show the message beside it. */
export const CRM_ERROR_FIELDS: Partial<Record<CrmErrorCode, string>> = {
	UNKNOWN_PARTNER: 'partnerId',
	UNKNOWN_OWNER: 'ownerId',
	UNKNOWN_REGION: 'regionId',
	LOST_REASON_REQUIRED: 'lostReason'
};
