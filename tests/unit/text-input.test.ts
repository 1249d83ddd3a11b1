import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseForm } from '../../src/lib/server/http/forms.ts';
import { readJsonBody } from '../../src/lib/server/http/json.ts';
import { paraglideMiddleware } from '../../src/lib/paraglide/server.js';
import {
	forbiddenQueryPart,
	forbiddenQueryResponse
} from '../../src/lib/server/http/query-text.ts';
import {
	findForbiddenInJson,
	hasForbiddenCharacters,
	markForbiddenCharacters,
	stripForbiddenCharacters
} from '../../src/lib/shared/text-input.ts';

// The edge check of text (shared/text-input.ts) and the three places that apply it: parseForm
// (every form), readJsonBody (every JSON body) and the query-string handle.

const forbidden = [
	...Array.from({ length: 0x20 }, (_, code) => code)
		.filter((code) => code !== 0x09 && code !== 0x0a && code !== 0x0d)
		.map((code) => String.fromCharCode(code)),
	'\uD800',
	'\uDBFF',
	'\uDC00',
	'\uDFFF',
	'\uDE00\uD83D' // a pair in the wrong order is two lone surrogates
];
const allowed = ['\t', '\n', '\r', '\r\n', '\u007F', '\u0085', '\u202E', '😀', 'é', '\uFFFD', ''];

describe('the text check', () => {
	it('refuses each C0 control but tab, LF and CR, and every lone surrogate', () => {
		expect(forbidden).toHaveLength(29 + 5);
		for (const c of forbidden) {
			expect(hasForbiddenCharacters(`a${c}b`), JSON.stringify(c)).toBe(true);
			// Twice: a global pattern must not carry its position from one call to the next.
			expect(hasForbiddenCharacters(c), JSON.stringify(c)).toBe(true);
		}
	});

	it('accepts tab, newlines, other controls PostgreSQL keeps, and well-formed pairs', () => {
		for (const c of allowed)
			expect(hasForbiddenCharacters(`a${c}b`), JSON.stringify(c)).toBe(false);
	});

	it('strips or marks every forbidden character and keeps the rest', () => {
		const typed = 'Ac\u0000me\uD800 😀\tSA\u001B';
		expect(stripForbiddenCharacters(typed)).toBe('Acme 😀\tSA');
		expect(markForbiddenCharacters(typed)).toBe('Ac\uFFFDme\uFFFD 😀\tSA\uFFFD');
		expect(stripForbiddenCharacters('clean\n')).toBe('clean\n');
	});

	it('finds the first forbidden string of a JSON value, in values and keys, however deep', () => {
		expect(findForbiddenInJson({ a: 'ok', b: [1, true, null, 'ok'] })).toBeNull();
		expect(findForbiddenInJson({ a: 'ok', b: [{ c: 'x\u0000' }] })).toBe('b.0.c');
		expect(findForbiddenInJson({ ['k\u0001']: 1 })).toBe('k\u0001');
		expect(findForbiddenInJson('\uD800')).toBe('');
		let deep: unknown = 'x\u0000';
		for (let i = 0; i < 100_000; i += 1) deep = [deep];
		expect(findForbiddenInJson(deep)).toBe(Array(100_000).fill(0).join('.'));
	});
});

