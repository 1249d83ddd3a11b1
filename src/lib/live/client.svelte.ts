import type { LiveEventMap, LiveEventType } from '$lib/shared/live';
import { addListener, watchStatus } from './connection';

/** Reactive: true while this tab's live stream is open. */
export const live = $state({ connected: false });

watchStatus((connected) => {
	live.connected = connected;
});

/**
 * Calls `handler` with each live event of this type (only events the signed-in person may see
 * reach the browser); returns the unsubscribe function. Call it in onMount or an $effect.
 */
export function onLiveEvent<T extends LiveEventType>(
	type: T,
	handler: (data: LiveEventMap[T]) => void
): () => void {
	return addListener(type, handler as (data: unknown) => void);
}
