import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import RichText from '../../src/lib/components/feed/RichText.svelte';
import type { ResolvedToken } from '../../src/lib/shared/tokens.ts';
import {
	MARKDOWN_PARSE_LIMIT,
	parseMarkdown,
	plainText,
	safeHref,
	tokensOf,
	type Block,
	type Inline
} from '../../src/lib/shared/markdown.ts';
import { XSS_CORPUS } from '../support/xss-corpus.ts';

const USER = '0b0f6c6e-1111-4222-8333-444455556666';
const ACCOUNT = '1c1f6c6e-1111-4222-8333-444455556666';

const paragraph = (body: string): Inline[] => {
	const [block] = parseMarkdown(body);
	expect(block.type).toBe('paragraph');
	return (block as Extract<Block, { type: 'paragraph' }>).children;
};
const text = (t: string): Inline => ({ type: 'text', text: t });

function* walk(nodes: Inline[]): Generator<Inline> {
	for (const node of nodes) {
		yield node;
		if ('children' in node) yield* walk(node.children);
	}
}
function* allInlines(blocks: Block[]): Generator<Inline> {
	for (const block of blocks) {
		if (block.type === 'paragraph') yield* walk(block.children);
		if (block.type === 'list') for (const item of block.items) yield* walk(item);
	}
}