describe('parseForm', () => {
	const schema = z.object({ name: z.string().trim().min(1), note: z.string().optional() });

	it('refuses a field holding a NUL with its message and the typed values, marked', () => {
		const form = new FormData();
		form.set('name', 'Acme\u0000 SA');
		form.set('note', 'fine');
		form.set('password', 'secret\u0000');
		const parsed = parseForm(schema, form);
		expect(parsed).toEqual({
			ok: false,
			failure: {
				message: { key: 'error_text_characters' },
				fieldErrors: {
					name: { key: 'error_text_characters' },
					password: { key: 'error_text_characters' }
				},
				// Passwords are never sent back.
				values: { name: 'Acme\uFFFD SA', note: 'fine' }
			}
		});
	});

	it('refuses a backspace and a file whose name holds a control character', () => {
		const form = new FormData();
		form.set('name', 'ok');
		// (FormData holds USV strings: a lone surrogate is already U+FFFD there.)
		form.set('note', 'half \b');
		form.set('file', new File(['x'], 'a\u0007.csv'));
		const parsed = parseForm(schema, form);
		expect(parsed.ok).toBe(false);
		if (parsed.ok) return;
		expect(Object.keys(parsed.failure.fieldErrors).sort()).toEqual(['file', 'note']);
	});

	it('lets tabs and newlines through to the schema', () => {
		const form = new FormData();
		form.set('name', 'Acme');
		form.set('note', 'line one\r\n\tline two');
		expect(parseForm(schema, form)).toEqual({
			ok: true,
			data: { name: 'Acme', note: 'line one\r\n\tline two' }
		});
	});
});

describe('readJsonBody', () => {
	const post = (body: string) =>
		new Request('http://relais.test/api/x', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body
		});

	it('refuses an escaped NUL or lone surrogate anywhere in the body, naming the field', async () => {
		const nul = await readJsonBody(post('{"body":"a\\u0000b"}'));
		expect(nul).toMatchObject({ ok: false, reason: 'characters', field: 'body' });
		const surrogate = await readJsonBody(post('{"ids":["\\ud800"]}'));
		expect(surrogate).toMatchObject({ ok: false, reason: 'characters', field: 'ids' });
		if (!nul.ok) expect(nul.message).toMatch(/control character/);
	});

	it('reads a clean body and refuses one that is not JSON', async () => {
		expect(await readJsonBody(post('{"body":"a\\tb 😀"}'))).toEqual({
			ok: true,
			body: { body: 'a\tb 😀' }
		});
		expect(await readJsonBody(post('{'))).toMatchObject({ ok: false, reason: 'syntax' });
	});

	it('speaks the reader’s language, as handleLocale chose it', async () => {
		const chosen = (locale: string) =>
			new Request('http://relais.test/', { headers: { cookie: `PARAGLIDE_LOCALE=${locale}` } });
		const french = await paraglideMiddleware(chosen('fr'), () => readJsonBody(post('{')));
		expect(french).toEqual({
			ok: false,
			reason: 'syntax',
			message: 'Le corps de la demande doit être du JSON.'
		});
		const english = await paraglideMiddleware(chosen('en'), () => readJsonBody(post('{')));
		expect(english).toMatchObject({ message: 'The request body must be JSON.' });
	});
});

describe('the query-string check', () => {
	it('names the first query or route parameter holding a forbidden character', () => {
		expect(forbiddenQueryPart(new URL('http://r.test/search?q=a%00b'), {})).toBe('q');
		expect(forbiddenQueryPart(new URL('http://r.test/search?q%01=a'), {})).toBe('q\u0001');
		expect(forbiddenQueryPart(new URL('http://r.test/x'), { token: 'a\u0000' })).toBe('token');
		// Invalid UTF-8 decodes to U+FFFD, which is text like any other.
		expect(forbiddenQueryPart(new URL('http://r.test/search?q=%ED%A0%80%0A%09'), {})).toBeNull();
	});

	it('answers 400 in the asker’s shape and language', async () => {
		const html = forbiddenQueryResponse(
			new Request('http://r.test/search', { headers: { accept: 'text/html' } }),
			'fr'
		);
		expect(html.status).toBe(400);
		expect(html.headers.get('content-type')).toMatch(/text\/html/);
		expect(await html.text()).toContain('caractère de contrôle invisible');
		const json = forbiddenQueryResponse(new Request('http://r.test/api/feed/people'), 'en');
		expect(json.status).toBe(400);
		expect(((await json.json()) as { message: string }).message).toMatch(/control character/);
		const action = forbiddenQueryResponse(
			new Request('http://r.test/x', { headers: { 'x-sveltekit-action': 'true' } }),
			'en'
		);
		expect(await action.json()).toMatchObject({ type: 'failure', status: 400 });
	});
});
