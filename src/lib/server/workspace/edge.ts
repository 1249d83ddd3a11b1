import { error, fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import type { FormFailure, MessageRef } from '../../shared/forms.ts';
import { authorize, requireUser } from '../access/guard.ts';
import { canManageOrganisations } from '../access/policy.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { clientAddress } from '../http/client.ts';
import { formMessage, parseForm } from '../http/forms.ts';
import { invitationIdSchema, resendInvitationSchema } from '../../shared/schemas/admin.ts';
import { resendInvitation, revokeInvitation } from './commands.ts';
import type { InviteContext } from './commands.ts';
import {
	WorkspaceError,
	WORKSPACE_ERROR_FIELDS,
	WORKSPACE_ERROR_MESSAGES,
	WORKSPACE_ERROR_STATUS
} from './errors.ts';
import type { CommandContext } from '../command.ts';

// Routes only: how a workspace refusal reaches the person. Not allowed or not there → the 403 or
// 404 page (the form would have nothing to offer); anything else → the form again, with the
// message beside the field it is about and what was typed kept. Pages have several forms, so
// every answer says which one (`action`, and `id` for per-row forms).

export type ActionTag = { action: string; id?: string };
export type AdminFailure = FormFailure & ActionTag;
export type AdminSuccess = ActionTag & { success: MessageRef };

/** The form again with the schema's field errors. */
export function invalid(failure: FormFailure, tag: ActionTag): ActionFailure<AdminFailure> {
	return fail(400, { ...failure, ...tag });
}

export function succeeded(
	tag: ActionTag,
	key: string,
	params?: MessageRef['params']
): AdminSuccess {
	return { ...tag, success: { key, params } };
}

/** Runs a command; a WorkspaceError becomes a form failure or an error page, others rethrow. */
export async function runCommand<T>(
	formData: FormData,
	tag: ActionTag,
	work: () => Promise<T>
): Promise<{ ok: true; value: T } | { ok: false; failure: ActionFailure<AdminFailure> }> {
	try {
		return { ok: true, value: await work() };
	} catch (cause) {
		if (!(cause instanceof WorkspaceError)) throw cause;
		const status = WORKSPACE_ERROR_STATUS[cause.code];
		if (cause.code === 'FORBIDDEN') error(403, { message: 'Forbidden', code: cause.code });
		if (cause.code === 'NOT_FOUND') error(404, { message: 'Not found', code: cause.code });
		const key = WORKSPACE_ERROR_MESSAGES[cause.code];
		const field = WORKSPACE_ERROR_FIELDS[cause.code];
		const fieldErrors = field ? { [field]: { key } } : {};
		const failure = formMessage(formData, key, undefined, fieldErrors);
		return { ok: false, failure: fail(status, { ...failure, ...tag }) };
	}
}

/** The people and organisation admin pages: workspace admins only, everyone else gets the 403 page. */
export function requireWorkspaceAdmin(locals: App.Locals, url?: URL): SessionUser {
	const user = requireUser(locals, url);
	authorize(canManageOrganisations(user));
	return user;
}

type Event = {
	locals: App.Locals;
	url: URL;
	getClientAddress(): string;
};

/** What the audit log records about the request. */
export function commandContext(event: Event): CommandContext {
	return { ip: clientAddress(event) };
}

/** Invitation links point at the configured public origin, else at the one the request came to. */
export function inviteContext(event: Event): InviteContext {
	const config = event.locals.runtime.config;
	return { ip: clientAddress(event), origin: config.origin ?? event.url.origin, mail: config };
}

/**
 * The revoke and resend actions of a page listing pending invitations (/admin/users, an
 * organisation's page, /company). `who` says who may post them there; the command decides on
 * the invitation itself.
 */
export function invitationActions(who: (locals: App.Locals) => SessionUser) {
	const tag = { action: 'invitations' };
	return {
		revokeInvitation: async (event: RequestEvent) => {
			const user = who(event.locals);
			const formData = await event.request.formData();
			const parsed = parseForm(invitationIdSchema, formData);
			if (!parsed.ok) return invalid(parsed.failure, tag);
			const result = await runCommand(formData, tag, () =>
				revokeInvitation(event.locals.runtime.db, user, parsed.data, commandContext(event))
			);
			if (!result.ok) return result.failure;
			return succeeded(tag, 'admin_invitation_revoked');
		},
		resendInvitation: async (event: RequestEvent) => {
			const user = who(event.locals);
			const formData = await event.request.formData();
			const parsed = parseForm(resendInvitationSchema, formData);
			if (!parsed.ok) return invalid(parsed.failure, tag);
			const result = await runCommand(formData, tag, () =>
				resendInvitation(event.locals.runtime.db, user, parsed.data, inviteContext(event))
			);
			if (!result.ok) return result.failure;
			return succeeded(tag, 'admin_invitation_resent');
		}
	};
}
