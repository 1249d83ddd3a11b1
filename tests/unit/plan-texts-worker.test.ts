import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { planTextsWorker } from '../../server/collab/plan-texts.ts';
import { createLogger } from '../../src/lib/server/log/index.ts';
import { planTextsInThread } from '../../src/lib/server/plans/texts.ts';
import { addRow, SUMMARY_FIELD, writeRichText } from '../../src/lib/shared/plan-doc.ts';

function planState(paragraphs: number): Uint8Array {
	const doc = new Y.Doc();
	writeRichText(
		doc,
		SUMMARY_FIELD,
		Array.from({ length: paragraphs }, (_, i) => ({
			type: 'paragraph' as const,
			text: `Paragraphe ${i} : Société Générale, révision du pipeline`
		}))
	);
	addRow(doc, 'goals', {
		id: 'g1',
		title: 'Élargir la couverture',
		metric: 'Comptes',
		target: '',
		current: '',
		due: ''
	});
	addRow(doc, 'actions', {
		id: 'a1',
		title: 'Appeler la DSI',
		ownerId: '',
		due: '',
		status: 'todo'
	});
	return Y.encodeStateAsUpdate(doc);
}

describe('plan texts in a worker thread', () => {
	const log = createLogger({ level: 'silent', pretty: false });
	const worker = planTextsWorker(log, { fromBytes: 0 });
	afterAll(() => worker.close());

	it('computes the same version and search texts as this thread', async () => {
		const state = planState(2_000);
		expect(state.byteLength).toBeGreaterThan(64 * 1024);
		const [version, search] = await Promise.all([worker.version(state), worker.search({ state })]);
		expect(version).toBe(await planTextsInThread.version(state));
		expect(search).toEqual(await planTextsInThread.search({ state }));
		expect(search.folded).toContain('societe generale');
		expect(search.summary).toContain('Appeler la DSI');
	});

	it('answers a view into a larger buffer with the view only', async () => {
		const state = planState(3);
		const padded = new Uint8Array(state.byteLength + 100);
		padded.set(state, 50);
		const view = padded.subarray(50, 50 + state.byteLength);
		expect(await worker.version(view)).toBe(await planTextsInThread.version(state));
	});

	it('reports a malformed state as an error and keeps serving', async () => {
		await expect(worker.version(new Uint8Array([255, 255, 255, 255, 1]))).rejects.toThrow();
		expect(await worker.version(planState(1))).toContain('Paragraphe 0');
	});

	it('starts again after being closed', async () => {
		await worker.close();
		expect((await worker.search({ state: planState(1) })).folded).toContain('appeler la dsi');
	});

	it('keeps small states in this thread by default', async () => {
		const local = planTextsWorker(log);
		const doc = new Y.Doc();
		writeRichText(doc, SUMMARY_FIELD, [{ type: 'paragraph', text: 'Petit plan' }]);
		// No worker is started for it: the live document is read directly.
		const search = await local.search({ state: new Uint8Array([0, 0]), doc });
		expect(search.summary).toBe('Petit plan');
		await local.close();
	});
});
