import { describe, expect, it } from 'vitest';
import { MAX_TARGET_LENGTH, sameOriginPath } from '../../src/lib/shared/redirects.ts';
import { isSameOriginPath, OPEN_REDIRECT_PAYLOADS, payloadFor } from '../support/open-redirects.ts';

const ORIGINS = ['http://127.0.0.1:3000', 'https://relais.example.com'];

describe('sameOriginPath', () => {
	for (const origin of ORIGINS) {
		it(`keeps every known open-redirect payload on ${origin}`, () => {
			const escaped = OPEN_REDIRECT_PAYLOADS.map((p) => payloadFor(p, origin)).filter(
				(target) => !isSameOriginPath(sameOriginPath(target, origin), origin)
			);
			expect(escaped).toEqual([]);
			expect(OPEN_REDIRECT_PAYLOADS.length).toBeGreaterThan(50);
		});
	}

	it('answers the fallback for what names another site or is no target', () => {
		const origin = 'http://127.0.0.1:3000';
		for (const target of [
			'//evil.example',
			'/\t/evil.example',
			'https://app@evil.example',
			'javascript:alert(1)',
			'data:text/html,x',
			'／／evil。example'.replace('／／', '//'),
			'/.//evil.example',
			'http://127.0.0.1:3001/',
			'',
			null,
			undefined,
			42
		]) {
			expect(sameOriginPath(target, origin, '/home'), String(target)).toBe('/home');
		}
	});

	it('keeps a path of the site with its query and fragment, serialised as ASCII', () => {
		const origin = 'https://relais.example.com';
		expect(sameOriginPath('/accounts?stage=won#list', origin)).toBe('/accounts?stage=won#list');
		expect(sameOriginPath(`${origin}/plans/1?tab=actions`, origin)).toBe('/plans/1?tab=actions');
		expect(sameOriginPath('/comptes/é?q=ü', origin)).toBe('/comptes/%C3%A9?q=%C3%BC');
		expect(sameOriginPath('/a\nb', origin)).toBe('/ab');
		expect(sameOriginPath('/%2F%2Fevil.example', origin)).toBe('/%2F%2Fevil.example');
		expect(sameOriginPath('accounts', origin)).toBe('/accounts');
	});
});

describe('sameOriginPath and long targets', () => {
	it('drops a target longer than a page address can be (a 1 MB Location header fails the client)', () => {
		const origin = 'http://127.0.0.1:3000';
		const long = `/accounts?q=${'a'.repeat(1_000_000)}`;
		expect(sameOriginPath(long, origin)).toBe('/');
		const longest = `/${'a'.repeat(MAX_TARGET_LENGTH - 1)}`;
		expect(sameOriginPath(longest, origin)).toBe(longest);
	});
});
