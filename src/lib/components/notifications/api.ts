import type { MarkReadInput, NotificationReadEvent } from '$lib/shared/notifications';

/** POST /api/notifications; resolves with the server's answer or throws with its message. */
export async function sendMarkRead(
	input: MarkReadInput,
	options: { keepalive?: boolean } = {}
): Promise<NotificationReadEvent> {
	const response = await fetch('/api/notifications', {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(input),
		keepalive: options.keepalive
	});
	if (!response.ok) {
		const body = (await response.json().catch(() => null)) as { message?: string } | null;
		throw new Error(body?.message ?? `HTTP ${response.status}`);
	}
	return (await response.json()) as NotificationReadEvent;
}

/** Applies a `notification.read` (live or from our own request) to a list. */
export function applyRead<T extends { id: string; readAt: string | null }>(
	items: T[],
	ids: string[] | 'all',
	at = new Date().toISOString()
): T[] {
	return items.map((item) =>
		!item.readAt && (ids === 'all' || ids.includes(item.id)) ? { ...item, readAt: at } : item
	);
}
