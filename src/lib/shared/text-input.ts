// The characters no text of Relais may hold, checked once at each edge (forms, JSON bodies, query
// strings) and stripped from text read out of Yjs documents: NUL and the other C0 control
// characters except tab, LF and CR, and UTF-16 surrogates that are not part of a pair.
// PostgreSQL refuses NUL in `text` (and a lone surrogate cannot be encoded as UTF-8 at all), so
// one of them reaching SQL was a 500; the others are never typed by a person and only hide text.

// C0 controls except \t (09), \n (0A), \r (0D), and surrogates: in `u` mode a string is read by
// code points, so a well-formed pair is one astral code point and only a lone surrogate matches.
// Global, so that replace() sees them all (test() resets lastIndex first).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF]/gu;

/** The message key of a refused text (messages/common). */
export const TEXT_CHARACTERS_KEY = 'error_text_characters';

/** Whether a string holds a character no text may hold. */
export function hasForbiddenCharacters(value: string): boolean {
	FORBIDDEN.lastIndex = 0;
	return FORBIDDEN.test(value);
}

/**
 * The string without the characters no text may hold: for text that cannot be refused (read out
 * of a stored Yjs document, which any client may have written).
 */
export function stripForbiddenCharacters(value: string): string {
	return hasForbiddenCharacters(value) ? value.replace(FORBIDDEN, '') : value;
}

/**
 * The string with each forbidden character shown as U+FFFD: what a refused form sends back to
 * the page, so the person sees where the character was and keeps the rest of what they typed.
 */
export function markForbiddenCharacters(value: string): string {
	return hasForbiddenCharacters(value) ? value.replace(FORBIDDEN, '\uFFFD') : value;
}

/**
 * The first path (`a.b.0`) in a JSON value whose string — a value or a key — holds a forbidden
 * character, or null. Iterative: a deeply nested body must not overflow the stack.
 */
export function findForbiddenInJson(value: unknown): string | null {
	const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
	while (stack.length > 0) {
		const { value: item, path } = stack.pop()!;
		if (typeof item === 'string') {
			if (hasForbiddenCharacters(item)) return path;
		} else if (Array.isArray(item)) {
			item.forEach((entry, index) => stack.push({ value: entry, path: join(path, index) }));
		} else if (item !== null && typeof item === 'object') {
			for (const [key, entry] of Object.entries(item)) {
				const at = join(path, key);
				if (hasForbiddenCharacters(key)) return at;
				stack.push({ value: entry, path: at });
			}
		}
	}
	return null;
}

function join(path: string, key: string | number): string {
	return path === '' ? String(key) : `${path}.${key}`;
}
