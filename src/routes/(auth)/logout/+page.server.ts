import { redirect } from '@sveltejs/kit';
import { invalidateSession, revokeUserAccess } from '$lib/server/auth';
import { deleteSessionCookie } from '$lib/server/auth/cookies';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	/** Ends this session. */
	default: async (event) => {
		const { locals } = event;
		if (locals.session) await invalidateSession(locals.runtime.db, locals.session.id);
		deleteSessionCookie(event);
		redirect(303, '/login?reason=signed-out');
	},
	/** "Sign out everywhere": every session of the account, on every device. */
	everywhere: async (event) => {
		const { locals } = event;
		if (locals.user) await revokeUserAccess(locals.runtime.db, locals.user.id);
		deleteSessionCookie(event);
		redirect(303, '/login?reason=signed-out');
	}
};
