import {
	MENTION_TOKEN,
	REFERENCE_TOKEN,
	type ReferenceKind,
	type ResolvedToken
} from './tokens.ts';

// The feed's Markdown subset, parsed into a small tree that RichText.svelte renders with Svelte
// elements only (never {@html}): paragraphs, line breaks, **bold**, *italics*/_italics_, `code`,
// fenced code blocks, one level of - / * / 1. lists, [links](url) and bare http(s) addresses, and
// the mention and reference tokens. Raw HTML and HTML entities are text. Only http:, https:,
// mailto: and same-site paths ("/…") become links; anything else stays the text it was typed as.
// Every step is linear in the input (no backtracking regexes, bracket and code-span closers are
// found through tables built in one pass), so a hostile 1 MB body parses in milliseconds.

export type Inline =
	| { type: 'text'; text: string }
	| { type: 'strong'; children: Inline[] }
	| { type: 'em'; children: Inline[] }
	| { type: 'code'; text: string }
	| { type: 'link'; href: string; external: boolean; children: Inline[] }
	| { type: 'break' }
	| { type: 'mention'; id: string }
	| { type: 'reference'; kind: ReferenceKind; id: string };

export type Block =
	| { type: 'paragraph'; children: Inline[] }
	| { type: 'code_block'; text: string }
	| { type: 'list'; ordered: boolean; start: number; items: Inline[][] };

