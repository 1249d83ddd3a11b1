import type { Actor } from '$lib/server/access';
import { SESSION_COOKIE, validateSessionToken, type SessionUser } from '$lib/server/auth/sessions';
import { jsonMessage } from '$lib/server/http/edge';
import { createEventStream } from '$lib/server/live';
import type { RequestHandler } from './$types';

const actorOf = (user: SessionUser): Actor => ({
	id: user.id,
	role: user.role,
	organisationId: user.organisationId,
	organisationKind: user.organisationKind
});

/** The live stream of the signed-in person: only the events the access policy lets them see. */
export const GET: RequestHandler = ({ locals, cookies, request }) => {
	if (!locals.user)
		return jsonMessage(401, { key: 'error_sign_in_first' }, { code: 'UNAUTHENTICATED' });
	const { db, bus, log } = locals.runtime;
	const token = cookies.get(SESSION_COOKIE) ?? '';
	const stream = createEventStream({
		bus,
		actor: actorOf(locals.user),
		// A revoked session (logout everywhere, deactivation, suspension) stops the stream.
		revalidate: async () => {
			const { user } = await validateSessionToken(db, token);
			return user ? actorOf(user) : null;
		},
		signal: request.signal,
		log
	});
	return new Response(stream, {
		headers: {
			'Content-Type': 'text/event-stream; charset=utf-8',
			'Cache-Control': 'no-cache, no-transform',
			'X-Accel-Buffering': 'no'
		}
	});
};
