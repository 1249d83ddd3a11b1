import { referenceCandidates } from '$lib/server/feed';
import { jsonAnswer, jsonEndpoint } from '$lib/server/http/edge';
import type { RequestHandler } from './$types';

/** GET ?q=<text>: accounts, partners and deals the reader may see and refer to (≤ 8). */
export const GET: RequestHandler = jsonEndpoint({}, async ({ event, user }) => {
	const q = (event.url.searchParams.get('q') ?? '').trim().slice(0, 80);
	return jsonAnswer({ items: await referenceCandidates(event.locals.runtime.db, user, q) });
});
