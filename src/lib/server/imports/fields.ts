import { type Actor, isHostActor } from '../access/actor.ts';
import type { ImportKind } from '../../shared/enums.ts';
import { foldText } from '../../shared/normalise.ts';

// The columns each kind of import understands, and the header names (French and English) that
// map to them automatically. The mapping stays editable on the page.

export type ImportField = {
	key: string;
	required: boolean;
	/** Host people only (a partner admin's rows always belong to their own company). */
	hostOnly?: boolean;
	/** Folded header names that select this field. */
	aliases: string[];
};

const externalId: ImportField = {
	key: 'externalId',
	required: false,
	aliases: [
		'external id',
		'externalid',
		'id externe',
		'identifiant externe',
		'ref',
		'reference',
		'id',
		'code'
	]
};
const partner: ImportField = {
	key: 'partner',
	required: false,
	hostOnly: true,
	aliases: ['partner', 'partenaire', 'partner name', 'nom du partenaire', 'revendeur', 'reseller']
};
const account: ImportField = {
	key: 'account',
	required: true,
	aliases: [
		'account',
		'compte',
		'client',
		'customer',
		'company',
		'societe',
		'entreprise',
		'account name',
		'nom du compte'
	]
};
const region: ImportField = {
	key: 'region',
	required: false,
	aliases: ['region', 'territory', 'territoire']
};

export const IMPORT_FIELDS: Record<ImportKind, ImportField[]> = {
	partners: [
		{
			key: 'name',
			required: true,
			aliases: ['name', 'nom', 'partner', 'partenaire', 'company', 'societe', 'raison sociale']
		},
		{ key: 'tier', required: false, aliases: ['tier', 'niveau', 'level', 'palier'] },
		region,
		externalId
	],
	accounts: [
		{
			key: 'name',
			required: true,
			aliases: [
				'name',
				'nom',
				'account',
				'compte',
				'company',
				'societe',
				'entreprise',
				'raison sociale',
				'client'
			]
		},
		{ key: 'siren', required: false, aliases: ['siren', 'siret'] },
		{
			key: 'vatId',
			required: false,
			aliases: ['vat', 'vat id', 'vat number', 'tva', 'numero de tva', 'tva intracommunautaire']
		},
		{
			key: 'domain',
			required: false,
			aliases: ['domain', 'domaine', 'website', 'site', 'site web', 'site internet', 'url']
		},
		{
			key: 'industry',
			required: false,
			aliases: ['industry', 'secteur', "secteur d'activite", 'sector']
		},
		{
			key: 'size',
			required: false,
			aliases: ['size', 'taille', 'effectif', 'employees', 'salaries']
		},
		region,
		partner,
		externalId
	],
	contacts: [
		{
			key: 'name',
			required: true,
			aliases: ['name', 'nom', 'full name', 'nom complet', 'contact']
		},
		{
			key: 'email',
			required: false,
			aliases: ['email', 'e-mail', 'mail', 'courriel', 'adresse e-mail']
		},
		{
			key: 'jobTitle',
			required: false,
			aliases: ['job title', 'title', 'role', 'fonction', 'poste', 'titre']
		},
		{ key: 'phone', required: false, aliases: ['phone', 'telephone', 'tel', 'mobile', 'portable'] },
		account,
		partner,
		externalId
	],
	opportunities: [
		{
			key: 'name',
			required: true,
			aliases: ['name', 'nom', 'opportunity', 'opportunite', 'deal', 'affaire', 'intitule']
		},
		account,
		{ key: 'stage', required: false, aliases: ['stage', 'etape', 'statut', 'status', 'phase'] },
		{
			key: 'amount',
			required: false,
			aliases: ['amount', 'montant', 'value', 'valeur', 'montant estime']
		},
		{
			key: 'closeDate',
			required: false,
			aliases: [
				'close date',
				'closing date',
				'date de cloture',
				'cloture',
				'date de signature',
				'expected close'
			]
		},
		{ key: 'probability', required: false, aliases: ['probability', 'probabilite', 'proba', '%'] },
		{ key: 'nextStep', required: false, aliases: ['next step', 'prochaine etape', 'suite'] },
		{ key: 'products', required: false, aliases: ['products', 'produits', 'produit', 'product'] },
		{
			key: 'lostReason',
			required: false,
			aliases: ['lost reason', 'raison de la perte', 'motif de perte']
		},
		partner,
		externalId
	]
};

/** The fields this person may map (a partner admin has no "partner" column: it is always theirs). */
export function fieldsFor(kind: ImportKind, actor: Actor): ImportField[] {
	const host = isHostActor(actor);
	return IMPORT_FIELDS[kind].filter((f) => host || !f.hostOnly);
}

/** field key → column index (as a string, the shape stored in import_jobs.mapping). */
export type ImportMapping = Record<string, string>;

const headerKey = (header: string) =>
	foldText(header)
		.replace(/[_.\s-]+/g, ' ')
		.trim();

/** The mapping guessed from the header: exact alias first, then an alias the header contains. */
export function guessMapping(headers: string[], fields: ImportField[]): ImportMapping {
	const mapping: ImportMapping = {};
	const taken = new Set<number>();
	const folded = headers.map(headerKey);
	const claim = (field: ImportField, test: (h: string) => boolean) => {
		if (mapping[field.key] !== undefined) return;
		const index = folded.findIndex((h, i) => !taken.has(i) && test(h));
		if (index >= 0) {
			mapping[field.key] = String(index);
			taken.add(index);
		}
	};
	const aliases = new Map(fields.map((f) => [f.key, f.aliases.map(headerKey)]));
	for (const field of fields) claim(field, (h) => aliases.get(field.key)!.includes(h));
	for (const field of fields) {
		claim(field, (h) => aliases.get(field.key)!.some((a) => a.length > 3 && h.includes(a)));
	}
	return mapping;
}

/** Keeps only known fields pointing at existing columns. */
export function cleanMapping(
	raw: Record<string, unknown>,
	fields: ImportField[],
	columnCount: number
): ImportMapping {
	const mapping: ImportMapping = {};
	for (const field of fields) {
		const value = raw[field.key];
		if (typeof value !== 'string' || !/^\d+$/.test(value)) continue;
		if (Number(value) < columnCount) mapping[field.key] = value;
	}
	return mapping;
}

/** Required fields the mapping leaves out. */
export function missingFields(mapping: ImportMapping, fields: ImportField[]): string[] {
	return fields.filter((f) => f.required && mapping[f.key] === undefined).map((f) => f.key);
}
