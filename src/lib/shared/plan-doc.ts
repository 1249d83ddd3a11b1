import * as Y from 'yjs';
import { stripForbiddenCharacters } from './text-input.ts';
import type { PlanActionStatus } from './enums.ts';

// The layout of a plan's Y.Doc, and typed accessors for it. The browser editor, the collaboration
// server (mirroring actions, search text), the templates and the demo seed all go through these,
// so the layout is written down once. Bump PLAN_SCHEMA_VERSION and add a migration step in
// `upgradePlanDoc` when it changes.
//
// Shared document:
//   meta            Y.Map    { schemaVersion, locale }
//   summary         Y.XmlFragment (Tiptap rich text)
//   goals           Y.Array<Y.Map>  Goal fields
//   stakeholders    Y.Array<Y.Map>  Stakeholder fields
//   actions         Y.Array<Y.Map>  PlanAction fields
//   swot.<quadrant> Y.Array<Y.Map>  { id, text } for strengths, weaknesses, opportunities, threats
//   whitespace.products / whitespace.units  Y.Array<Y.Map> { id, name }
//   whitespace.cells Y.Map   `${productId}:${unitId}` → WhitespaceCell
//   sections        Y.Array<Y.Map> { id, title }; each one's text in Y.XmlFragment `section.<id>`
// Internal notes document:
//   meta, notes     Y.XmlFragment (Tiptap rich text)

export const PLAN_SCHEMA_VERSION = 1;

export type Goal = {
	id: string;
	title: string;
	metric: string;
	target: string;
	current: string;
	/** ISO date (YYYY-MM-DD) or ''. */
	due: string;
};
export const INFLUENCE_LEVELS = ['low', 'medium', 'high'] as const;
export type Influence = (typeof INFLUENCE_LEVELS)[number];
export const ATTITUDES = ['champion', 'supporter', 'neutral', 'sceptic', 'opponent'] as const;
export type Attitude = (typeof ATTITUDES)[number];
export type Stakeholder = {
	id: string;
	person: string;
	role: string;
	influence: Influence;
	attitude: Attitude;
	/** The user id of who owns the relationship, or ''. */
	ownerId: string;
};
export type PlanAction = {
	id: string;
	title: string;
	/** User id or ''. */
	ownerId: string;
	/** ISO date or ''. */
	due: string;
	status: PlanActionStatus;
};
export const SWOT_QUADRANTS = ['strengths', 'weaknesses', 'opportunities', 'threats'] as const;
export type SwotQuadrant = (typeof SWOT_QUADRANTS)[number];
export type ListItem = { id: string; text: string };
export type WhitespaceAxisItem = { id: string; name: string };
export const WHITESPACE_CELLS = ['none', 'opportunity', 'in_progress', 'owned'] as const;
export type WhitespaceCell = (typeof WHITESPACE_CELLS)[number];
export type FreeSection = { id: string; title: string };

/** Structured sections (Y.Array of Y.Map rows) and the shape of their rows. */
export type RowLists = {
	goals: Goal;
	stakeholders: Stakeholder;
	actions: PlanAction;
	'swot.strengths': ListItem;
	'swot.weaknesses': ListItem;
	'swot.opportunities': ListItem;
	'swot.threats': ListItem;
	'whitespace.products': WhitespaceAxisItem;
	'whitespace.units': WhitespaceAxisItem;
	sections: FreeSection;
};
export type RowListName = keyof RowLists;

/** Every structured section, in the plan's order (versions, undo, texts walk them all). */
export const ROW_LISTS: readonly RowListName[] = [
	'goals',
	'stakeholders',
	'actions',
	'swot.strengths',
	'swot.weaknesses',
	'swot.opportunities',
	'swot.threats',
	'whitespace.products',
	'whitespace.units',
	'sections'
];

/** Rich-text fields: the summary, the free sections, the internal notes. */
export const SUMMARY_FIELD = 'summary';
export const NOTES_FIELD = 'notes';
export const sectionField = (sectionId: string) => `section.${sectionId}`;

export function newId(): string {
	return globalThis.crypto.randomUUID();
}

export function meta(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap('meta');
}

export function richText(doc: Y.Doc, field: string): Y.XmlFragment {
	return doc.getXmlFragment(field);
}

export function rowList<K extends RowListName>(doc: Y.Doc, name: K): Y.Array<Y.Map<unknown>> {
	return doc.getArray<Y.Map<unknown>>(name);
}

export function whitespaceCells(doc: Y.Doc): Y.Map<WhitespaceCell> {
	return doc.getMap<WhitespaceCell>('whitespace.cells');
}

export const cellKey = (productId: string, unitId: string) => `${productId}:${unitId}`;

/** Plain values of every row of a list, in order. */
export function readRows<K extends RowListName>(doc: Y.Doc, name: K): RowLists[K][] {
	return rowList(doc, name)
		.toArray()
		.map((row) => row.toJSON() as RowLists[K]);
}

/** Appends a row (in one transaction) and returns its id. */
export function addRow<K extends RowListName>(
	doc: Y.Doc,
	name: K,
	values: Omit<RowLists[K], 'id'> & { id?: string },
	index?: number
): string {
	const id = values.id ?? newId();
	const row = new Y.Map<unknown>();
	doc.transact(() => {
		for (const [key, value] of Object.entries({ ...values, id })) row.set(key, value);
		const list = rowList(doc, name);
		if (index === undefined || index >= list.length) list.push([row]);
		else list.insert(Math.max(0, index), [row]);
	});
	return id;
}

