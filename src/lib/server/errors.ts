import type { MessageRef } from '../shared/forms.ts';

// The one domain error type. Commands refuse with a stable code (and, when the refusal is about a
// form field, that field); the one edge module (http/edge.ts) turns it into a form failure, an
// error page or a JSON answer, the same way in every domain. This table is where each code gets
// its HTTP status, its message (a Paraglide key, messages/<domain>/{en,fr}.json) and the field it
// is about by default. Codes are unique across domains: one code, one meaning, one message.

type Spec = {
	status: 400 | 403 | 404 | 409 | 410 | 413 | 415 | 429;
	key: string;
	field?: string;
};

export const DOMAIN_ERRORS = {
	// Every domain. Unknown and not-theirs-to-see are both NOT_FOUND: no hint that it exists.
	FORBIDDEN: { status: 403, key: 'error_forbidden' },
	NOT_FOUND: { status: 404, key: 'error_not_found' },
	// CRM
	STALE: { status: 409, key: 'crm_conflict_message' },
	UNKNOWN_PARTNER: { status: 400, key: 'crm_error_unknown_partner', field: 'partnerId' },
	UNKNOWN_OWNER: { status: 400, key: 'crm_error_unknown_owner', field: 'ownerId' },
	ACCOUNT_DELETED: { status: 409, key: 'crm_error_account_deleted' },
	LOST_REASON_REQUIRED: { status: 400, key: 'crm_error_lost_reason', field: 'lostReason' },
	// Deal registrations
	NOT_PENDING: { status: 409, key: 'deals_error_not_pending' },
	UNKNOWN_ACCOUNT: { status: 400, key: 'deals_error_unknown_account', field: 'accountId' },
	REASON_REQUIRED: { status: 400, key: 'deals_error_reason_required', field: 'reason' },
	// Workspace (people, organisations, invitations) and the CRM's regions
	EMAIL_TAKEN: { status: 409, key: 'admin_error_email_taken', field: 'email' },
	NAME_TAKEN: { status: 409, key: 'admin_error_name_taken', field: 'name' },
	ROLE_DOES_NOT_FIT: { status: 400, key: 'admin_error_role_fit', field: 'role' },
	LAST_ADMIN: { status: 409, key: 'admin_error_last_admin' },
	SELF_CHANGE: { status: 400, key: 'admin_error_self' },
	HOST_NOT_SUSPENDABLE: { status: 400, key: 'admin_error_host_suspend' },
	ORGANISATION_SUSPENDED: { status: 409, key: 'admin_error_organisation_suspended' },
	INVITATION_NOT_PENDING: { status: 409, key: 'admin_error_invitation_not_pending' },
	UNKNOWN_TEAM: { status: 400, key: 'admin_error_unknown_team', field: 'teamId' },
	UNKNOWN_REGION: { status: 400, key: 'admin_error_unknown_region', field: 'regionId' },
	// Partner directory
	UNKNOWN_PARTNER_OWNER: { status: 400, key: 'partners_error_unknown_owner', field: 'ownerId' },
	// Account plans
	INVALID: { status: 400, key: 'error_form' },
	ALREADY_EXISTS: { status: 409, key: 'plans_error_already_exists' },
	PARTNER_NOT_SERVING: {
		status: 400,
		key: 'plans_error_partner_not_serving',
		field: 'partnerId'
	},
	NOT_SHARED: { status: 400, key: 'plans_error_not_shared' },
	WIDENS: { status: 400, key: 'plans_error_widens', field: 'access' },
	OWNER_INVALID: { status: 400, key: 'plans_error_owner_invalid', field: 'ownerId' },
	// Feed (the field is given where the error is thrown)
	EMPTY: { status: 400, key: 'feed_error_empty' },
	TOO_LONG: { status: 400, key: 'feed_error_too_long' },
	MENTION_FORBIDDEN: { status: 400, key: 'feed_error_mention_forbidden' },
	REFERENCE_FORBIDDEN: { status: 400, key: 'feed_error_reference_forbidden' },
	ATTACHMENT_INVALID: { status: 400, key: 'feed_error_attachment_invalid' },
	ATTACHMENT_TOO_LARGE: { status: 413, key: 'feed_error_attachment_too_large' },
	ATTACHMENT_TYPE: { status: 415, key: 'feed_error_attachment_type' },
	ATTACHMENT_MISMATCH: { status: 415, key: 'feed_error_attachment_mismatch' },
	CHANNEL_ARCHIVED: { status: 409, key: 'feed_error_channel_archived' },
	COMMUNITY_NEEDS_PARTNERS: { status: 400, key: 'feed_error_community_needs_partners' },
	ALREADY_REPORTED: { status: 409, key: 'feed_error_already_reported' },
	// Signing in, links (invitations, password resets) and passwords. An auth form answers through
	// auth/form-refusal.ts (429 and Retry-After when too many); a link that cannot be used is the
	// error page of its status (404 never existed, 410 no longer usable: routes/(auth)/link-refusal).
	INVALID_CREDENTIALS: { status: 400, key: 'auth_invalid_credentials' },
	RATE_LIMITED: { status: 429, key: 'auth_rate_limited' },
	BUSY: { status: 429, key: 'auth_busy' },
	TOKEN_INVALID: { status: 404, key: 'auth_token_invalid' },
	TOKEN_EXPIRED: { status: 410, key: 'auth_token_expired' },
	TOKEN_USED: { status: 410, key: 'auth_token_used' },
	INVITATION_REVOKED: { status: 410, key: 'auth_invite_revoked' },
	INVITATION_EMAIL_TAKEN: { status: 400, key: 'auth_invite_taken' },
	WRONG_PASSWORD: { status: 400, key: 'auth_wrong_password', field: 'current' },
	// Imports (the upload's refusals are about its file; the others, the mapping page's form)
	IMPORT_KIND_FORBIDDEN: { status: 400, key: 'imports_refused_forbidden', field: 'kind' },
	EMPTY_FILE: { status: 400, key: 'imports_refused_empty_file', field: 'file' },
	NO_ROWS: { status: 400, key: 'imports_refused_no_rows', field: 'file' },
	TOO_MANY_ROWS: { status: 400, key: 'imports_refused_too_many_rows', field: 'file' },
	LINE_TOO_LONG: { status: 400, key: 'imports_refused_line_too_long', field: 'file' },
	NOT_DRAFT: { status: 400, key: 'imports_refused_not_draft' },
	MISSING_FIELDS: { status: 400, key: 'imports_refused_missing_fields' }
} as const satisfies Record<string, Spec>;

