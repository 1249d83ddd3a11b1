// The @ and # autocomplete of the composer: which word the caret is in, and how a pick replaces
// it with the stored token (shared/tokens.ts: `@[user:<uuid>]`, `#[kind:<uuid>]`). Pure functions, unit-tested.

export type Trigger = { char: '@' | '#'; query: string; start: number; end: number };

/** The `@name` or `#name` word that ends at the caret, if any (letters, digits, . - ' and spaces after two letters are not included). */
export function activeTrigger(text: string, caret: number): Trigger | null {
	const before = text.slice(0, caret);
	const match = /(^|[\s(])([@#])([\p{L}\p{N}.'’-]{0,40})$/u.exec(before);
	if (!match) return null;
	const query = match[3];
	const start = caret - query.length - 1;
	// A token already typed (`@[user:…]`) is not a trigger.
	if (text[start + 1] === '[') return null;
	return { char: match[2] as '@' | '#', query, start, end: caret };
}

/** Replaces the trigger word by a token followed by a space; returns the text and the new caret. */
export function insertToken(
	text: string,
	trigger: Trigger,
	token: string
): { text: string; caret: number } {
	const after = text.slice(trigger.end);
	const spaced = after.startsWith(' ') ? token : `${token} `;
	const next = text.slice(0, trigger.start) + spaced + after;
	return { text: next, caret: trigger.start + spaced.length };
}

/** Wraps the selection in Markdown markers (bold, italics, code) or prefixes its lines (lists). */
export function applyFormat(
	text: string,
	selStart: number,
	selEnd: number,
	kind: 'bold' | 'italic' | 'code' | 'list' | 'link'
): { text: string; selStart: number; selEnd: number } {
	const selected = text.slice(selStart, selEnd);
	const wrap = (left: string, right: string, placeholder: string) => {
		const inner = selected || placeholder;
		return {
			text: text.slice(0, selStart) + left + inner + right + text.slice(selEnd),
			selStart: selStart + left.length,
			selEnd: selStart + left.length + inner.length
		};
	};
	switch (kind) {
		case 'bold':
			return wrap('**', '**', 'text');
		case 'italic':
			return wrap('_', '_', 'text');
		case 'code':
			return wrap('`', '`', 'code');
		case 'link':
			return wrap('[', '](https://)', 'text');
		case 'list': {
			const lineStart = text.lastIndexOf('\n', selStart - 1) + 1;
			const block = text.slice(lineStart, selEnd) || '';
			const listed = block
				.split('\n')
				.map((line) => (line.startsWith('- ') ? line : `- ${line}`))
				.join('\n');
			return {
				text: text.slice(0, lineStart) + listed + text.slice(selEnd),
				selStart: lineStart + listed.length,
				selEnd: lineStart + listed.length
			};
		}
	}
}
