import type * as Y from 'yjs';
import {
	readRows,
	rowList,
	updateRow,
	type RowListName,
	type RowLists
} from '$lib/shared/plan-doc';
import { LOCAL_ORIGIN } from './session.svelte';

/** Calls `onRows` with the rows of a list now and after every change (local or remote). */
export function watchRows<K extends RowListName>(
	doc: Y.Doc,
	name: K,
	onRows: (rows: RowLists[K][]) => void
): () => void {
	const list = rowList(doc, name);
	const update = () => onRows(readRows(doc, name));
	update();
	list.observeDeep(update);
	return () => list.unobserveDeep(update);
}

/** Runs structured edits as one transaction that the plan's undo manager tracks. */
export function edit(doc: Y.Doc, fn: () => void): void {
	doc.transact(fn, LOCAL_ORIGIN);
}

/** Writes one field of a row, only when it changed (no empty updates while people type). */
export function writeField<K extends RowListName>(
	doc: Y.Doc,
	name: K,
	id: string,
	key: string,
	value: string
): void {
	const current = readRows(doc, name).find((row) => row.id === id) as
		Record<string, unknown> | undefined;
	if (!current || current[key] === value) return;
	edit(doc, () => updateRow(doc, name, id, { [key]: value } as Partial<Omit<RowLists[K], 'id'>>));
}

/** Black or white text, whichever reads better on a person's colour (caret labels, avatars). */
export function textOn(colour: string): string {
	const hex = /^#?([0-9a-f]{6})$/i.exec(colour)?.[1];
	if (!hex) return '#fff';
	const [r, g, b] = [0, 2, 4].map((i) => {
		const c = parseInt(hex.slice(i, i + 2), 16) / 255;
		return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	});
	const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
	return luminance > 0.179 ? '#000' : '#fff';
}
