// The worker thread of plan-texts.ts: decodes stored plan states and computes their texts, away
// from the collaboration server's event loop (and its heap: the garbage stays here).
import { parentPort } from 'node:worker_threads';
import { docFromState, searchTextOf, versionText } from '../../src/lib/server/plans/texts.ts';
import type { PlanTextsReply, PlanTextsRequest } from './plan-texts.ts';
import { lowerThisThreadsPriority } from './worker-rpc.ts';

lowerThisThreadsPriority();

parentPort!.on('message', (request: PlanTextsRequest) => {
	void (async (): Promise<PlanTextsReply> => {
		const doc = docFromState(request.state);
		try {
			return request.kind === 'version'
				? { id: request.id, version: versionText(doc) }
				: { id: request.id, search: await searchTextOf(doc) };
		} finally {
			doc.destroy();
		}
	})()
		.catch((error: unknown) => ({
			id: request.id,
			error: error instanceof Error ? error.message : String(error)
		}))
		.then((reply) => parentPort!.postMessage(reply));
});
