import * as Y from 'yjs';
import type { Locale, PlanKind } from '../../shared/enums.ts';
import {
	addRow,
	meta,
	NOTES_FIELD,
	PLAN_SCHEMA_VERSION,
	sectionField,
	SUMMARY_FIELD,
	writeRichText,
	type RichBlock
} from '../../shared/plan-doc.ts';

// The starting content of a new plan, in the language chosen when it is created. Lists (goals,
// stakeholders, actions, SWOT) start empty: the editor shows their placeholders. The whitespace
// grid starts with typical products and buying units for the kind of plan, so it is not a blank
// page; everything can be renamed or removed.

export type TemplateInput = { locale: Locale; kind: PlanKind; subjectName: string };

type Texts = {
	summaryHeading: (name: string) => string;
	summaryPrompts: string[];
	products: string[];
	units: Record<PlanKind, string[]>;
	sections: { title: string; prompt: string }[];
	notesHeading: string;
	notesPrompt: string;
};

const TEXTS: Record<Locale, Texts> = {
	fr: {
		summaryHeading: (name) => `Plan de compte — ${name}`,
		summaryPrompts: [
			'Où en sommes-nous aujourd’hui avec ce compte, et où voulons-nous être dans douze mois ?',
			'Les priorités du client, ce qui nous différencie, et les deux ou trois paris de l’année.'
		],
		products: ['Licences', 'Services professionnels', 'Support premium', 'Formation'],
		units: {
			account: ['Direction générale', 'DSI', 'Achats', 'Métiers'],
			partner: ['Grands comptes', 'ETI', 'PME', 'Secteur public']
		},
		sections: [
			{
				title: 'Contexte',
				prompt: 'Le marché, l’organisation du client, l’historique de la relation.'
			},
			{
				title: 'Prochaines étapes',
				prompt: 'Ce que nous faisons dans les trente prochains jours, et qui le fait.'
			}
		],
		notesHeading: 'Notes internes',
		notesPrompt:
			'Visibles uniquement par l’équipe interne : marges, stratégie, points de négociation.'
	},
	en: {
		summaryHeading: (name) => `Account plan — ${name}`,
		summaryPrompts: [
			'Where do we stand with this account today, and where do we want to be in twelve months?',
			'The customer’s priorities, what sets us apart, and the two or three bets of the year.'
		],
		products: ['Licences', 'Professional services', 'Premium support', 'Training'],
		units: {
			account: ['Executive team', 'IT', 'Procurement', 'Business units'],
			partner: ['Enterprise', 'Mid-market', 'Small business', 'Public sector']
		},
		sections: [
			{
				title: 'Context',
				prompt: 'The market, the customer’s organisation, the history of the relationship.'
			},
			{ title: 'Next steps', prompt: 'What we do in the next thirty days, and who does it.' }
		],
		notesHeading: 'Internal notes',
		notesPrompt: 'Seen by the internal team only: margins, strategy, negotiation points.'
	}
};

const PARTNER_HEADING: Record<Locale, (name: string) => string> = {
	fr: (name) => `Plan partenaire — ${name}`,
	en: (name) => `Partner plan — ${name}`
};

function setMeta(doc: Y.Doc, locale: Locale): void {
	const map = meta(doc);
	map.set('schemaVersion', PLAN_SCHEMA_VERSION);
	map.set('locale', locale);
}

/** The shared document of a new plan, filled from the template. */
export function buildSharedDocument(input: TemplateInput): Y.Doc {
	const texts = TEXTS[input.locale];
	const doc = new Y.Doc();
	doc.transact(() => {
		setMeta(doc, input.locale);
		const heading =
			input.kind === 'partner'
				? PARTNER_HEADING[input.locale](input.subjectName)
				: texts.summaryHeading(input.subjectName);
		const summary: RichBlock[] = [
			{ type: 'heading', level: 2, text: heading },
			...texts.summaryPrompts.map((text): RichBlock => ({ type: 'paragraph', text }))
		];
		writeRichText(doc, SUMMARY_FIELD, summary);
		for (const name of texts.products) addRow(doc, 'whitespace.products', { name });
		for (const name of texts.units[input.kind]) addRow(doc, 'whitespace.units', { name });
		for (const section of texts.sections) {
			const id = addRow(doc, 'sections', { title: section.title });
			writeRichText(doc, sectionField(id), [{ type: 'paragraph', text: section.prompt }]);
		}
	});
	return doc;
}

/** The internal notes document of a new plan. */
export function buildInternalDocument(input: Pick<TemplateInput, 'locale'>): Y.Doc {
	const texts = TEXTS[input.locale];
	const doc = new Y.Doc();
	doc.transact(() => {
		setMeta(doc, input.locale);
		writeRichText(doc, NOTES_FIELD, [
			{ type: 'heading', level: 2, text: texts.notesHeading },
			{ type: 'paragraph', text: texts.notesPrompt }
		]);
	});
	return doc;
}

/** Both documents of a new plan, as Yjs updates ready for plan_documents. */
export function buildPlanDocuments(input: TemplateInput): {
	shared: Uint8Array;
	internal: Uint8Array;
} {
	const shared = buildSharedDocument(input);
	const internal = buildInternalDocument(input);
	const result = {
		shared: Y.encodeStateAsUpdate(shared),
		internal: Y.encodeStateAsUpdate(internal)
	};
	shared.destroy();
	internal.destroy();
	return result;
}

/** The default title of a plan about `subjectName`. */
export function defaultPlanTitle(locale: Locale, kind: PlanKind, subjectName: string): string {
	return kind === 'partner'
		? PARTNER_HEADING[locale](subjectName)
		: TEXTS[locale].summaryHeading(subjectName);
}
