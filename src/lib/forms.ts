import type { ActionResult, SubmitFunction } from '@sveltejs/kit';
import { isSecretField } from '$lib/shared/forms';

/**
 * What the user typed, as the server's failures send it back (`values`): text fields only, no
 * secrets, several values of one name joined with commas (as the CRM forms' `partnerIds`).
 */
export function typedValues(formData: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const key of new Set(formData.keys())) {
		if (isSecretField(key)) continue;
		const texts = formData.getAll(key).filter((v): v is string => typeof v === 'string');
		if (texts.length > 0) values[key] = texts.join(',');
	}
	return values;
}

/**
 * A body refused for its size (413) never reached the action, so the failure carries only a
 * message: add what was typed, so that pages filling their fields from `form.values` keep them.
 */
export function keepTypedOnTooLarge(result: ActionResult, formData: FormData): void {
	if (result.type !== 'failure' || result.status !== 413) return;
	const data = result.data ?? {};
	if (data.values) return;
	result.data = { fieldErrors: {}, ...data, values: typedValues(formData) };
}

/**
 * The enhance callback of Relais forms: reports the pending state (to disable the button) and
 * keeps what the user typed when the server answers with errors, a refused size included.
 */
export function keepValues(onPending: (pending: boolean) => void): SubmitFunction {
	return ({ formData }) => {
		onPending(true);
		return async ({ result, update }) => {
			keepTypedOnTooLarge(result, formData);
			await update({ reset: false });
			onPending(false);
		};
	};
}
