import { error, fail, type ActionFailure } from '@sveltejs/kit';
import type { FormFailure, MessageRef } from '../../shared/forms.ts';
import { requireUser } from '../access/guard.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { clientAddress } from '../http/client.ts';
import { formMessage } from '../http/forms.ts';
import type { CommandContext } from '../command.ts';
import { CRM_ERROR_FIELDS, CRM_ERROR_MESSAGES, CRM_ERROR_STATUS, CrmError } from './errors.ts';

// Routes only: how a CRM refusal reaches the person. Not there (or not theirs to see) → the 404
// page, never a hint; not allowed → 403; a stale edit → 409 with the record as saved now, so the
// page shows both versions; anything else → the form again with the message and what was typed.

export type ActionTag = { action: string; id?: string };
/** A stale edit: the record as saved now (theirs) and its version; what was typed is `values`. */
export type Conflict = { theirs: Record<string, unknown>; version: number };
export type CrmFailure = FormFailure & ActionTag & { conflict?: Conflict };
export type CrmSuccess = ActionTag & { success: MessageRef };

/** Checkbox lists (serving partners) come back as one comma-separated value. */
function keepLists(failure: FormFailure, formData: FormData): FormFailure {
	if (!formData.has('partnerIds')) return failure;
	const partnerIds = formData.getAll('partnerIds').filter((v) => typeof v === 'string');
	return { ...failure, values: { ...failure.values, partnerIds: partnerIds.join(',') } };
}

export function invalid(
	failure: FormFailure,
	tag: ActionTag,
	formData?: FormData
): ActionFailure<CrmFailure> {
	return fail(400, { ...(formData ? keepLists(failure, formData) : failure), ...tag });
}

export function succeeded(tag: ActionTag, key: string, params?: MessageRef['params']): CrmSuccess {
	return { ...tag, success: { key, params } };
}

export function notFound(): never {
	error(404, { message: 'Not found', code: 'NOT_FOUND' });
}

/** Runs a command; a CrmError becomes a form failure or an error page, others rethrow. */
export async function runCrmCommand<T>(
	formData: FormData,
	tag: ActionTag,
	work: () => Promise<T>
): Promise<{ ok: true; value: T } | { ok: false; failure: ActionFailure<CrmFailure> }> {
	try {
		return { ok: true, value: await work() };
	} catch (cause) {
		if (!(cause instanceof CrmError)) throw cause;
		if (cause.code === 'FORBIDDEN') error(403, { message: 'Forbidden', code: cause.code });
		if (cause.code === 'NOT_FOUND') notFound();
		if (cause.code === 'STALE' && !cause.current) notFound();
		const status = CRM_ERROR_STATUS[cause.code];
		const key = CRM_ERROR_MESSAGES[cause.code];
		const field = CRM_ERROR_FIELDS[cause.code];
		const failure: CrmFailure = {
			...keepLists(
				formMessage(formData, key, undefined, field ? { [field]: { key } } : {}),
				formData
			),
			...tag
		};
		if (cause.code === 'STALE' && cause.current) {
			failure.conflict = { theirs: cause.current, version: Number(cause.current.version) };
		}
		return { ok: false, failure: fail(status, failure) };
	}
}

type Event = { locals: App.Locals; url: URL; getClientAddress(): string };

export function crmContext(event: Event): CommandContext {
	return { ip: clientAddress(event) };
}

/** Every CRM page: signed-in people (each record then decides with the policy). */
export function crmUser(locals: App.Locals, url?: URL): SessionUser {
	return requireUser(locals, url);
}
