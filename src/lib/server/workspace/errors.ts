/** Refusals of workspace commands, with stable codes mapped to 4xx and messages at the edge. */
export type WorkspaceErrorCode =
	| 'FORBIDDEN'
	| 'NOT_FOUND'
	| 'EMAIL_TAKEN'
	| 'NAME_TAKEN'
	| 'ROLE_DOES_NOT_FIT'
	| 'LAST_ADMIN'
	| 'SELF_CHANGE'
	| 'HOST_NOT_SUSPENDABLE'
	| 'ORGANISATION_SUSPENDED'
	| 'INVITATION_NOT_PENDING'
	| 'UNKNOWN_TEAM'
	| 'UNKNOWN_REGION';

export class WorkspaceError extends Error {
	code: WorkspaceErrorCode;
	constructor(code: WorkspaceErrorCode) {
		super(code);
		this.code = code;
	}
}

export const WORKSPACE_ERROR_STATUS: Record<WorkspaceErrorCode, number> = {
	FORBIDDEN: 403,
	NOT_FOUND: 404,
	EMAIL_TAKEN: 409,
	NAME_TAKEN: 409,
	ROLE_DOES_NOT_FIT: 400,
	LAST_ADMIN: 409,
	SELF_CHANGE: 400,
	HOST_NOT_SUSPENDABLE: 400,
	ORGANISATION_SUSPENDED: 409,
	INVITATION_NOT_PENDING: 409,
	UNKNOWN_TEAM: 400,
	UNKNOWN_REGION: 400
};

export const WORKSPACE_ERROR_MESSAGES: Record<WorkspaceErrorCode, string> = {
	FORBIDDEN: 'error_403_title',
	NOT_FOUND: 'error_404_title',
	EMAIL_TAKEN: 'admin_error_email_taken',
	NAME_TAKEN: 'admin_error_name_taken',
	ROLE_DOES_NOT_FIT: 'admin_error_role_fit',
	LAST_ADMIN: 'admin_error_last_admin',
	SELF_CHANGE: 'admin_error_self',
	HOST_NOT_SUSPENDABLE: 'admin_error_host_suspend',
	ORGANISATION_SUSPENDED: 'admin_error_organisation_suspended',
	INVITATION_NOT_PENDING: 'admin_error_invitation_not_pending',
	UNKNOWN_TEAM: 'admin_error_unknown_team',
	UNKNOWN_REGION: 'admin_error_unknown_region'
};

/** The form field a refusal is about, so the page can show the message beside it. */
export const WORKSPACE_ERROR_FIELDS: Partial<Record<WorkspaceErrorCode, string>> = {
	EMAIL_TAKEN: 'email',
	NAME_TAKEN: 'name',
	ROLE_DOES_NOT_FIT: 'role',
	UNKNOWN_TEAM: 'teamId',
	UNKNOWN_REGION: 'regionId'
};
