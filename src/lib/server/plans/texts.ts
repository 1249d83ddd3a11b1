import * as Y from 'yjs';
import { foldText } from '../../shared/normalise.ts';
import { stripForbiddenCharacters } from '../../shared/text-input.ts';
import {
	fragmentText,
	NOTES_FIELD,
	planSearchText,
	readRows,
	richText,
	ROW_LISTS,
	SUMMARY_FIELD
} from '../../shared/plan-doc.ts';
import { foldInTurns } from '../turns.ts';

// The texts a stored plan document yields: its search text (lists, global search) and its plain
// text (rough diffs between versions). Pure: no database, so that the collaboration server can
// compute them in a worker thread (server/collab/plan-texts.ts) — decoding a 1 MB plan and walking
// it takes tens of milliseconds that its event loop cannot spare.

/** The parts of a plan document that are not row lists (versions.ts's restore walks them too). */
export const MAP_TYPES = ['meta', 'whitespace.cells'] as const;
export const isFragmentName = (name: string) =>
	name === SUMMARY_FIELD || name === NOTES_FIELD || name.startsWith('section.');

export function docFromState(state: Uint8Array): Y.Doc {
	const doc = new Y.Doc();
	if (state.byteLength > 0) Y.applyUpdate(doc, state);
	return doc;
}

/** The plain text of a whole plan document (rich text and structured rows): for rough diffs. */
export function versionText(doc: Y.Doc): string {
	const parts: string[] = [fragmentText(richText(doc, SUMMARY_FIELD))];
	for (const name of ROW_LISTS) {
		for (const row of readRows(doc, name)) {
			const values = Object.entries(row as Record<string, unknown>)
				.filter(([key]) => key !== 'id' && !key.endsWith('Id'))
				.map(([, value]) => (typeof value === 'string' ? value : ''));
			parts.push(values.filter(Boolean).join(' '));
			if (name === 'sections') {
				const id = (row as { id: string }).id;
				parts.push(fragmentText(richText(doc, `section.${id}`)));
			}
		}
	}
	parts.push(fragmentText(richText(doc, NOTES_FIELD)));
	// Stored (a version's diff): without what PostgreSQL refuses in text, like the search text.
	return stripForbiddenCharacters(parts.filter(Boolean).join('\n'));
}

/** The search text of a plan's shared document (summary, goals, actions), and it folded. */
export type PlanSearchText = { summary: string; folded: string };

/** Where the texts of stored states are computed: in this thread, or in a worker. */
export type PlanTexts = {
	/** versionText of a stored state. */
	version(state: Uint8Array): Promise<string>;
	/** The search text of the shared document, as stored (`doc` is that state, when at hand). */
	search(input: { state: Uint8Array; doc?: Y.Doc }): Promise<PlanSearchText>;
};

/** A 1 MB plan's text takes ~10 ms to fold: in slices, the event loop stays responsive. */
export async function searchTextOf(doc: Y.Doc): Promise<PlanSearchText> {
	const summary = planSearchText(doc);
	return { summary, folded: await foldInTurns(summary, foldText) };
}

/** Both computed in the calling thread (the SvelteKit app, tests). */
export const planTextsInThread: PlanTexts = {
	async version(state) {
		return versionText(docFromState(state));
	},
	async search({ state, doc }) {
		return searchTextOf(doc ?? docFromState(state));
	}
};
