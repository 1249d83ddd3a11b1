// Normalisation used by conflict detection, imports and search. Pure functions, both sides.

/** Lower-case, accents removed ("Société" → "societe"). */
export function foldText(text: string): string {
	return text
		.normalize('NFD')
		.replace(/\p{Diacritic}/gu, '')
		.toLowerCase();
}

// Legal forms that do not tell two companies apart ("Société Générale SA" = "societe generale").
const LEGAL_FORMS = new Set([
	'sa',
	'sas',
	'sasu',
	'sarl',
	'eurl',
	'sca',
	'scs',
	'snc',
	'sci',
	'scop',
	'selarl',
	'gie',
	'ei',
	'eirl',
	'gmbh',
	'ag',
	'ltd',
	'limited',
	'inc',
	'llc',
	'plc',
	'bv',
	'nv',
	'spa',
	'srl',
	'sl',
	'co',
	'corp',
	'company',
	'group',
	'groupe'
]);

/** The comparable form of a company name: folded, punctuation and legal forms removed. */
export function normaliseCompanyName(name: string): string {
	return (
		foldText(name)
			// Dotted initials are one word: "S.A." is "sa", "S.A.S." is "sas".
			.replace(/\b(?:[a-z]\.){2,}/g, (initials) => initials.replace(/\./g, ''))
			.replace(/&/g, ' et ')
			.replace(/[^a-z0-9]+/g, ' ')
			.split(' ')
			.filter((word) => word && !LEGAL_FORMS.has(word))
			.join(' ')
	);
}

/** "https://www.Example.fr/contact" → "example.fr"; null when nothing domain-like remains. */
export function normaliseDomain(input: string | null | undefined): string | null {
	if (!input) return null;
	const host = input
		.trim()
		.toLowerCase()
		.replace(/^[a-z]+:\/\//, '')
		.replace(/^www\./, '')
		.split(/[/?#:]/)[0];
	return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : null;
}

/** A SIREN (9 digits) from a SIREN, a SIRET (14 digits) or a French VAT number; else null. */
export function normaliseSiren(input: string | null | undefined): string | null {
	if (!input) return null;
	const compact = input.replace(/[\s.-]/g, '').toUpperCase();
	const vat = compact.match(/^FR[0-9A-Z]{2}(\d{9})$/);
	if (vat) return vat[1];
	if (/^\d{14}$/.test(compact)) return compact.slice(0, 9);
	return /^\d{9}$/.test(compact) ? compact : null;
}

/** The text a record is found by: its parts, folded, joined. */
export function searchDocument(...parts: (string | null | undefined)[]): string {
	return foldText(parts.filter(Boolean).join(' '));
}

/**
 * A prefix full-text query from what a person typed ("soc gen" → "soc:* & gen:*"), or null
 * when nothing searchable is left. Only letters and digits reach to_tsquery.
 */
export function prefixQuery(input: string): string | null {
	const words = foldText(input)
		.split(/[^a-z0-9]+/)
		.filter(Boolean)
		.slice(0, 8);
	return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}
