import { redirect } from '@sveltejs/kit';
import { endSessions, revocationDelivered } from '$lib/server/auth';
import { deleteSessionCookie } from '$lib/server/auth/cookies';
import type { RequestHandler } from './$types';

/**
 * Ends this session (a POST from the account menu; handleOrigin refuses one from another site) and its live
 * connections: the collaboration sockets and event streams opened with it close at once.
 */
export const POST: RequestHandler = async (event) => {
	const { locals } = event;
	const { session } = locals;
	if (session) {
		await revocationDelivered(locals.runtime.bus, (mark) =>
			endSessions(locals.runtime.db, { userId: session.userId, sessionId: session.id, mark })
		);
	}
	deleteSessionCookie(event);
	redirect(303, '/login?reason=signed-out');
};

export const GET: RequestHandler = () => redirect(303, '/');
