import {
	ACCOUNT_SIZES,
	STAGES,
	TIERS,
	type AccountSize,
	type Stage,
	type Tier
} from '../../shared/enums.ts';
import { foldText } from '../../shared/normalise.ts';
import { amountMessage, parseAmount as parseAmountText } from '../../shared/amount.ts';
import type { Locale } from '../../paraglide/runtime.js';

// Cell parsers for imports: each returns the value, null for an empty cell, or an error message
// key (messages/imports; amounts: messages/amount) the preview and the report translate.

export type CellError = { error: string; params?: Record<string, string> };
export type Cell<T> = { value: T | null } | CellError;

const isBlank = (text: string | undefined) => text === undefined || text.trim() === '';

/** YYYY-MM-DD or DD/MM/YYYY (also DD-MM-YYYY, DD.MM.YYYY), checked against the calendar. */
export function parseDate(text: string | undefined): Cell<string> {
	if (isBlank(text)) return { value: null };
	const t = text!.trim();
	let y: number, m: number, d: number;
	const iso = t.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
	const fr = t.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/);
	if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
	else if (fr) [d, m, y] = [Number(fr[1]), Number(fr[2]), Number(fr[3])];
	else return { error: 'imports_error_date', params: { value: t } };
	const date = new Date(Date.UTC(y, m - 1, d));
	if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
		return { error: 'imports_error_date', params: { value: t } };
	}
	return { value: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

/**
 * An amount in cents, read by the one amount parser in the importing person's language
 * ("12 500,50 €", "12,500.50", "12500"); its refusals are the parser's messages (messages/amount).
 */
export function parseAmount(text: string | undefined, locale: Locale): Cell<number> {
	if (isBlank(text)) return { value: null };
	const result = parseAmountText(text!, locale);
	if (result.ok) return { value: result.cents };
	if (result.error === 'empty') return { value: null };
	const message = amountMessage(result.error, locale);
	return { error: message.key, params: message.params as Record<string, string> | undefined };
}

/** 0–100, with or without "%". */
export function parseProbability(text: string | undefined): Cell<number> {
	if (isBlank(text)) return { value: null };
	const t = text!.trim().replace(/\s*%$/, '').replace(',', '.');
	const n = Number(t);
	if (!/^\d+(\.\d+)?$/.test(t) || n > 100) {
		return { error: 'imports_error_probability', params: { value: text!.trim() } };
	}
	return { value: Math.round(n) };
}

// Stage names people write, in English and French, folded.
const STAGE_NAMES: Record<string, Stage> = {
	prospecting: 'prospecting',
	prospect: 'prospecting',
	prospection: 'prospecting',
	qualification: 'qualification',
	qualified: 'qualification',
	qualifie: 'qualification',
	proposal: 'proposal',
	proposition: 'proposal',
	offre: 'proposal',
	quote: 'proposal',
	devis: 'proposal',
	negotiation: 'negotiation',
	negociation: 'negotiation',
	won: 'won',
	'closed won': 'won',
	gagne: 'won',
	gagnee: 'won',
	signe: 'won',
	lost: 'lost',
	'closed lost': 'lost',
	perdu: 'lost',
	perdue: 'lost'
};

export function parseStage(text: string | undefined): Cell<Stage> {
	if (isBlank(text)) return { value: null };
	const key = foldText(text!.trim()).replace(/[_-]+/g, ' ');
	const stage = STAGE_NAMES[key] ?? (STAGES as readonly string[]).find((s) => s === key);
	return stage
		? { value: stage as Stage }
		: { error: 'imports_error_stage', params: { value: text!.trim() } };
}

const TIER_NAMES: Record<string, Tier> = {
	platinum: 'platinum',
	platine: 'platinum',
	gold: 'gold',
	or: 'gold',
	silver: 'silver',
	argent: 'silver',
	registered: 'registered',
	enregistre: 'registered',
	inscrit: 'registered'
};

export function parseTier(text: string | undefined): Cell<Tier> {
	if (isBlank(text)) return { value: null };
	const tier = TIER_NAMES[foldText(text!.trim())];
	return tier && (TIERS as readonly string[]).includes(tier)
		? { value: tier }
		: { error: 'imports_error_tier', params: { value: text!.trim() } };
}

export function parseSize(text: string | undefined): Cell<AccountSize> {
	if (isBlank(text)) return { value: null };
	const t = text!.trim().replace(/\s+/g, '').replace(/[–—]/g, '-');
	const size = (ACCOUNT_SIZES as readonly string[]).find((s) => s === t);
	return size
		? { value: size as AccountSize }
		: { error: 'imports_error_size', params: { value: text!.trim() } };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function parseEmail(text: string | undefined): Cell<string> {
	if (isBlank(text)) return { value: null };
	const t = text!.trim().toLowerCase();
	return EMAIL.test(t)
		? { value: t }
		: { error: 'imports_error_email', params: { value: text!.trim() } };
}

/** Free text, trimmed and capped (a cell is data: a leading "=" is stored as given). */
export function parseText(text: string | undefined, max = 500): Cell<string> {
	if (isBlank(text)) return { value: null };
	const t = text!.trim();
	return t.length > max
		? { error: 'imports_error_too_long', params: { max: String(max) } }
		: { value: t };
}

export function isCellError<T>(cell: Cell<T>): cell is CellError {
	return 'error' in cell;
}
