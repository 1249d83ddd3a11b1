import { error, fail, type ActionFailure } from '@sveltejs/kit';
import { formMessage } from '../http/forms.ts';
import { runCommand, type ActionTag, type AdminFailure } from '../workspace/edge.ts';
import { PartnerError, PARTNER_ERROR_STATUS } from './errors.ts';

// Routes only: how a partner command's refusal reaches the person. Partner refusals are mapped
// here; the workspace's (region unknown, host not suspendable…) exactly as the admin pages do.

const MESSAGES = { UNKNOWN_OWNER: 'partners_error_unknown_owner' } as const;
const FIELDS = { UNKNOWN_OWNER: 'ownerId' } as const;

export async function runPartnerCommand<T>(
	formData: FormData,
	tag: ActionTag,
	work: () => Promise<T>
): Promise<{ ok: true; value: T } | { ok: false; failure: ActionFailure<AdminFailure> }> {
	try {
		return { ok: true, value: await work() };
	} catch (cause) {
		if (!(cause instanceof PartnerError))
			return runCommand(formData, tag, () => Promise.reject(cause));
		if (cause.code === 'FORBIDDEN') error(403, { message: 'Forbidden', code: cause.code });
		if (cause.code === 'NOT_FOUND') error(404, { message: 'Not found', code: cause.code });
		const key = MESSAGES[cause.code];
		const failure = formMessage(formData, key, undefined, { [FIELDS[cause.code]]: { key } });
		return { ok: false, failure: fail(PARTNER_ERROR_STATUS[cause.code], { ...failure, ...tag }) };
	}
}
