import type { RequestEvent } from '@sveltejs/kit';
import { authorize, requireUser } from '../access/guard.ts';
import { canManageOrganisations } from '../access/policy.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { clientAddress } from '../http/client.ts';
import { invalid, runAction, succeeded } from '../http/edge.ts';
import { parseForm } from '../http/forms.ts';
import { invitationIdSchema, resendInvitationSchema } from '../../shared/schemas/admin.ts';
import { resendInvitation, revokeInvitation } from './commands.ts';
import type { InviteContext } from './commands.ts';
import type { CommandContext } from '../command.ts';

// Routes only: who may use the admin pages, what the audit log records about the request, and the
// invitation actions several pages share. How a refusal reaches the person is the one edge's
// (http/edge.ts).

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
			const result = await runAction(formData, tag, () =>
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
			const result = await runAction(formData, tag, () =>
				resendInvitation(event.locals.runtime.db, user, parsed.data, inviteContext(event))
			);
			if (!result.ok) return result.failure;
			return succeeded(tag, 'admin_invitation_resent');
		}
	};
}
