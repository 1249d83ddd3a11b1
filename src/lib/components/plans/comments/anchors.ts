import type { Editor } from '@tiptap/core';
import { Plugin, PluginKey, type EditorState } from '@tiptap/pm/state';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';
import {
	absolutePositionToRelativePosition,
	relativePositionToAbsolutePosition,
	ySyncPluginKey
} from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { fromBase64, toBase64 } from '../history/api';

// Comment anchors are Yjs relative positions of the ends of the selected text, computed through
// y-prosemirror's mapping between the ProseMirror document and the Y.XmlFragment, so they follow
// the text however it is edited (here or by anyone else). A decoration plugin highlights them.

type Binding = {
	doc: Y.Doc;
	type: Y.XmlFragment;
	mapping: Parameters<typeof absolutePositionToRelativePosition>[2];
};

function bindingOf(state: EditorState): Binding | null {
	const sync = ySyncPluginKey.getState(state) as { binding?: Binding | null } | undefined;
	return sync?.binding ?? null;
}

/** The selection of an editor as an anchor (base64 relative positions) and its quoted text. */
export function anchorFromSelection(
	editor: Editor
): { start: string; end: string; quote: string } | null {
	const { state } = editor;
	const { from, to, empty } = state.selection;
	const binding = bindingOf(state);
	if (empty || !binding) return null;
	const encode = (pos: number) =>
		toBase64(
			Y.encodeRelativePosition(
				absolutePositionToRelativePosition(pos, binding.type, binding.mapping)
			)
		);
	return { start: encode(from), end: encode(to), quote: state.doc.textBetween(from, to, ' ') };
}

/** Where an anchor is now; null when it cannot be resolved or its text is gone. */
export function resolveAnchor(
	state: EditorState,
	anchor: { start: string; end: string },
	doc?: Y.Doc
): { from: number; to: number } | null {
	const binding = bindingOf(state);
	if (!binding) return null;
	const ydoc = doc ?? binding.doc;
	try {
		const resolve = (value: string) =>
			relativePositionToAbsolutePosition(
				ydoc,
				binding.type,
				Y.decodeRelativePosition(fromBase64(value)),
				binding.mapping
			);
		const from = resolve(anchor.start);
		const to = resolve(anchor.end);
		const size = state.doc.content.size;
		if (from === null || to === null || from >= to || to > size) return null;
		return { from, to };
	} catch {
		return null;
	}
}

export type AnchorSpec = { id: string; start: string; end: string; active: boolean };

/** What the highlight plugins read: the anchors to show per field, and a version to notice changes. */
export type AnchorSource = { version: number; byField: Map<string, AnchorSpec[]> };

function decorations(state: EditorState, anchors: AnchorSpec[]): DecorationSet {
	const list: Decoration[] = [];
	for (const anchor of anchors) {
		const range = resolveAnchor(state, anchor);
		if (!range) continue;
		list.push(
			Decoration.inline(
				range.from,
				range.to,
				{
					class: anchor.active ? 'comment-anchor active' : 'comment-anchor',
					'data-comment-thread': anchor.id
				},
				{ id: anchor.id, active: anchor.active }
			)
		);
	}
	return DecorationSet.create(state.doc, list);
}

function sameDecorations(a: DecorationSet, b: DecorationSet): boolean {
	const key = (set: DecorationSet) =>
		set
			.find()
			.map((d) => `${d.from}:${d.to}:${(d.spec as AnchorSpec).id}:${(d.spec as AnchorSpec).active}`)
			.sort()
			.join('|');
	return key(a) === key(b);
}

/**
 * Highlights the anchors of `field` in an editor. Positions are recomputed from the relative
 * positions after every document change (after y-prosemirror has updated its mapping) and when
 * the source's version changes; in between, ProseMirror maps them through local transactions.
 */
export function commentHighlightPlugin(
	key: PluginKey<DecorationSet>,
	field: string,
	source: AnchorSource
): Plugin<DecorationSet> {
	return new Plugin<DecorationSet>({
		key,
		state: {
			init: () => DecorationSet.empty,
			apply(tr, set) {
				const next = tr.getMeta(key) as DecorationSet | 'refresh' | undefined;
				if (next && next !== 'refresh') return next;
				return set.map(tr.mapping, tr.doc);
			}
		},
		props: {
			decorations: (state) => key.getState(state)
		},
		view(view: EditorView) {
			let scheduled = false;
			let seenVersion = -1;
			const refresh = () => {
				scheduled = false;
				if (view.isDestroyed) return;
				seenVersion = source.version;
				const next = decorations(view.state, source.byField.get(field) ?? []);
				const current = key.getState(view.state) ?? DecorationSet.empty;
				if (!sameDecorations(next, current)) view.dispatch(view.state.tr.setMeta(key, next));
			};
			const schedule = () => {
				if (scheduled) return;
				scheduled = true;
				queueMicrotask(refresh);
			};
			schedule();
			return {
				update(view, previous) {
					if (!view.state.doc.eq(previous.doc) || seenVersion !== source.version) schedule();
				}
			};
		}
	});
}

/** Asks an editor's highlight plugin to look at the source again. */
export function refreshHighlights(editor: Editor, key: PluginKey<DecorationSet>): void {
	if (editor.isDestroyed) return;
	editor.view.dispatch(editor.state.tr.setMeta(key, 'refresh'));
}

export function newPluginKey(): PluginKey<DecorationSet> {
	return new PluginKey<DecorationSet>('planComments');
}
