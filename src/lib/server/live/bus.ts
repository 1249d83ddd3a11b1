import type { Database } from '../db/client.ts';
import type { Logger } from '../log/index.ts';
import { LIVE_CHANNEL, type LiveEvent } from './events.ts';

export type LiveBus = {
	subscribe(listener: (event: LiveEvent) => void): () => void;
	stop(): Promise<void>;
};

/**
 * One LISTEN per process, fanned out in memory to every open event stream of that process.
 * Several app processes each LISTEN, so an event published anywhere reaches everyone.
 */
export async function startLiveBus(database: Database, log: Logger): Promise<LiveBus> {
	const listeners = new Set<(event: LiveEvent) => void>();
	const unlisten = await database.listen(LIVE_CHANNEL, (payload) => {
		let event: LiveEvent;
		try {
			event = JSON.parse(payload) as LiveEvent;
		} catch {
			log.warn({ payload: payload.slice(0, 200) }, 'ignored a malformed live event');
			return;
		}
		for (const listener of listeners) {
			try {
				listener(event);
			} catch (error) {
				log.error({ err: error }, 'a live event listener failed');
			}
		}
	});
	return {
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		async stop() {
			listeners.clear();
			await unlisten();
		}
	};
}
