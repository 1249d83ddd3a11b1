import { Worker } from 'node:worker_threads';
import type { Logger } from '../../src/lib/server/log/index.ts';
import {
	planTextsInThread,
	type PlanSearchText,
	type PlanTexts
} from '../../src/lib/server/plans/texts.ts';

// After each store the collaboration server derives texts from the plan (search text, and the
// text of two versions for an automatic version's diff). For a 1 MB plan that is decoding it and
// walking it, tens of milliseconds each: done on this thread they stall every live plan of the
// process (bench/collab.ts "persistence"). Large states go to one worker thread instead; small
// ones stay here, where they cost less than the trip.

/** States from this size on are decoded in the worker. */
export const WORKER_FROM_BYTES = 64 * 1024;

export type PlanTextsRequest = { id: number; kind: 'version' | 'search'; state: Uint8Array };
export type PlanTextsReply = {
	id: number;
	version?: string;
	search?: PlanSearchText;
	error?: string;
};

export type PlanTextsWorker = PlanTexts & {
	/** Ends the worker (shutdown); later calls start a new one. */
	close(): Promise<void>;
};

export function planTextsWorker(
	log: Logger,
	options: { fromBytes?: number } = {}
): PlanTextsWorker {
	const fromBytes = options.fromBytes ?? WORKER_FROM_BYTES;
	const pending = new Map<
		number,
		{ resolve(reply: PlanTextsReply): void; reject(e: Error): void }
	>();
	let worker: Worker | null = null;
	let nextId = 1;

	function failAll(error: Error) {
		for (const waiting of pending.values()) waiting.reject(error);
		pending.clear();
	}

	function start(): Worker {
		const started = new Worker(new URL('./plan-texts-worker.ts', import.meta.url));
		// Idle, it does not keep the process alive; a request in flight does (see ask).
		started.unref();
		started.on('message', (reply: PlanTextsReply) => {
			const waiting = pending.get(reply.id);
			pending.delete(reply.id);
			if (pending.size === 0) started.unref();
			if (!waiting) return;
			if (reply.error !== undefined) waiting.reject(new Error(reply.error));
			else waiting.resolve(reply);
		});
		started.on('error', (error) => {
			log.error({ err: error }, 'the plan texts worker failed');
			if (worker === started) worker = null;
			failAll(error);
		});
		started.on('exit', (code) => {
			if (worker === started) worker = null;
			failAll(new Error(`the plan texts worker exited (code ${code})`));
		});
		return started;
	}

	function ask(kind: PlanTextsRequest['kind'], state: Uint8Array): Promise<PlanTextsReply> {
		worker ??= start();
		const id = nextId++;
		const reply = new Promise<PlanTextsReply>((resolve, reject) =>
			pending.set(id, { resolve, reject })
		);
		worker.ref();
		// A view into a larger buffer would be cloned with all of that buffer: send just the state.
		const own = state.byteLength === state.buffer.byteLength ? state : state.slice();
		worker.postMessage({ id, kind, state: own } satisfies PlanTextsRequest);
		return reply;
	}

	return {
		async version(state) {
			if (state.byteLength < fromBytes) return planTextsInThread.version(state);
			return (await ask('version', state)).version ?? '';
		},
		async search(input) {
			if (input.state.byteLength < fromBytes) return planTextsInThread.search(input);
			return (await ask('search', input.state)).search ?? { summary: '', folded: '' };
		},
		async close() {
			const ending = worker;
			worker = null;
			if (ending) await ending.terminate();
		}
	};
}
