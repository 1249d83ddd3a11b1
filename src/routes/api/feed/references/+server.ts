import { referenceCandidates } from '$lib/server/feed';
import { feedJson, feedJsonError, feedUnauthorised } from '$lib/server/feed/edge';
import type { RequestHandler } from './$types';

/** GET ?q=<text>: accounts, partners and deals the reader may see and refer to (≤ 8). */
export const GET: RequestHandler = async ({ locals, url }) => {
	if (!locals.user) return feedUnauthorised();
	const q = (url.searchParams.get('q') ?? '').trim().slice(0, 80);
	try {
		return feedJson({ items: await referenceCandidates(locals.runtime.db, locals.user, q) });
	} catch (cause) {
		return feedJsonError(cause);
	}
};
