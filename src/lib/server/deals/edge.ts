import { error, fail, type ActionFailure } from '@sveltejs/kit';
import type { FormFailure } from '../../shared/forms.ts';
import { formMessage } from '../http/forms.ts';
import { DealError, DEAL_ERROR_FIELDS, DEAL_ERROR_MESSAGES, DEAL_ERROR_STATUS } from './errors.ts';

// Routes only: how a deal refusal reaches the person. Not allowed or not there → the 403 or 404
// page; anything else → the form again, with the message beside its field and what was typed kept.

export type DealFailure = FormFailure & { action: string };

export function invalid(failure: FormFailure, action: string): ActionFailure<DealFailure> {
	return fail(400, { ...failure, action });
}

export async function runDealCommand<T>(
	formData: FormData,
	action: string,
	work: () => Promise<T>
): Promise<{ ok: true; value: T } | { ok: false; failure: ActionFailure<DealFailure> }> {
	try {
		return { ok: true, value: await work() };
	} catch (cause) {
		if (!(cause instanceof DealError)) throw cause;
		if (cause.code === 'FORBIDDEN') error(403, { message: 'Forbidden', code: cause.code });
		if (cause.code === 'NOT_FOUND') error(404, { message: 'Not found', code: cause.code });
		const key = DEAL_ERROR_MESSAGES[cause.code];
		const field = DEAL_ERROR_FIELDS[cause.code];
		const failure = formMessage(formData, key, undefined, field ? { [field]: { key } } : {});
		return { ok: false, failure: fail(DEAL_ERROR_STATUS[cause.code], { ...failure, action }) };
	}
}
