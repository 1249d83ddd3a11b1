import { redirect } from '@sveltejs/kit';
import { revocationDelivered, revokeUserAccess } from '$lib/server/auth';
import { deleteSessionCookie } from '$lib/server/auth/cookies';
import type { RequestHandler } from './$types';

/** "Sign out everywhere": every session of the account, and its live connections, end now. */
export const POST: RequestHandler = async (event) => {
	const { locals } = event;
	const { user } = locals;
	if (user) {
		await revocationDelivered(locals.runtime.bus, (mark) =>
			revokeUserAccess(locals.runtime.db, user.id, mark)
		);
	}
	deleteSessionCookie(event);
	redirect(303, '/login?reason=signed-out');
};

export const GET: RequestHandler = () => redirect(303, '/account');