/** The server-rendered HTML, without Svelte's hydration comments and scoped class names. */
const html = (body: string, tokens: ResolvedToken[] = []) =>
	render(RichText, { props: { body, tokens } })
		.body.replace(/<!--[^]*?-->/g, '')
		.replace(/ class="svelte-[a-z0-9]+"/g, '')
		.replace(/ svelte-[a-z0-9]+"/g, '"');

describe('parseMarkdown: the subset', () => {
	it('reads bold, italics with * and _, and inline code', () => {
		expect(paragraph('a **b** *c* _d_ `e`')).toEqual([
			text('a '),
			{ type: 'strong', children: [text('b')] },
			text(' '),
			{ type: 'em', children: [text('c')] },
			text(' '),
			{ type: 'em', children: [text('d')] },
			text(' '),
			{ type: 'code', text: 'e' }
		]);
	});

	it('nests emphasis and leaves unmatched or intraword underscores as text', () => {
		expect(paragraph('**a *b* c**')).toEqual([
			{ type: 'strong', children: [text('a '), { type: 'em', children: [text('b')] }, text(' c')] }
		]);
		expect(paragraph('snake_case_name and 2 * 3 and **open')).toEqual([
			text('snake_case_name and 2 * 3 and **open')
		]);
		expect(paragraph('\\*not italic\\*')).toEqual([text('*not italic*')]);
	});

	it('keeps code literal: no formatting, links or tokens inside', () => {
		expect(paragraph('`**x** [a](/b) @[user:' + USER + ']`')).toEqual([
			{ type: 'code', text: `**x** [a](/b) @[user:${USER}]` }
		]);
		expect(paragraph('``a ` b``')).toEqual([{ type: 'code', text: 'a ` b' }]);
	});

	it('splits paragraphs on blank lines and keeps single line breaks', () => {
		expect(parseMarkdown('one\ntwo\n\nthree')).toEqual([
			{ type: 'paragraph', children: [text('one'), { type: 'break' }, text('two')] },
			{ type: 'paragraph', children: [text('three')] }
		]);
	});

	it('reads fenced code blocks verbatim, an unclosed fence running to the end', () => {
		expect(parseMarkdown('```js\nconst a = **1**;\n\n<b>x</b>\n```\nafter')).toEqual([
			{ type: 'code_block', text: 'const a = **1**;\n\n<b>x</b>' },
			{ type: 'paragraph', children: [text('after')] }
		]);
		expect(parseMarkdown('```\nopen')).toEqual([{ type: 'code_block', text: 'open' }]);
	});

	it('reads - and * bullet lists and numbered lists, after a paragraph too', () => {
		expect(parseMarkdown('Agenda:\n- one\n* **two**\n  continued\n\n3. c\n4. d')).toEqual([
			{ type: 'paragraph', children: [text('Agenda:')] },
			{
				type: 'list',
				ordered: false,
				start: 1,
				items: [
					[text('one')],
					[{ type: 'strong', children: [text('two')] }, { type: 'break' }, text('continued')]
				]
			},
			{ type: 'list', ordered: true, start: 3, items: [[text('c')], [text('d')]] }
		]);
	});

	it('reads links, bare http(s) addresses without their trailing punctuation, and mailto', () => {
		expect(
			paragraph(
				'[site](https://example.com/a?b=1) see https://ex.com/x_(y). [m](mailto:a@b.fr) [p](/accounts/1)'
			)
		).toEqual([
			{ type: 'link', href: 'https://example.com/a?b=1', external: true, children: [text('site')] },
			text(' see '),
			{
				type: 'link',
				href: 'https://ex.com/x_(y)',
				external: true,
				children: [text('https://ex.com/x_(y)')]
			},
			text('. '),
			{ type: 'link', href: 'mailto:a@b.fr', external: true, children: [text('m')] },
			text(' '),
			{ type: 'link', href: '/accounts/1', external: false, children: [text('p')] }
		]);
	});

	it('reads mention and reference tokens as their own nodes', () => {
		expect(paragraph(`hi @[user:${USER}], see #[account:${ACCOUNT}]`)).toEqual([
			text('hi '),
			{ type: 'mention', id: USER },
			text(', see '),
			{ type: 'reference', kind: 'account', id: ACCOUNT }
		]);
		expect(tokensOf(`@[user:${USER}] \`@[user:${ACCOUNT}]\` #[partner:${ACCOUNT}]`)).toEqual({
			mentions: [USER],
			references: [{ kind: 'partner', id: ACCOUNT }]
		});
	});

	it('keeps raw HTML and entities as text', () => {
		expect(paragraph('<b>x</b> &amp; &#60;')).toEqual([text('<b>x</b> &amp; &#60;')]);
	});
});

describe('safeHref', () => {
	it.each([
		['https://example.com', 'https://example.com/'],
		['HTTP://Example.com/a', 'http://example.com/a'],
		['mailto:someone@example.com', 'mailto:someone@example.com'],
		['/plans/1?x=2#y', '/plans/1?x=2#y']
	])('accepts %s', (raw, href) => {
		expect(safeHref(raw)?.href).toBe(href);
	});

	it.each([
		'javascript:alert(1)',
		'JaVaScRiPt:alert(1)',
		' javascript:alert(1)',
		'java&#x73;cript:alert(1)',
		'java\tscript:alert(1)',
		'\u0001javascript:alert(1)',
		'java\u200bscript:alert(1)',
		'vbscript:msgbox(1)',
		'data:text/html,<script>alert(1)</script>',
		'file:///etc/passwd',
		'//evil.example',
		'/\\evil.example',
		'https:/evil.example',
		'https://',
		'relative/path',
		'#top',
		'mailto:',
		''
	])('refuses %j', (raw) => {
		expect(safeHref(raw)).toBeNull();
	});
});

describe('the XSS corpus', () => {
	it.each(XSS_CORPUS.map((c) => [c.name, c.body]))('%s parses to safe nodes only', (_, body) => {
		for (const node of allInlines(parseMarkdown(body))) {
			if (node.type !== 'link') continue;
			expect(node.href).toMatch(/^(https?:\/\/[^/\\]|mailto:|\/(?![/\\]))/);
		}
	});

	it.each(XSS_CORPUS.map((c) => [c.name, c.body]))('%s renders inert HTML', (_, body) => {
		const out = html(body, [{ type: 'mention', id: USER, label: '<img src=x onerror=alert(1)>' }]);
		const tags = [...out.matchAll(/<([a-z][a-z0-9-]*)\b([^>]*)>/gi)];
		for (const [, tag, attributes] of tags) {
			expect([
				'div',
				'p',
				'br',
				'strong',
				'em',
				'code',
				'pre',
				'ul',
				'ol',
				'li',
				'a',
				'span'
			]).toContain(tag.toLowerCase());
			expect(attributes).not.toMatch(/\son[a-z]+\s*=/i);
			expect(attributes).not.toMatch(/\s(style|src|srcdoc|action|formaction)\s*=/i);
			const href = /\shref="([^"]*)"/.exec(attributes)?.[1];
			if (href !== undefined) expect(href).toMatch(/^(https?:\/\/[^/\\]|mailto:|\/(?![/\\]))/);
		}
		expect(out).not.toMatch(/<script|<svg|<img|<iframe|<object|<form|<meta|<details/i);
	});

	it('renders the payload as the visible text it was typed as', () => {
		const out = html('<script>alert(1)</script> [x](javascript:alert(1))');
		expect(out).toContain('&lt;script>alert(1)&lt;/script>');
		expect(out).toContain('[x](javascript:alert(1))');
		expect(out).not.toContain('<a');
	});
});

