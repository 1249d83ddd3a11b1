import { error, fail, type ActionFailure } from '@sveltejs/kit';
import type { FormFailure } from '../../shared/forms.ts';
import { formMessage } from '../http/forms.ts';
import { PlanError, type PlanErrorCode } from './plans.ts';

// Routes only: how a plan refusal reaches the person. Not there (or not theirs to open) → 404,
// never a hint that it exists; not allowed → 403; anything else → the form again with a message.

export type PlanFailure = FormFailure & { action: string; existingPlanId?: string };

const MESSAGES: Record<Exclude<PlanErrorCode, 'NOT_FOUND' | 'FORBIDDEN'>, string> = {
	INVALID: 'error_form',
	ALREADY_EXISTS: 'plans_error_already_exists',
	PARTNER_NOT_SERVING: 'plans_error_partner_not_serving',
	NOT_SHARED: 'plans_error_not_shared',
	WIDENS: 'plans_error_widens',
	OWNER_INVALID: 'plans_error_owner_invalid'
};
const FIELDS: Partial<Record<PlanErrorCode, string>> = {
	PARTNER_NOT_SERVING: 'partnerId',
	WIDENS: 'access',
	OWNER_INVALID: 'ownerId'
};

export function invalid(failure: FormFailure, action: string): ActionFailure<PlanFailure> {
	return fail(400, { ...failure, action });
}

export function planNotFound(): never {
	error(404, { message: 'Not found', code: 'NOT_FOUND' });
}

export async function runPlanCommand<T>(
	formData: FormData,
	action: string,
	work: () => Promise<T>
): Promise<{ ok: true; value: T } | { ok: false; failure: ActionFailure<PlanFailure> }> {
	try {
		return { ok: true, value: await work() };
	} catch (cause) {
		if (!(cause instanceof PlanError)) throw cause;
		if (cause.code === 'NOT_FOUND') planNotFound();
		if (cause.code === 'FORBIDDEN') {
			return {
				ok: false,
				failure: fail(403, { ...formMessage(formData, 'plans_error_forbidden'), action })
			};
		}
		const key = MESSAGES[cause.code];
		const field = FIELDS[cause.code];
		const failure = formMessage(formData, key, undefined, field ? { [field]: { key } } : {});
		const status = cause.code === 'ALREADY_EXISTS' ? 409 : 400;
		return {
			ok: false,
			failure: fail(status, {
				...failure,
				action,
				...(cause.planId ? { existingPlanId: cause.planId } : {})
			})
		};
	}
}
