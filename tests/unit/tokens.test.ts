import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import CommentBody from '../../src/lib/components/plans/comments/CommentBody.svelte';
import { parseMarkdown, plainText } from '../../src/lib/shared/markdown.ts';
import {
	mentionIdsOf,
	mentionToken,
	namesToTokens,
	referencesOf,
	referenceToken,
	tokenParts,
	tokensToNames,
	type ResolvedToken
} from '../../src/lib/shared/tokens.ts';

// The one token format of mentions and references (feed posts and comments, plan comments).

const MARIE = '0b0f6c6e-1111-4222-8333-444455556666';
const BOB = '1c1f6c6e-1111-4222-8333-444455556666';
const ACME = '2d2f6c6e-1111-4222-8333-444455556666';

describe('tokens', () => {
	it('writes and parses mentions and references (round trip)', () => {
		const text = `Hi ${mentionToken(MARIE)}, see ${referenceToken('account', ACME)} with ${mentionToken(BOB)} and ${mentionToken(MARIE)}.`;
		expect(text).toBe(
			`Hi @[user:${MARIE}], see #[account:${ACME}] with @[user:${BOB}] and @[user:${MARIE}].`
		);
		expect(mentionIdsOf(text)).toEqual([MARIE, BOB]);
		expect(referencesOf(text)).toEqual([{ kind: 'account', id: ACME }]);
		expect(tokenParts(text)).toEqual([
			{ type: 'text', text: 'Hi ' },
			{ type: 'mention', id: MARIE },
			{ type: 'text', text: ', see ' },
			{ type: 'reference', kind: 'account', id: ACME },
			{ type: 'text', text: ' with ' },
			{ type: 'mention', id: BOB },
			{ type: 'text', text: ' and ' },
			{ type: 'mention', id: MARIE },
			{ type: 'text', text: '.' }
		]);
		// The parts put back together are the text.
		const back = tokenParts(text)
			.map((p) =>
				p.type === 'text'
					? p.text
					: p.type === 'mention'
						? mentionToken(p.id)
						: referenceToken(p.kind, p.id)
			)
			.join('');
		expect(back).toBe(text);
	});

	it('takes a token with an id that is not a UUID as text', () => {
		for (const text of [
			'@[user:------------------------------------]',
			'@[user:0b0f6c6e111142228333444455556666xxxx]',
			`@[user:${MARIE.toUpperCase()}]`,
			`@[user:${MARIE}0]`,
			`#[account:${MARIE.slice(1)}]`,
			`#[contract:${MARIE}]`,
			`@[Marie Petit](${MARIE})`
		]) {
			expect(mentionIdsOf(text), text).toEqual([]);
			expect(referencesOf(text), text).toEqual([]);
			expect(tokenParts(text), text).toEqual([{ type: 'text', text }]);
			expect(parseMarkdown(text)).toEqual([
				{ type: 'paragraph', children: [{ type: 'text', text }] }
			]);
		}
	});

	it('finds the token inside nested brackets and keeps the brackets as text', () => {
		const text = `@[user:@[user:${MARIE}]] [[#[partner:${ACME}]]]`;
		expect(mentionIdsOf(text)).toEqual([MARIE]);
		expect(referencesOf(text)).toEqual([{ kind: 'partner', id: ACME }]);
		expect(tokenParts(text)).toEqual([
			{ type: 'text', text: '@[user:' },
			{ type: 'mention', id: MARIE },
			{ type: 'text', text: '] [[' },
			{ type: 'reference', kind: 'partner', id: ACME },
			{ type: 'text', text: ']]' }
		]);
	});

	it('is the same token inside Markdown, and stays text inside code', () => {
		const body = `**${mentionToken(MARIE)}** _see ${referenceToken('opportunity', ACME)}_ \`${mentionToken(BOB)}\``;
		const [block] = parseMarkdown(body);
		expect(block).toEqual({
			type: 'paragraph',
			children: [
				{ type: 'strong', children: [{ type: 'mention', id: MARIE }] },
				{ type: 'text', text: ' ' },
				{
					type: 'em',
					children: [
						{ type: 'text', text: 'see ' },
						{ type: 'reference', kind: 'opportunity', id: ACME }
					]
				},
				{ type: 'text', text: ' ' },
				{ type: 'code', text: mentionToken(BOB) }
			]
		});
		const labels: ResolvedToken[] = [{ type: 'mention', id: MARIE, label: 'Marie Petit' }];
		expect(plainText(body, labels)).toContain('@Marie Petit');
	});

	it('parses 1 MB texts in linear time', () => {
		const many = `${mentionToken(MARIE)} `.repeat(Math.floor(1_000_000 / 44));
		const hostile = [
			many,
			'@[user:'.repeat(150_000),
			'@['.repeat(500_000),
			`${'['.repeat(500_000)}${mentionToken(MARIE)}${']'.repeat(500_000)}`,
			'#[account:0b0f6c6e-1111-4222-8333-'.repeat(30_000)
		];
		for (const text of hostile) {
			const started = performance.now();
			const ids = mentionIdsOf(text);
			referencesOf(text);
			const parts = tokenParts(text);
			expect(performance.now() - started).toBeLessThan(1_000);
			expect(parts.map((p) => (p.type === 'text' ? p.text : mentionToken(p.id))).join('')).toBe(
				text
			);
			expect(ids.length).toBeLessThanOrEqual(1);
		}
	});

	it('turns picked @Names into tokens and back, keeping a mention without a visible name', () => {
		const picked = new Map([
			['Marie', BOB],
			['Marie Petit', MARIE]
		]);
		const body = namesToTokens('@Marie Petit and @Marie, and @Nobody', picked);
		expect(body).toBe(`${mentionToken(MARIE)} and ${mentionToken(BOB)}, and @Nobody`);
		const edited = new Map<string, string>();
		const shown = tokensToNames(
			body,
			[
				{ type: 'mention', id: MARIE, label: 'Marie Petit' },
				{ type: 'mention', id: BOB, label: null }
			],
			edited
		);
		expect(shown).toBe(`@Marie Petit and ${mentionToken(BOB)}, and @Nobody`);
		expect(namesToTokens(shown, edited)).toBe(body);
	});

	it('shows a plan comment with the names its reader may see, "someone" otherwise', () => {
		const body = `Ask ${mentionToken(MARIE)} or ${mentionToken(BOB)} <b>now</b> about ${referenceToken('account', ACME)}`;
		const { body: out } = render(CommentBody, {
			props: {
				body,
				tokens: [
					{ type: 'mention', id: MARIE, label: 'Marie Petit' },
					{ type: 'mention', id: BOB, label: null },
					{ type: 'reference', kind: 'account', id: ACME, label: null, href: null }
				]
			}
		});
		expect(out).toContain('@Marie Petit');
		expect(out).toContain('@someone');
		expect(out).toContain('a restricted item');
		expect(out).toContain('&lt;b>now&lt;/b>');
		expect(out).not.toContain(BOB);
		expect(out).not.toContain('@[user:');
	});
});
