import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SaveTracker, type SavedMessage } from '../../src/lib/plans/save-tracker.ts';

// "Saved" means stored in the database: the browser's tracker drops a change only when a `saved`
// message proves it stored, and says "saved" only when the stored state covers the whole copy.

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** The `saved` message the collaboration server sends after storing `doc` as it is now. */
function savedOf(doc: Y.Doc, withSnapshot = true): SavedMessage {
	return {
		type: 'saved',
		stateVector: b64(Y.encodeStateVector(doc)),
		snapshot: withSnapshot ? b64(Y.encodeSnapshot(Y.snapshot(doc))) : (undefined as never),
		at: new Date().toISOString()
	};
}

/** A client copy wired to a server copy; local updates go through the tracker. */
function pair() {
	const server = new Y.Doc();
	const client = new Y.Doc();
	const tracker = new SaveTracker(client);
	client.on('update', (update: Uint8Array, origin: unknown) => {
		if (origin !== 'server') tracker.record(update);
	});
	const push = () =>
		Y.applyUpdate(server, Y.encodeStateAsUpdate(client, Y.encodeStateVector(server)));
	const pull = () => Y.applyUpdate(client, Y.encodeStateAsUpdate(server), 'server');
	return { server, client, tracker, push, pull };
}

describe('the save tracker', () => {
	it('is never saved before a saved message, even with no local change', () => {
		const { tracker } = pair();
		expect(tracker.count).toBe(0);
		expect(tracker.isSaved).toBe(false);
	});

	it('keeps a change pending until a stored snapshot contains it', () => {
		const { server, client, tracker, push } = pair();
		client.getText('t').insert(0, 'hello');
		expect(tracker.count).toBe(1);
		tracker.saved(savedOf(server)); // stored before the change arrived
		expect(tracker.count).toBe(1);
		expect(tracker.isSaved).toBe(false);
		push();
		tracker.saved(savedOf(server));
		expect(tracker.count).toBe(0);
		expect(tracker.isSaved).toBe(true);
	});

	it('does not take a deletion for saved because the state vector did not move', () => {
		const { server, client, tracker, push } = pair();
		client.getText('t').insert(0, 'hello');
		push();
		tracker.saved(savedOf(server));
		expect(tracker.isSaved).toBe(true);
		client.getText('t').delete(0, 2);
		const stale = savedOf(server); // same state vector as after the delete, not the deletion
		expect(stale.stateVector).toBe(b64(Y.encodeStateVector(client)));
		tracker.saved(stale);
		expect(tracker.count).toBe(1);
		expect(tracker.isSaved).toBe(false);
		push();
		tracker.saved(savedOf(server));
		expect(tracker.isSaved).toBe(true);
	});

	it('without a snapshot, a deletion counts as stored only once the server had acknowledged it', () => {
		const { server, client, tracker, push } = pair();
		client.getText('t').insert(0, 'hello');
		push();
		tracker.saved(savedOf(server, false));
		client.getText('t').delete(0, 1);
		tracker.saved(savedOf(server, false));
		expect(tracker.count).toBe(1);
		push();
		tracker.acknowledgeAll();
		tracker.saved(savedOf(server, false));
		expect(tracker.count).toBe(0);
	});

	it('is not saved while others’ changes this copy holds are not stored', () => {
		const { server, client, tracker, pull } = pair();
		tracker.saved(savedOf(server));
		const other = new Y.Doc();
		other.getText('t').insert(0, 'from someone else');
		Y.applyUpdate(server, Y.encodeStateAsUpdate(other));
		pull();
		expect(tracker.count).toBe(0);
		expect(tracker.isSaved).toBe(false);
		tracker.saved(savedOf(server));
		expect(tracker.isSaved).toBe(true);
		expect(client.getText('t').toString()).toBe('from someone else');
	});

	it('counts each local change and the oldest time', () => {
		const { client, tracker } = pair();
		client.getText('t').insert(0, 'a');
		client.getText('t').insert(1, 'b');
		client.getMap('m').set('k', 'v');
		expect(tracker.count).toBe(3);
		expect(tracker.oldest).not.toBeNull();
	});
});
