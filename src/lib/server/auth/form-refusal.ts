import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import type { FormFailure, MessageRef } from '../../shared/forms.ts';
import type { DomainError } from '../errors.ts';
import { formMessage } from '../http/forms.ts';

/**
 * A refusal as the failure of an auth form (sign-in, forgotten and new password, invitation,
 * password change): its status and message (DOMAIN_ERRORS), beside its field when it has one;
 * with a 429 (too many attempts, too many passwords being checked) the `Retry-After` header and
 * the minutes to wait in the message. The form keeps what was typed (passwords excepted). Links
 * that cannot be used are not the form's to answer: routes/(auth)/link-refusal.ts.
 */
export function authFormFailure(
	event: Pick<RequestEvent, 'setHeaders'>,
	formData: FormData,
	cause: DomainError
): ActionFailure<FormFailure> {
	const { key } = cause.messageRef;
	if (cause.status === 429) {
		const seconds = Math.max(1, Math.ceil(cause.retryAfterSeconds ?? 60));
		event.setHeaders({ 'retry-after': String(seconds) });
		const minutes = Math.max(1, Math.ceil(seconds / 60));
		return fail(429, formMessage(formData, key, { minutes }));
	}
	const fieldErrors: Record<string, MessageRef> = cause.field ? { [cause.field]: { key } } : {};
	return fail(cause.status, formMessage(formData, key, cause.params, fieldErrors));
}
