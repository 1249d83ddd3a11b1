import type { Logger } from '../../src/lib/server/log/index.ts';
import {
	planTextsInThread,
	type PlanSearchText,
	type PlanTexts
} from '../../src/lib/server/plans/texts.ts';
import { ownBytes, workerRpc } from './worker-rpc.ts';

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
	const rpc = workerRpc<Omit<PlanTextsRequest, 'id'>, PlanTextsReply>(
		new URL('./plan-texts-worker.ts', import.meta.url),
		log,
		'plan texts'
	);
	const ask = (kind: PlanTextsRequest['kind'], state: Uint8Array) =>
		rpc.ask({ kind, state: ownBytes(state) });

	return {
		async version(state) {
			if (state.byteLength < fromBytes) return planTextsInThread.version(state);
			return (await ask('version', state)).version ?? '';
		},
		async search(input) {
			if (input.state.byteLength < fromBytes) return planTextsInThread.search(input);
			return (await ask('search', input.state)).search ?? { summary: '', folded: '' };
		},
		close: () => rpc.close()
	};
}
