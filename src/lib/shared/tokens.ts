// Mentions and references inside a text, in one token format everywhere (feed posts and comments,
// plan comments): `@[user:<uuid>]` names a person, `#[account|partner|opportunity:<uuid>]` a record.
// Only ids are stored, never a label: the server resolves labels for each reader
// (server/tokens.ts), so a name or a record the reader may not see is never shown, and a renamed
// person or record shows its new name. Any string parses; a token's id is a UUID or it is text.

export const REFERENCE_KINDS = ['account', 'partner', 'opportunity'] as const;
export type ReferenceKind = (typeof REFERENCE_KINDS)[number];

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** `@[user:<uuid>]`: group 1 is the person's id. Global: use with matchAll or replace. */
export const MENTION_TOKEN = new RegExp(`@\\[user:(${UUID})\\]`, 'g');
/** `#[<kind>:<uuid>]`: group 1 the kind, group 2 the record's id. */
export const REFERENCE_TOKEN = new RegExp(`#\\[(${REFERENCE_KINDS.join('|')}):(${UUID})\\]`, 'g');

/** A mention or reference as the reader may see it; `label` null = not visible to them. */
export type ResolvedToken =
	| { type: 'mention'; id: string; label: string | null }
	| {
			type: 'reference';
			kind: ReferenceKind;
			id: string;
			label: string | null;
			href: string | null;
	  };

export const mentionToken = (id: string) => `@[user:${id}]`;
export const referenceToken = (kind: ReferenceKind, id: string) => `#[${kind}:${id}]`;

/** The distinct people a text mentions. */
export function mentionIdsOf(text: string): string[] {
	return [...new Set([...text.matchAll(MENTION_TOKEN)].map((m) => m[1]))];
}

/** The distinct records a text references. */
export function referencesOf(text: string): { kind: ReferenceKind; id: string }[] {
	const seen = new Map<string, { kind: ReferenceKind; id: string }>();
	for (const m of text.matchAll(REFERENCE_TOKEN)) {
		const ref = { kind: m[1] as ReferenceKind, id: m[2] };
		seen.set(`${ref.kind}:${ref.id}`, ref);
	}
	return [...seen.values()];
}

export type TokenPart =
	| { type: 'text'; text: string }
	| { type: 'mention'; id: string }
	| { type: 'reference'; kind: ReferenceKind; id: string };

const ANY_TOKEN = new RegExp(`${MENTION_TOKEN.source}|${REFERENCE_TOKEN.source}`, 'g');

/** A plain text (no Markdown: plan comments) as text and tokens, in order. */
export function tokenParts(text: string): TokenPart[] {
	const parts: TokenPart[] = [];
	let last = 0;
	for (const m of text.matchAll(ANY_TOKEN)) {
		if (m.index > last) parts.push({ type: 'text', text: text.slice(last, m.index) });
		if (m[1]) parts.push({ type: 'mention', id: m[1] });
		else parts.push({ type: 'reference', kind: m[2] as ReferenceKind, id: m[3] });
		last = m.index + m[0].length;
	}
	if (last < text.length) parts.push({ type: 'text', text: text.slice(last) });
	return parts;
}

/** A token as resolved for the reader, or null when it was not (its label then stays hidden). */
export function tokenLabel(
	tokens: readonly ResolvedToken[],
	part: Exclude<TokenPart, { type: 'text' }>
): ResolvedToken | null {
	const same = (t: ResolvedToken) =>
		part.type === 'mention'
			? t.type === 'mention' && t.id === part.id
			: t.type === 'reference' && t.kind === part.kind && t.id === part.id;
	return tokens.find(same) ?? null;
}

// A composer that shows `@Name` while typing (plan comments) turns picked names into tokens on
// send, and the tokens of a comment being edited back into `@Name` with the labels the reader got.

/** Replaces each picked `@Name` (longest names first) by its token. */
export function namesToTokens(text: string, picked: ReadonlyMap<string, string>): string {
	let out = text;
	const names = [...picked.keys()].sort((a, b) => b.length - a.length);
	for (const name of names) out = out.split(`@${name}`).join(mentionToken(picked.get(name)!));
	return out;
}

/**
 * Replaces each mention the reader sees a name for by `@Name`, recording the pick in `picked`;
 * a mention without a label stays a token, so saving the text keeps it as it was.
 */
export function tokensToNames(
	text: string,
	tokens: readonly ResolvedToken[],
	picked: Map<string, string>
): string {
	return text.replace(MENTION_TOKEN, (token, id: string) => {
		const label = tokenLabel(tokens, { type: 'mention', id })?.label;
		if (!label || (picked.has(label) && picked.get(label) !== id)) return token;
		picked.set(label, id);
		return `@${label}`;
	});
}
