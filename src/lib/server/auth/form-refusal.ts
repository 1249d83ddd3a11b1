import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import type { FormFailure } from '../../shared/forms.ts';
import { formMessage } from '../http/forms.ts';
import { AUTH_ERROR_MESSAGES, type AuthError } from './errors.ts';

/**
 * An AuthError as the failure of an auth form: 429 with `Retry-After` for "too many attempts"
 * and "too many passwords being checked", 400 otherwise; the form keeps what was typed
 * (passwords excepted), the message is in the reader's language.
 */
export function authFormFailure(
	event: Pick<RequestEvent, 'setHeaders'>,
	formData: FormData,
	error: AuthError,
	fieldErrors?: Parameters<typeof formMessage>[3]
): ActionFailure<FormFailure> {
	const key = AUTH_ERROR_MESSAGES[error.code];
	if (error.code === 'RATE_LIMITED' || error.code === 'BUSY') {
		const seconds = Math.max(1, Math.ceil(error.retryAfterSeconds ?? 60));
		event.setHeaders({ 'retry-after': String(seconds) });
		const minutes = Math.max(1, Math.ceil(seconds / 60));
		return fail(429, formMessage(formData, key, { minutes }));
	}
	return fail(400, formMessage(formData, key, undefined, fieldErrors));
}
