import type { RequestEvent } from '@sveltejs/kit';

/** The caller's address for rate limits and the audit log; never throws. */
export function clientAddress(event: Pick<RequestEvent, 'getClientAddress'>): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}
