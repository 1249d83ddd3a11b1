import type { Actor } from '../access/actor.ts';
import { canReceiveLiveEvent } from '../access/policy.ts';
import type { Logger } from '../log/index.ts';
import type { LiveMessage } from '../../shared/live.ts';
import type { LiveBus } from './bus.ts';
import type { LiveEvent } from './events.ts';

/** What one browser receives of an event: nothing, or the event without its audience. */
export function eventsFor(actor: Actor, event: LiveEvent): LiveMessage | null {
	if (!canReceiveLiveEvent(actor, event.audience)) return null;
	return { type: event.type, data: event.data };
}

/** One server-sent event; the type travels inside the JSON so the client needs one listener. */
export function formatSse(message: LiveMessage): string {
	return `data: ${JSON.stringify(message)}\n\n`;
}

export type EventStreamOptions = {
	bus: Pick<LiveBus, 'subscribe'>;
	actor: Actor;
	/**
	 * Called at every heartbeat: the person as they are now (role or company may have changed),
	 * or null when the session ended (logout elsewhere, deactivation, suspension).
	 */
	revalidate: () => Promise<Actor | null>;
	heartbeatMs?: number;
	/** The request's signal: the stream ends when the browser goes away. */
	signal?: AbortSignal;
	log?: Logger;
};

// One event reaches every open stream of the process: its frame is serialised and encoded once,
// not once per recipient (bench/live-events.ts measured the per-stream copies as the hot spot).
const frames = new WeakMap<LiveEvent, Uint8Array>();
const encoder = new TextEncoder();

function frameOf(event: LiveEvent, message: LiveMessage): Uint8Array {
	let frame = frames.get(event);
	if (!frame) {
		frame = encoder.encode(formatSse(message));
		frames.set(event, frame);
	}
	return frame;
}

/** Events that make a stream re-check its session at once. */
const RECHECK_EVENTS = new Set(['session.revoked', 'access.changed']);

// A browser that stops reading would make the queue grow for ever: past this, drop it (it reconnects).
const MAX_QUEUED = 1000;

/** The body of GET /api/events: only the events this person may see, with heartbeats. */
export function createEventStream(options: EventStreamOptions): ReadableStream<Uint8Array> {
	let actor = options.actor;
	let cleanup = () => {};

	return new ReadableStream<Uint8Array>({
		start(controller) {
			let closed = false;
			let checking = false;

			const send = (chunk: string | Uint8Array) => {
				if (closed) return;
				if ((controller.desiredSize ?? 0) < -MAX_QUEUED) {
					options.log?.warn({ user: actor.id }, 'closed a live stream that stopped reading');
					close();
					return;
				}
				controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
			};

			const unsubscribe = options.bus.subscribe((event) => {
				const message = eventsFor(actor, event);
				if (!message) return;
				// Access of this person changed (sessions revoked, deactivated, suspended): re-check
				// now instead of at the next heartbeat, so the stream ends at once.
				if (RECHECK_EVENTS.has(event.type)) {
					void beat();
					return;
				}
				send(frameOf(event, message));
			});

			// A re-check asked for while one is running: the running one may have read the session
			// before it was revoked, so another follows it (else the stream lived on until the next
			// heartbeat, 25 s later — seen with "sign out everywhere" on PostgreSQL).
			let again = false;

			// Each beat re-checks the session: a revoked one ends the stream, a changed role applies.
			async function beat() {
				if (closed) return;
				if (checking) {
					again = true;
					return;
				}
				checking = true;
				again = false;
				try {
					const current = await options.revalidate();
					if (!current) {
						send(formatSse({ type: 'session.ended', data: {} }));
						close();
						return;
					}
					actor = current;
				} catch (error) {
					// The database may be briefly away: keep the stream, try again next beat.
					options.log?.warn({ err: error }, 'could not re-check a live stream session');
				} finally {
					checking = false;
				}
				send(': heartbeat\n\n');
				if (again) void beat();
			}

			const heartbeat = setInterval(() => void beat(), options.heartbeatMs ?? 25_000);

			const onAbort = () => close();

			cleanup = () => {
				if (closed) return;
				closed = true;
				clearInterval(heartbeat);
				unsubscribe();
				options.signal?.removeEventListener('abort', onAbort);
			};

			function close() {
				if (closed) return;
				cleanup();
				try {
					controller.close();
				} catch {
					// Already closed or errored by the consumer.
				}
			}

			if (options.signal?.aborted) {
				close();
				return;
			}
			options.signal?.addEventListener('abort', onAbort);
			// Reconnect after 3 s when the connection drops; the comment flushes the headers at once.
			send('retry: 3000\n: connected\n\n');
		},
		cancel() {
			cleanup();
		}
	});
}