// ── Links ───────────────────────────────────────────────────────────────────────────────────────

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
/** Spaces, control and invisible formatting characters: never part of an address we link. */
function hasInvisible(value: string): boolean {
	for (let i = 0; i < value.length; i += 1) {
		const code = value.charCodeAt(i);
		if (code <= 0x20 || (code >= 0x7f && code <= 0xa0) || code === 0xad) return true;
		if ((code >= 0x200b && code <= 0x200f) || (code >= 0x2028 && code <= 0x202e)) return true;
		if ((code >= 0x2060 && code <= 0x206f) || code === 0xfeff) return true;
	}
	return false;
}
const MAILTO = /^mailto:[^\s@<>"'`\\]+@[^\s@<>"'`\\]+$/i;
const URL_MAX = 2048;

/**
 * The address a link may point to, or null: http(s) URLs with a host, mailto: addresses, and
 * paths on this site ("/x", never "//host" or "/\host", which browsers read as another host).
 */
export function safeHref(raw: string): { href: string; external: boolean } | null {
	const value = raw.trim();
	if (value.length === 0 || value.length > URL_MAX || hasInvisible(value)) return null;
	if (value.includes('\\')) return null;
	const scheme = SCHEME.exec(value);
	if (scheme) {
		const name = scheme[0].toLowerCase();
		if (name === 'mailto:') return MAILTO.test(value) ? { href: value, external: true } : null;
		if (name !== 'http:' && name !== 'https:') return null;
		if (!/^https?:\/\/[^/?#]/i.test(value)) return null;
		try {
			const url = new URL(value);
			if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) return null;
			return { href: url.href, external: true };
		} catch {
			return null;
		}
	}
	if (value[0] === '/' && value[1] !== '/') return { href: value, external: false };
	return null;
}

// ── Blocks ──────────────────────────────────────────────────────────────────────────────────────

const FENCE = /^ {0,3}(`{3,})[^`]*$/;
const BULLET = /^ {0,3}([-*+])[ \t]+(\S.*)$/;
const ORDERED = /^ {0,3}(\d{1,9})[.)][ \t]+(\S.*)$/;
const INDENTED = /^(?: {2,}|\t)\S/;

type ListItemMatch = { ordered: boolean; number: number; marker: string; text: string };

function listItem(line: string): ListItemMatch | null {
	const bullet = BULLET.exec(line);
	if (bullet) return { ordered: false, number: 0, marker: bullet[1], text: bullet[2] };
	const ordered = ORDERED.exec(line);
	if (ordered) {
		return { ordered: true, number: Number(ordered[1]), marker: '.', text: ordered[2] };
	}
	return null;
}

const isBlank = (line: string) => line.trim().length === 0;

/**
 * Bodies are at most POST_MAX_LENGTH characters; a stored body longer than ten times that (an old
 * row, a bug, an attack) is parsed up to this length and the rest shown as one plain paragraph, so
 * neither the parser nor the page ever builds an unbounded tree.
 */
export const MARKDOWN_PARSE_LIMIT = 100_000;

/** The body as blocks; the input is never trusted (any string parses). */
export function parseMarkdown(body: string): Block[] {
	if (body.length <= MARKDOWN_PARSE_LIMIT) return parseBlocks(body);
	let cut = MARKDOWN_PARSE_LIMIT;
	const code = body.charCodeAt(cut - 1);
	if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // keep a surrogate pair whole
	const blocks = parseBlocks(body.slice(0, cut));
	blocks.push({ type: 'paragraph', children: [{ type: 'text', text: body.slice(cut) }] });
	return blocks;
}

function parseBlocks(body: string): Block[] {
	const lines = body.replace(/\r\n?/g, '\n').split('\n');
	const blocks: Block[] = [];
	let i = 0;
	while (i < lines.length) {
		const line = lines[i];
		if (isBlank(line)) {
			i += 1;
			continue;
		}
		const fence = FENCE.exec(line);
		if (fence) {
			const length = fence[1].length;
			const content: string[] = [];
			i += 1;
			while (i < lines.length) {
				const close = /^ {0,3}(`{3,})[ \t]*$/.exec(lines[i]);
				if (close && close[1].length >= length) break;
				content.push(lines[i]);
				i += 1;
			}
			i += 1; // the closing fence (or the end: an open fence runs to the end)
			blocks.push({ type: 'code_block', text: content.join('\n') });
			continue;
		}
		const first = listItem(line);
		if (first) {
			const items: string[][] = [[first.text]];
			i += 1;
			while (i < lines.length && !isBlank(lines[i])) {
				const next = listItem(lines[i]);
				if (next) {
					if (next.ordered !== first.ordered) break;
					items.push([next.text]);
				} else if (INDENTED.test(lines[i])) {
					items[items.length - 1].push(lines[i].trim());
				} else {
					break;
				}
				i += 1;
			}
			blocks.push({
				type: 'list',
				ordered: first.ordered,
				start: first.ordered ? first.number : 1,
				items: items.map((parts) => parseInline(parts.map(trimEnd).join('\n')))
			});
			continue;
		}
		const paragraph: string[] = [line];
		i += 1;
		while (i < lines.length && !isBlank(lines[i]) && !FENCE.test(lines[i])) {
			// A bulleted list, or a numbered one starting at 1, may follow a paragraph directly.
			const item = listItem(lines[i]);
			if (item && (!item.ordered || item.number === 1)) break;
			paragraph.push(lines[i]);
			i += 1;
		}
		blocks.push({ type: 'paragraph', children: parseInline(paragraph.map(trimLine).join('\n')) });
	}
	return blocks;
}

const trimEnd = (s: string) => s.replace(/[ \t]+$/, '');
const trimLine = (s: string) => s.trim();

// ── Inlines ─────────────────────────────────────────────────────────────────────────────────────

const MENTION_AT = new RegExp(MENTION_TOKEN.source, 'y');
const REFERENCE_AT = new RegExp(REFERENCE_TOKEN.source, 'y');
const ESCAPABLE = /[!-/:-@[-`{-~]/;
const WHITESPACE = /\s/u;
const PUNCTUATION = /[\p{P}\p{S}]/u;
const BARE_URL = /https?:\/\//iy;
const URL_STOP = /[\s<>"`]/u;
const TRAILING_PUNCTUATION = /[?!.,:;*_~'"]/;
const WORD = /[\p{L}\p{N}_]/u;
/** Emphasis runs considered per paragraph, and how deep emphases nest; beyond, text. */
const MAX_DELIMITERS = 10_000;
const MAX_DEPTH = 12;

type Delimiter = {
	type: 'delim';
	char: '*' | '_';
	/** Characters not used by an emphasis yet. */
	count: number;
	canOpen: boolean;
	canClose: boolean;
	/** Emphases this run opens (innermost first) and closes (innermost first). */
	opens: ('em' | 'strong')[];
	closes: number;
};
type Piece = Inline | Delimiter;

/** Closers found in one pass: each '[' its matching ']', each backtick run the next equal one. */
type Tables = {
	/** For each '[' its matching ']' (+1, so 0 means none). */
	bracketClose: Int32Array;
	codeRuns: Map<number, number[]>;
	codeCursor: Map<number, number>;
};

const NO_TABLES: Tables = {
	bracketClose: new Int32Array(0),
	codeRuns: new Map(),
	codeCursor: new Map()
};

function buildTables(text: string): Tables {
	// Most lines have neither brackets nor backticks: nothing to look up later.
	if (text.indexOf('[') === -1 && text.indexOf('`') === -1) return NO_TABLES;
	const bracketClose = new Int32Array(text.indexOf('[') === -1 ? 0 : text.length);
	const codeRuns = new Map<number, number[]>();
	const codeCursor = new Map<number, number>();
	const open: number[] = [];
	for (let i = 0; i < text.length; i += 1) {
		const c = text[i];
		if (c === '\\' && i + 1 < text.length && ESCAPABLE.test(text[i + 1])) {
			i += 1;
		} else if (c === '[') {
			open.push(i);
		} else if (c === ']') {
			const start = open.pop();
			if (start !== undefined) bracketClose[start] = i + 1;
		} else if (c === '`') {
			let j = i;
			while (j < text.length && text[j] === '`') j += 1;
			const length = j - i;
			const runs = codeRuns.get(length);
			if (runs) runs.push(i);
			else codeRuns.set(length, [i]);
			i = j - 1;
		}
	}
	return { bracketClose, codeRuns, codeCursor };
}

/** The next backtick run of exactly `length` after `from` and before `end`, or -1. */
function nextCodeRun(tables: Tables, length: number, from: number, end: number): number {
	const runs = tables.codeRuns.get(length);
	if (!runs) return -1;
	let cursor = tables.codeCursor.get(length) ?? 0;
	while (cursor < runs.length && runs[cursor] <= from) cursor += 1;
	tables.codeCursor.set(length, cursor);
	return cursor < runs.length && runs[cursor] < end ? runs[cursor] : -1;
}

/** A link destination right after `](`: `(dest)` with optional spaces, no brackets or spaces. */
function linkDestination(
	text: string,
	from: number,
	end: number
): { dest: string; end: number } | null {
	let i = from;
	while (i < end && text[i] === ' ') i += 1;
	const start = i;
	let depth = 0;
	for (; i < end && i - start <= URL_MAX; i += 1) {
		const c = text[i];
		if (c === '(') depth += 1;
		else if (c === ')') {
			if (depth === 0) break;
			depth -= 1;
		} else if (
			c === ' ' ||
			c === '\n' ||
			c === '\t' ||
			c === '[' ||
			c === ']' ||
			c === '<' ||
			c === '>'
		) {
			break;
		}
	}
	const dest = text.slice(start, i);
	while (i < end && text[i] === ' ') i += 1;
	if (i >= end || text[i] !== ')') return null;
	return { dest, end: i + 1 };
}

/** A bare http(s) address starting at `i`: its end (trailing punctuation and unmatched ')' left out). */
function bareUrlEnd(text: string, i: number, end: number): number {
	let j = i;
	while (j < end && j - i <= URL_MAX && !URL_STOP.test(text[j])) j += 1;
	for (;;) {
		const last = text[j - 1];
		if (TRAILING_PUNCTUATION.test(last)) {
			j -= 1;
		} else if (last === ')') {
			const slice = text.slice(i, j);
			const opens = slice.split('(').length - 1;
			const closes = slice.split(')').length - 1;
			if (closes > opens) j -= 1;
			else break;
		} else {
			break;
		}
	}
	return j;
}

const isSpace = (c: string) => {
	const code = c.charCodeAt(0);
	if (code < 128) return code === 32 || (code >= 9 && code <= 13);
	return WHITESPACE.test(c);
};
const isPunctuation = (c: string) => {
	const code = c.charCodeAt(0);
	if (code < 128) {
		return (
			(code >= 33 && code <= 47) ||
			(code >= 58 && code <= 64) ||
			(code >= 91 && code <= 96) ||
			(code >= 123 && code <= 126)
		);
	}
	return PUNCTUATION.test(c);
};

/** CommonMark's left- and right-flanking tests for the delimiter run text[start, end). */
function flanking(text: string, start: number, end: number) {
	const before = start > 0 ? text[start - 1] : ' ';
	const after = end < text.length ? text[end] : ' ';
	const beforeSpace = isSpace(before);
	const afterSpace = isSpace(after);
	const beforePunct = isPunctuation(before);
	const afterPunct = isPunctuation(after);
	const left = !afterSpace && (!afterPunct || beforeSpace || beforePunct);
	const right = !beforeSpace && (!beforePunct || afterSpace || afterPunct);
	return { left, right, beforePunct, afterPunct };
}

/** A mention or reference token starting at `i` (and ending before `end`). */
function tokenAt(text: string, i: number, end: number): { node: Inline; end: number } | null {
	const pattern = text[i] === '@' ? MENTION_AT : REFERENCE_AT;
	pattern.lastIndex = i;
	const match = pattern.exec(text);
	if (!match || pattern.lastIndex > end) return null;
	if (text[i] === '@') return { node: { type: 'mention', id: match[1] }, end: pattern.lastIndex };
	return {
		node: { type: 'reference', kind: match[1] as ReferenceKind, id: match[2] },
		end: pattern.lastIndex
	};
}

/** The inline nodes of a paragraph or list item. */
export function parseInline(text: string): Inline[] {
	return scan(text, 0, text.length, buildTables(text), true);
}

function scan(text: string, from: number, end: number, tables: Tables, links: boolean): Inline[] {
	const pieces: Piece[] = [];
	let delimiters = 0;
	// Literal text is kept as a range of the input and sliced once, not built char by char.
	let i = from;
	let textStart = from;
	let pending = ''; // literal text before an escape
	const flush = (upTo: number) => {
		const literal = pending + text.slice(textStart, upTo);
		if (literal) pieces.push({ type: 'text', text: literal });
		pending = '';
	};
	const push = (piece: Piece, next: number) => {
		flush(i);
		pieces.push(piece);
		i = next;
		textStart = next;
	};
	while (i < end) {
		const c = text[i];
		if (c === '\\' && i + 1 < end && ESCAPABLE.test(text[i + 1])) {
			pending += text.slice(textStart, i);
			textStart = i + 1; // the escaped character starts the next literal range
			i += 2;
			continue;
		}
		if (c === '\n') {
			push({ type: 'break' }, i + 1);
			continue;
		}
		if (c === '`') {
			let j = i;
			while (j < end && text[j] === '`') j += 1;
			const close = nextCodeRun(tables, j - i, i, end);
			if (close === -1) {
				i = j;
			} else {
				let code = text.slice(j, close).replace(/\n/g, ' ');
				if (code.length > 2 && code[0] === ' ' && code.at(-1) === ' ' && code.trim()) {
					code = code.slice(1, -1);
				}
				push({ type: 'code', text: code }, close + (j - i));
			}
			continue;
		}
		if (c === '@' || c === '#') {
			const token = tokenAt(text, i, end);
			if (token) {
				push(token.node, token.end);
				continue;
			}
		}
		if (c === '[' && links) {
			const link = tryLink(text, i, end, tables);
			if (link) {
				const children = scan(text, i + 1, link.textEnd, tables, false);
				push({ type: 'link', href: link.href, external: link.external, children }, link.end);
				continue;
			}
		}
		if ((c === 'h' || c === 'H') && links && (i === 0 || !WORD.test(text[i - 1]))) {
			BARE_URL.lastIndex = i;
			if (BARE_URL.test(text)) {
				const stop = bareUrlEnd(text, i, end);
				const raw = text.slice(i, stop);
				const safe = stop > BARE_URL.lastIndex ? safeHref(raw) : null;
				if (safe) {
					const children: Inline[] = [{ type: 'text', text: raw }];
					push({ type: 'link', href: safe.href, external: true, children }, stop);
				} else {
					// Not an address we link (too long, malformed): all of it stays text.
					i = Math.max(stop, i + 1);
				}
				continue;
			}
		}
		if (c === '*' || c === '_') {
			let j = i;
			while (j < end && text[j] === c) j += 1;
			// Past a few thousand runs (no real message has them), the rest is text.
			if (delimiters >= MAX_DELIMITERS) {
				i = j;
				continue;
			}
			delimiters += 1;
			const { left, right, beforePunct, afterPunct } = flanking(text, i, j);
			const canOpen = c === '*' ? left : left && (!right || beforePunct);
			const canClose = c === '*' ? right : right && (!left || afterPunct);
			push({ type: 'delim', char: c, count: j - i, canOpen, canClose, opens: [], closes: 0 }, j);
			continue;
		}
		i += 1;
	}
	flush(end);
	matchEmphasis(pieces);
	return assemble(pieces);
}

function tryLink(
	text: string,
	i: number,
	end: number,
	tables: Tables
): { href: string; external: boolean; textEnd: number; end: number } | null {
	const close = (tables.bracketClose[i] ?? 0) - 1;
	if (close < 0 || close >= end || text[close + 1] !== '(') return null;
	const destination = linkDestination(text, close + 2, end);
	if (!destination) return null;
	const safe = safeHref(destination.dest);
	if (!safe) return null;
	return { ...safe, textEnd: close, end: destination.end };
}

const isDelimiter = (piece: Piece): piece is Delimiter => piece.type === 'delim';

/**
 * CommonMark's emphasis matching, simplified (no "rule of 3"): each closing run looks back for the
 * nearest opening run of the same character; a lower bound per character keeps it linear.
 */
function matchEmphasis(pieces: Piece[]): void {
	const stack: number[] = [];
	const bottom: Record<'*' | '_', number> = { '*': 0, _: 0 };
	for (let index = 0; index < pieces.length; index += 1) {
		const closer = pieces[index];
		if (!isDelimiter(closer)) continue;
		if (closer.canClose) {
			while (closer.count > 0) {
				let found = -1;
				for (let s = stack.length - 1; s >= bottom[closer.char]; s -= 1) {
					const opener = pieces[stack[s]] as Delimiter;
					if (opener.char === closer.char && opener.count > 0) {
						found = s;
						break;
					}
				}
				if (found === -1) {
					bottom[closer.char] = stack.length;
					break;
				}
				const opener = pieces[stack[found]] as Delimiter;
				const use = opener.count >= 2 && closer.count >= 2 ? 2 : 1;
				opener.count -= use;
				closer.count -= use;
				opener.opens.push(use === 2 ? 'strong' : 'em');
				closer.closes += 1;
				// Runs between them can no longer match; an exhausted opener leaves the stack.
				stack.length = opener.count > 0 ? found + 1 : found;
				if (bottom['*'] > stack.length) bottom['*'] = stack.length;
				if (bottom._ > stack.length) bottom._ = stack.length;
			}
		}
		if (closer.canOpen && closer.count > 0) stack.push(index);
	}
}

/** An open emphasis; `node` null when it is past MAX_DEPTH (its content joins the parent). */
type Frame = { node: (Inline & { children: Inline[] }) | null; list: Inline[]; out: Inline[] };

/** Turns the matched runs into nested nodes; unused delimiter characters stay text. */
function assemble(pieces: Piece[]): Inline[] {
	const root: Inline[] = [];
	const frames: Frame[] = [];
	let depth = 0;
	const current = () => (frames.length ? frames[frames.length - 1].list : root);
	const pushText = (text: string) => {
		if (!text) return;
		const list = current();
		const last = list[list.length - 1];
		if (last && last.type === 'text') last.text += text;
		else list.push({ type: 'text', text });
	};
	const close = () => {
		const frame = frames.pop()!;
		if (frame.node) {
			frame.out.push(frame.node);
			depth -= 1;
		}
	};
	for (const piece of pieces) {
		if (!isDelimiter(piece)) {
			if (piece.type === 'text') pushText(piece.text);
			else current().push(piece);
			continue;
		}
		for (let k = 0; k < piece.closes && frames.length > 0; k += 1) close();
		pushText(piece.char.repeat(piece.count));
		for (let k = piece.opens.length - 1; k >= 0; k -= 1) {
			const out = current();
			if (depth >= MAX_DEPTH) {
				frames.push({ node: null, list: out, out });
				continue;
			}
			const node = { type: piece.opens[k], children: [] as Inline[] };
			frames.push({ node, list: node.children, out });
			depth += 1;
		}
	}
	// Every opener was matched by a closer, so no frame is left; stay safe if one were.
	while (frames.length > 0) close();
	return root;
}

// ── Plain text ──────────────────────────────────────────────────────────────────────────────────

/** Labels of mentions and references by id (a resolved token list, or a map id → label). */
export type TokenLabels = readonly ResolvedToken[] | ReadonlyMap<string, string | null>;

function labelOf(labels: TokenLabels | undefined, id: string): string | null {
	if (!labels) return null;
	if (labels instanceof Map) return labels.get(id) ?? null;
	const token = (labels as readonly ResolvedToken[]).find((t) => t.id === id);
	return token?.label ?? null;
}

function inlineText(nodes: Inline[], labels: TokenLabels | undefined): string {
	let out = '';
	for (const node of nodes) {
		switch (node.type) {
			case 'text':
			case 'code':
				out += node.text;
				break;
			case 'break':
				out += '\n';
				break;
			case 'strong':
			case 'em':
			case 'link':
				out += inlineText(node.children, labels);
				break;
			case 'mention':
				out += `@${labelOf(labels, node.id) ?? '…'}`;
				break;
			case 'reference':
				out += labelOf(labels, node.id) ?? '#…';
				break;
		}
	}
	return out;
}

/**
 * The body without markup, for search, notification snippets and e-mails: tokens become their
 * label ("@Marie Petit", "Acme") or "@…" / "#…" when the reader may not see them.
 */
export function plainText(body: string, labels?: TokenLabels): string {
	return parseMarkdown(body)
		.map((block) => {
			if (block.type === 'code_block') return block.text;
			if (block.type === 'paragraph') return inlineText(block.children, labels);
			return block.items.map((item) => inlineText(item, labels)).join('\n');
		})
		.join('\n\n');
}

/** The mentions and references that render as such (not those quoted inside code). */
export function tokensOf(body: string): {
	mentions: string[];
	references: { kind: ReferenceKind; id: string }[];
} {
	const mentions = new Set<string>();
	const references = new Map<string, { kind: ReferenceKind; id: string }>();
	const walk = (nodes: Inline[]) => {
		for (const node of nodes) {
			if (node.type === 'mention') mentions.add(node.id);
			else if (node.type === 'reference') references.set(`${node.kind}:${node.id}`, node);
			else if ('children' in node) walk(node.children);
		}
	};
	for (const block of parseMarkdown(body)) {
		if (block.type === 'paragraph') walk(block.children);
		else if (block.type === 'list') block.items.forEach(walk);
	}
	return {
		mentions: [...mentions],
		references: [...references.values()].map(({ kind, id }) => ({ kind, id }))
	};
}
