// Refusals of feed commands, with stable codes mapped to 4xx and message keys (messages/feed) at the
// edge. Unknown and forbidden channels or posts both answer NOT_FOUND: no hint that they exist.
export type FeedErrorCode =
	| 'NOT_FOUND'
	| 'FORBIDDEN'
	| 'EMPTY'
	| 'TOO_LONG'
	| 'MENTION_FORBIDDEN'
	| 'REFERENCE_FORBIDDEN'
	| 'ATTACHMENT_INVALID'
	| 'ATTACHMENT_TOO_LARGE'
	| 'ATTACHMENT_TYPE'
	| 'ATTACHMENT_MISMATCH'
	| 'CHANNEL_ARCHIVED'
	| 'COMMUNITY_NEEDS_PARTNERS'
	| 'ALREADY_REPORTED';

export class FeedError extends Error {
	code: FeedErrorCode;
	/** The form field the refusal is about (body, attachments, organisationIds…). */
	field?: string;
	constructor(code: FeedErrorCode, field?: string) {
		super(code);
		this.code = code;
		this.field = field;
	}
}

export const FEED_ERROR_STATUS: Record<FeedErrorCode, number> = {
	NOT_FOUND: 404,
	FORBIDDEN: 403,
	EMPTY: 400,
	TOO_LONG: 400,
	MENTION_FORBIDDEN: 400,
	REFERENCE_FORBIDDEN: 400,
	ATTACHMENT_INVALID: 400,
	ATTACHMENT_TOO_LARGE: 413,
	ATTACHMENT_TYPE: 415,
	ATTACHMENT_MISMATCH: 415,
	CHANNEL_ARCHIVED: 409,
	COMMUNITY_NEEDS_PARTNERS: 400,
	ALREADY_REPORTED: 409
};

/** Message keys (messages/feed/{en,fr}.json). */
export const FEED_ERROR_MESSAGES: Record<FeedErrorCode, string> = {
	NOT_FOUND: 'feed_error_not_found',
	FORBIDDEN: 'feed_error_forbidden',
	EMPTY: 'feed_error_empty',
	TOO_LONG: 'feed_error_too_long',
	MENTION_FORBIDDEN: 'feed_error_mention_forbidden',
	REFERENCE_FORBIDDEN: 'feed_error_reference_forbidden',
	ATTACHMENT_INVALID: 'feed_error_attachment_invalid',
	ATTACHMENT_TOO_LARGE: 'feed_error_attachment_too_large',
	ATTACHMENT_TYPE: 'feed_error_attachment_type',
	ATTACHMENT_MISMATCH: 'feed_error_attachment_mismatch',
	CHANNEL_ARCHIVED: 'feed_error_channel_archived',
	COMMUNITY_NEEDS_PARTNERS: 'feed_error_community_needs_partners',
	ALREADY_REPORTED: 'feed_error_already_reported'
};
