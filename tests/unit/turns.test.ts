import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyStoredState } from '../../server/collab/extensions/persistence.ts';
import { foldText } from '../../src/lib/shared/normalise.ts';
import { readFile } from 'node:fs';
import { foldInTurns, nextTurn } from '../../src/lib/server/turns.ts';

describe('long work cut into turns', () => {
	it('folds a long text exactly as foldText does, letting other callbacks run between slices', async () => {
		const text = 'Société Générale, Hôtel-Dieu — Ærø ÇA VA? 🎉 '.repeat(6_000); // ~270 K chars
		let immediates = 0;
		const count = setImmediate(function again() {
			immediates += 1;
			if (immediates < 1_000) setImmediate(again);
		});
		const folded = await foldInTurns(text, foldText);
		clearImmediate(count);
		expect(folded).toBe(foldText(text));
		// Five slices of 64 K: other callbacks ran between them.
		expect(immediates).toBeGreaterThanOrEqual(4);
	});

	it('folds a short text in one go', async () => {
		expect(await foldInTurns('Été', foldText)).toBe('ete');
	});
});

describe('applyStoredState', () => {
	it('applies a stored state without encoding an update event, and keeps the listeners', () => {
		const source = new Y.Doc();
		source.getText('t').insert(0, 'stored text');
		const state = Y.encodeStateAsUpdate(source);

		const doc = new Y.Doc();
		const seen: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => seen.push(update));
		applyStoredState(doc, state, null);
		expect(doc.getText('t').toString()).toBe('stored text');
		expect(seen).toHaveLength(0);

		// Later changes reach the listener again.
		doc.getText('t').insert(0, '> ');
		expect(seen).toHaveLength(1);
	});

	it('puts the listeners back when the state is malformed', () => {
		const doc = new Y.Doc();
		const seen: Uint8Array[] = [];
		doc.on('update', (update: Uint8Array) => seen.push(update));
		expect(() => applyStoredState(doc, new Uint8Array([5, 200, 1]), null)).toThrow();
		doc.getText('t').insert(0, 'x');
		expect(seen).toHaveLength(1);
	});
});

describe('nextTurn', () => {
	it('lets a due timer run first, even when called from a socket or file callback', async () => {
		// From an I/O callback a single setImmediate runs before the loop's next timers: a long
		// job cut with it would still block them (bench/collab.ts "persistence").
		let ran = false;
		await new Promise<void>((resolve, reject) => {
			readFile(import.meta.filename, (error) => {
				if (error) return reject(error);
				setTimeout(() => (ran = true), 0);
				const until = performance.now() + 3;
				while (performance.now() < until); // the timer is due
				// Settles when nextTurn does.
				resolve(nextTurn());
			});
		});
		expect(ran).toBe(true);
	});
});
