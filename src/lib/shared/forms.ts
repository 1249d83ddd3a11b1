import { z } from 'zod';
import { idSchema } from './ids.ts';

/** A translatable message: a Paraglide key and its parameters (translated in the page). */
export type MessageRef = { key: string; params?: Record<string, string | number> };

/** What a failed form action returns, so the page can show errors and keep what was typed. */
export type FormFailure = {
	message: MessageRef;
	fieldErrors: Record<string, MessageRef>;
	values: Record<string, string>;
};

// Shared building blocks of input schemas: trimmed, bounded strings.
export const text = (max: number, min = 1) => z.string().trim().min(min).max(max);
export const email = () => z.string().trim().toLowerCase().max(254).pipe(z.email());
export const password = () => z.string().min(10).max(200);
export const uuid = () => idSchema;
export const optionalUuid = () =>
	z
		.string()
		.trim()
		.transform((v) => (v === '' ? null : v))
		.pipe(idSchema.nullable());

/** A Paraglide key, as opposed to one of zod's English sentences. */
const MESSAGE_KEY = /^[a-z][a-zA-Z0-9]*(_[a-zA-Z0-9]+)+$/;

/** Maps a zod issue to a message key every page knows how to translate. */
export function issueToMessage(issue: z.core.$ZodIssue): MessageRef {
	// A schema may name the message of a check itself: `.min(1, 'feed_error_empty')`.
	if (MESSAGE_KEY.test(issue.message)) {
		// …with its parameters when it is a custom check (the amount parser's maximum, for one).
		const params = issue.code === 'custom' ? issue.params : undefined;
		return params ? { key: issue.message, params } : { key: issue.message };
	}
	switch (issue.code) {
		case 'too_small':
			return Number(issue.minimum) <= 1 && issue.origin === 'string'
				? { key: 'error_required' }
				: { key: 'error_too_short', params: { min: Number(issue.minimum) } };
		case 'too_big':
			return { key: 'error_too_long', params: { max: Number(issue.maximum) } };
		case 'invalid_format':
			return issue.format === 'email' ? { key: 'error_email_invalid' } : { key: 'error_invalid' };
		case 'invalid_value':
			return { key: 'error_invalid_choice' };
		case 'invalid_type':
			return issue.input === undefined ? { key: 'error_required' } : { key: 'error_invalid' };
		case 'custom':
			// A custom issue's params are its message's (the amount parser's maximum, for one).
			return issue.params
				? { key: issue.message || 'error_invalid', params: issue.params }
				: { key: issue.message || 'error_invalid' };
		default:
			return { key: 'error_invalid' };
	}
}

/**
 * Form fields whose typed value is never sent back to the page when a form is refused: passwords
 * (`password`, `newPassword`, the confirmation `confirm`, the `current` one) and tokens.
 */
const SECRET_FIELDS = /password|token|^confirm$|^current$/i;

export function isSecretField(name: string): boolean {
	return SECRET_FIELDS.test(name);
}