describe('RichText', () => {
	it('renders the subset with Svelte elements, external links opening safely', () => {
		const out = html('**b** _i_ `c`\n- [ext](https://example.com)\n- [int](/plans)');
		expect(out).toContain('<strong>b</strong>');
		expect(out).toContain('<em>i</em>');
		expect(out).toContain('<code>c</code>');
		expect(out).toMatch(
			/<a href="https:\/\/example.com\/" target="_blank" rel="noopener noreferrer nofollow">ext<\/a>/
		);
		expect(out).toMatch(/<a href="\/plans">int<\/a>/);
	});

	it('shows mentions and references as the reader may see them', () => {
		const body = `@[user:${USER}] @[user:${ACCOUNT}] #[account:${ACCOUNT}] #[partner:${USER}]`;
		const out = html(body, [
			{ type: 'mention', id: USER, label: 'Marie Petit' },
			{ type: 'mention', id: ACCOUNT, label: null },
			{
				type: 'reference',
				kind: 'account',
				id: ACCOUNT,
				label: 'Acme',
				href: `/accounts/${ACCOUNT}`
			},
			{ type: 'reference', kind: 'partner', id: USER, label: null, href: null }
		]);
		expect(out).toContain('@Marie Petit');
		expect(out).toContain('@someone');
		expect(out).toMatch(
			new RegExp(`<a class="reference[^"]*" href="/accounts/${ACCOUNT}">Acme</a>`)
		);
		expect(out).toContain('a restricted item');
		expect(out).not.toContain(USER);
	});

	it('never links a reference whose href is not a path of this site', () => {
		const out = html(`#[account:${ACCOUNT}]`, [
			{
				type: 'reference',
				kind: 'account',
				id: ACCOUNT,
				label: 'Acme',
				href: 'javascript:alert(1)'
			}
		]);
		expect(out).toContain('Acme');
		expect(out).not.toContain('href');
	});
});

describe('plainText', () => {
	it('drops the markup and shows tokens by label, or a neutral placeholder', () => {
		const body = `**Hello** @[user:${USER}]\n- [a](https://x.example)\n- \`b\`\n\n#[account:${ACCOUNT}] @[user:${ACCOUNT}]`;
		expect(
			plainText(
				body,
				new Map([
					[USER, 'Marie'],
					[ACCOUNT, null]
				])
			)
		).toBe('Hello @Marie\n\na\nb\n\n#… @…');
		expect(
			plainText(`#[account:${ACCOUNT}]`, [
				{ type: 'reference', kind: 'account', id: ACCOUNT, label: 'Acme', href: null }
			])
		).toBe('Acme');
	});
});

describe('pathological input', () => {
	const cases: [string, string][] = [
		['nested brackets', '['.repeat(500_000) + ']'.repeat(500_000)],
		['unclosed brackets', '[a'.repeat(500_000)],
		['unclosed links', '[x](/'.repeat(200_000)],
		['empty links', '[](/a'.repeat(200_000)],
		['emphasis openers', '**a '.repeat(250_000)],
		['alternating delimiters', '*_'.repeat(500_000)],
		['deep emphasis', '*'.repeat(500_000) + 'a' + '*'.repeat(500_000)],
		['backtick runs', '`a``'.repeat(250_000)],
		['long urls', 'https://x.y/('.repeat(80_000)],
		['escapes', '\\'.repeat(1_000_000)],
		['list items', '- a\n'.repeat(250_000)],
		['fences', '```\n'.repeat(250_000)],
		['token prefixes', '@[user:'.repeat(140_000)]
	];

	it.each(cases)('parses ~1 MB of %s in well under a second', (_, body) => {
		const started = performance.now();
		const blocks = parseMarkdown(body);
		expect(performance.now() - started).toBeLessThan(1000);
		expect(blocks.length).toBeGreaterThan(0);
	});

	it.each(cases)(
		'parses %s up to the parse limit linearly (the algorithm, not the cap)',
		(_, body) => {
			const small = body.slice(0, MARKDOWN_PARSE_LIMIT / 4);
			const large = body.slice(0, MARKDOWN_PARSE_LIMIT);
			const time = (input: string) => {
				const started = performance.now();
				parseMarkdown(input);
				return performance.now() - started;
			};
			time(small); // warm up
			expect(time(large)).toBeLessThan(Math.max(250, time(small) * 12));
		}
	);

	it('keeps what is past the parse limit as plain text, nesting bounded', () => {
		const body = 'a'.repeat(MARKDOWN_PARSE_LIMIT) + '<script>';
		expect(parseMarkdown(body).at(-1)).toEqual({ type: 'paragraph', children: [text('<script>')] });
		const deep = '*'.repeat(200) + 'a' + '*'.repeat(200);
		let depth = 0;
		let nodes = paragraph(deep);
		while (nodes.length && 'children' in nodes[0]) {
			nodes = nodes[0].children;
			depth += 1;
		}
		expect(depth).toBeLessThanOrEqual(12);
		expect(html(deep)).toContain('a');
	});
});
