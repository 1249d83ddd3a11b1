import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyStoredState } from '../../server/collab/extensions/persistence.ts';
import { LargeDocuments } from '../../server/collab/large-documents.ts';
import { WORKER_NICE } from '../../server/collab/worker-rpc.ts';
import { createLogger } from '../../src/lib/server/log/index.ts';
import { addRow, SUMMARY_FIELD, writeRichText } from '../../src/lib/shared/plan-doc.ts';

/** A plan of ~`paragraphs` × 60 bytes written by two clients. */
function planState(paragraphs: number): Uint8Array {
	const a = new Y.Doc();
	const b = new Y.Doc();
	writeRichText(
		a,
		SUMMARY_FIELD,
		Array.from({ length: paragraphs }, (_, i) => ({
			type: 'paragraph' as const,
			text: `Paragraphe ${i} : Société Générale, révision du pipeline`
		}))
	);
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
	addRow(b, 'actions', { id: 'a1', title: 'Appeler la DSI', ownerId: '', due: '', status: 'todo' });
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
	return Y.encodeStateAsUpdate(a);
}

const contents = (doc: Y.Doc) => ({
	summary: doc.getXmlFragment(SUMMARY_FIELD).toString(),
	actions: doc.getArray('actions').toJSON()
});

describe('large documents: a copy in a worker thread', () => {
	const log = createLogger({ level: 'silent', pretty: false });
	const large = new LargeDocuments(log, { fromBytes: 32 * 1024 });
	afterAll(() => large.close());
	const load = async (name: string, state: Uint8Array) => {
		const doc = new Y.Doc();
		const handled = await large.load(name, doc, state, (update) =>
			applyStoredState(doc, update, null)
		);
		return { doc, handled };
	};

	it('leaves small states to the caller', async () => {
		const { doc, handled } = await load('small', planState(10));
		expect(handled).toBe(false);
		expect(doc.store.clients.size).toBe(0);
		expect(large.has('small', doc)).toBe(false);
	});

	it('loads a large state in parts and encodes it, edits included, from the copy', async () => {
		const state = planState(3_000);
		expect(state.byteLength).toBeGreaterThan(150 * 1024);
		const before = { ...large.counts };
		const { doc, handled } = await load('big', state);
		expect(handled).toBe(true);
		expect(large.counts.loadedInParts).toBe(before.loadedInParts + 1);
		expect(contents(doc)).toEqual(contents(docOf(state)));

		// Edits after the load reach the copy: what it encodes is this document.
		addRow(doc, 'actions', { id: 'a2', title: 'Relancer', ownerId: '', due: '', status: 'todo' });
		const encoded = large.encode('big', doc);
		// Edits after asking are not in the snapshot taken when asking.
		addRow(doc, 'actions', { id: 'a3', title: 'Later', ownerId: '', due: '', status: 'todo' });
		const bytes = await encoded.state;
		expect(bytes).not.toBeNull();
		expect(large.counts.encoded).toBe(before.encoded + 1);
		const copy = docOf(bytes!);
		expect(Y.equalSnapshots(Y.snapshot(copy), encoded.snapshot)).toBe(true);
		expect((copy.getArray('actions').toJSON() as { id: string }[]).map((a) => a.id)).toEqual([
			'a1',
			'a2'
		]);

		// From a client's state vector: just what that client lacks.
		const client = docOf(bytes!);
		const answer = await large.encode('big', doc, Y.encodeStateVector(client)).state;
		expect(answer!.byteLength).toBeLessThan(1024);
		Y.applyUpdate(client, answer!);
		expect(contents(client)).toEqual(contents(doc));
	});

	it('falls back (null) when the copy misses a change, and drops the copy', async () => {
		const { doc } = await load('drifted', planState(3_000));
		expect(large.has('drifted', doc)).toBe(true);
		// A change applied without update listeners never reaches the copy.
		const other = docOf(Y.encodeStateAsUpdate(doc));
		addRow(other, 'actions', { id: 'x', title: 'Unseen', ownerId: '', due: '', status: 'todo' });
		applyStoredState(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)), null);
		const fellBack = large.counts.fellBack;
		expect(await large.encode('drifted', doc).state).toBeNull();
		expect(large.counts.fellBack).toBe(fellBack + 1);
		expect(large.has('drifted', doc)).toBe(false);

		// Adopted again from a state encoded here, the copy follows once more.
		large.adopt('drifted', doc, Y.encodeStateAsUpdate(doc));
		addRow(doc, 'actions', { id: 'y', title: 'Seen', ownerId: '', due: '', status: 'todo' });
		const bytes = await large.encode('drifted', doc).state;
		expect(contents(docOf(bytes!))).toEqual(contents(doc));
	});

	it('drops a copy when its document is destroyed, not when an older one of the same name is', async () => {
		const state = planState(3_000);
		const { doc: first } = await load('reloaded', state);
		// Loaded again under the same name before the first is destroyed (an unload in progress).
		const { doc: second } = await load('reloaded', state);
		expect(large.has('reloaded', first)).toBe(false);
		expect(large.has('reloaded', second)).toBe(true);
		first.destroy();
		expect(large.has('reloaded', second)).toBe(true);
		addRow(second, 'actions', { id: 'z', title: 'Second', ownerId: '', due: '', status: 'todo' });
		const bytes = await large.encode('reloaded', second).state;
		expect(contents(docOf(bytes!))).toEqual(contents(second));
		second.destroy();
		expect(large.has('reloaded', second)).toBe(false);
	});

	it('encodes here (null) while updates wait for what they depend on', async () => {
		const { doc } = await load('pending', planState(3_000));
		// An update from a client whose earlier update has not arrived: Yjs keeps it pending.
		const writer = docOf(Y.encodeStateAsUpdate(doc));
		const updates: Uint8Array[] = [];
		writer.on('update', (update: Uint8Array) => updates.push(update));
		addRow(writer, 'actions', { id: 'p1', title: 'First', ownerId: '', due: '', status: 'todo' });
		addRow(writer, 'actions', { id: 'p2', title: 'Second', ownerId: '', due: '', status: 'todo' });
		Y.applyUpdate(doc, updates[1]);
		expect(doc.store.pendingStructs).not.toBeNull();
		const { fellBack, pending } = large.counts;
		expect(await large.encode('pending', doc).state).toBeNull();
		expect(large.counts.pending).toBe(pending + 1);
		expect(large.counts.fellBack).toBe(fellBack);
		// Once the missing update arrives, the copy (which got both) answers again.
		Y.applyUpdate(doc, updates[0]);
		expect(doc.store.pendingStructs).toBeNull();
		const bytes = await large.encode('pending', doc).state;
		expect(contents(docOf(bytes!))).toEqual(contents(doc));
	});

	it('answers null after the worker is gone, and starts a new one for the next document', async () => {
		const { doc } = await load('before-close', planState(3_000));
		await large.close();
		expect(await large.encode('before-close', doc).state).toBeNull();
		const { doc: next, handled } = await load('after-close', planState(3_000));
		expect(handled).toBe(true);
		expect(contents(docOf((await large.encode('after-close', next).state)!))).toEqual(
			contents(next)
		);
	});
});

function docOf(state: Uint8Array): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, state);
	return doc;
}

describe('worker threads', () => {
	it.runIf(process.platform === 'linux')(
		'run at a lower priority, and leave the event loop’s thread at its own',
		async () => {
			const { Worker } = await import('node:worker_threads');
			const { getPriority } = await import('node:os');
			const module = new URL('../../server/collab/worker-rpc.ts', import.meta.url).href;
			const worker = new Worker(
				`import(${JSON.stringify(module)}).then(async (m) => {
					m.lowerThisThreadsPriority();
					const { parentPort } = await import('node:worker_threads');
					parentPort.postMessage((await import('node:os')).getPriority());
				});`,
				{ eval: true }
			);
			const mine = getPriority();
			const priority = await new Promise((resolve) => worker.once('message', resolve));
			await worker.terminate();
			expect(priority).toBe(Math.max(mine, WORKER_NICE));
			expect(getPriority()).toBe(mine);
		}
	);
});
