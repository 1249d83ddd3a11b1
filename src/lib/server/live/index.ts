export { startLiveBus, type LiveBus } from './bus.ts';
export { publishLiveEvent, LIVE_CHANNEL, type LiveEvent, type LiveAudience } from './events.ts';
export { createEventStream, eventsFor, formatSse, type EventStreamOptions } from './stream.ts';