export type DomainErrorCode = keyof typeof DOMAIN_ERRORS;

export type DomainErrorOptions = {
	/** The form field the refusal is about, when not the code's usual one. */
	field?: string;
	/** Parameters of the code's message. */
	params?: MessageRef['params'];
	/** STALE: the record as saved now, so the page can show both versions. */
	current?: Record<string, unknown>;
	/** ALREADY_EXISTS: the plan that exists (when the person may open it). */
	existingId?: string;
	/** RATE_LIMITED, BUSY: when to try again (the Retry-After of the answer). */
	retryAfterSeconds?: number;
};

/** A refusal of a domain command, with a stable code (DOMAIN_ERRORS). */
export class DomainError extends Error {
	readonly code: DomainErrorCode;
	readonly field: string | undefined;
	readonly params: MessageRef['params'];
	readonly current: Record<string, unknown> | undefined;
	readonly existingId: string | undefined;
	readonly retryAfterSeconds: number | undefined;
	constructor(code: DomainErrorCode, options: DomainErrorOptions = {}) {
		super(code);
		this.name = 'DomainError';
		this.code = code;
		const spec: Spec = DOMAIN_ERRORS[code];
		this.field = options.field ?? spec.field;
		this.params = options.params;
		this.current = options.current;
		this.existingId = options.existingId;
		this.retryAfterSeconds = options.retryAfterSeconds;
	}

	get status(): Spec['status'] {
		return DOMAIN_ERRORS[this.code].status;
	}

	/** The message to show, a Paraglide key and its parameters. */
	get messageRef(): MessageRef {
		return { key: DOMAIN_ERRORS[this.code].key, params: this.params };
	}
}