function findRow(
	doc: Y.Doc,
	name: RowListName,
	id: string
): { index: number; row: Y.Map<unknown> } | null {
	const list = rowList(doc, name);
	for (let index = 0; index < list.length; index += 1) {
		const row = list.get(index);
		if (row.get('id') === id) return { index, row };
	}
	return null;
}

/** Sets some fields of a row; unchanged values are not written (no empty updates). */
export function updateRow<K extends RowListName>(
	doc: Y.Doc,
	name: K,
	id: string,
	changes: Partial<Omit<RowLists[K], 'id'>>
): boolean {
	const found = findRow(doc, name, id);
	if (!found) return false;
	doc.transact(() => {
		for (const [key, value] of Object.entries(changes)) {
			if (found.row.get(key) !== value) found.row.set(key, value);
		}
	});
	return true;
}

export function removeRow(doc: Y.Doc, name: RowListName, id: string): boolean {
	const found = findRow(doc, name, id);
	if (!found) return false;
	doc.transact(() => {
		rowList(doc, name).delete(found.index, 1);
		// A whitespace product or unit takes its cells with it.
		if (name === 'whitespace.products' || name === 'whitespace.units') {
			const cells = whitespaceCells(doc);
			for (const key of [...cells.keys()]) {
				const [product, unit] = key.split(':');
				if ((name === 'whitespace.products' ? product : unit) === id) cells.delete(key);
			}
		}
	});
	return true;
}

/** Moves a row to another index (keyboard reordering). */
export function moveRow(doc: Y.Doc, name: RowListName, id: string, toIndex: number): boolean {
	const found = findRow(doc, name, id);
	if (!found) return false;
	const values = found.row.toJSON() as Record<string, unknown>;
	doc.transact(() => {
		const list = rowList(doc, name);
		list.delete(found.index, 1);
		const row = new Y.Map<unknown>();
		for (const [key, value] of Object.entries(values)) row.set(key, value);
		list.insert(Math.max(0, Math.min(toIndex, list.length)), [row]);
	});
	return true;
}

export function setCell(
	doc: Y.Doc,
	productId: string,
	unitId: string,
	value: WhitespaceCell
): void {
	const cells = whitespaceCells(doc);
	const key = cellKey(productId, unitId);
	if (value === 'none') cells.delete(key);
	else if (cells.get(key) !== value) cells.set(key, value);
}

/** The plain text of a rich-text field (paragraphs and list items separated by new lines). */
export function fragmentText(fragment: Y.XmlFragment): string {
	const parts: string[] = [];
	const walk = (node: Y.XmlElement | Y.XmlText | Y.XmlFragment) => {
		if (node instanceof Y.XmlText) {
			parts.push(node.toString().replace(/<[^>]*>/g, ''));
			return;
		}
		for (const child of node.toArray()) {
			walk(child as Y.XmlElement | Y.XmlText);
		}
		if (node instanceof Y.XmlElement) parts.push('\n');
	};
	walk(fragment);
	return parts
		.join('')
		.replace(/\n{2,}/g, '\n')
		.trim();
}

/** Text that search and lists use: summary, goals and actions (the search scope). */
export function planSearchText(doc: Y.Doc): string {
	const goals = readRows(doc, 'goals').map((g) => [g.title, g.metric].filter(Boolean).join(' '));
	const actions = readRows(doc, 'actions').map((a) => a.title);
	const text = [fragmentText(richText(doc, SUMMARY_FIELD)), ...goals, ...actions]
		.filter(Boolean)
		.join('\n');
	// Any client may have written a NUL into the document; PostgreSQL refuses it in text, and the
	// plan's search text would never be stored again.
	return stripForbiddenCharacters(text);
}

/** Writes paragraphs / headings / bullet items into an empty rich-text field (templates, seed). */
export type RichBlock =
	| { type: 'heading'; level: 1 | 2 | 3; text: string }
	| { type: 'paragraph'; text: string }
	| { type: 'bulletList'; items: string[] }
	| { type: 'taskList'; items: { text: string; checked: boolean }[] };

function textElement(name: string, text: string, attributes: Record<string, string> = {}) {
	const element = new Y.XmlElement(name);
	for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
	if (text) element.insert(0, [new Y.XmlText(text)]);
	return element;
}

export function writeRichText(doc: Y.Doc, field: string, blocks: RichBlock[]): void {
	const fragment = richText(doc, field);
	const elements = blocks.map((block) => {
		switch (block.type) {
			case 'heading':
				return textElement('heading', block.text, { level: String(block.level) });
			case 'paragraph':
				return textElement('paragraph', block.text);
			case 'bulletList': {
				const list = new Y.XmlElement('bulletList');
				list.insert(
					0,
					block.items.map((item) => {
						const li = new Y.XmlElement('listItem');
						li.insert(0, [textElement('paragraph', item)]);
						return li;
					})
				);
				return list;
			}
			case 'taskList': {
				const list = new Y.XmlElement('taskList');
				list.insert(
					0,
					block.items.map((item) => {
						const li = new Y.XmlElement('taskItem');
						li.setAttribute('checked', item.checked ? 'true' : 'false');
						li.insert(0, [textElement('paragraph', item.text)]);
						return li;
					})
				);
				return list;
			}
		}
	});
	doc.transact(() => fragment.insert(fragment.length, elements));
}

/** Brings an older document up to PLAN_SCHEMA_VERSION (nothing to do yet: version 1 is the first). */
export function upgradePlanDoc(doc: Y.Doc): void {
	const current = meta(doc).get('schemaVersion');
	if (current === PLAN_SCHEMA_VERSION) return;
	if (current === undefined) meta(doc).set('schemaVersion', PLAN_SCHEMA_VERSION);
}
