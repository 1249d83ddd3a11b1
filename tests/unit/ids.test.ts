import { describe, expect, it } from 'vitest';
import { match } from '../../src/params/id.ts';
import { parseCursor } from '../../src/lib/server/db/keyset.ts';
import { parsePlanDocumentName } from '../../src/lib/shared/collab.ts';
import { uuid } from '../../src/lib/shared/forms.ts';
import { idParam, idSchema, isId } from '../../src/lib/shared/ids.ts';
import { postInput } from '../../src/lib/shared/feed.ts';

// One id validator (shared/ids.ts, zod's RFC 9562 UUID): the `[x=id]` route matcher, the input
// schemas, cursors, query parameters and collaboration document names accept the same strings.

const ACCEPTED = [
	'0b6f3c3e-5a4f-4d8e-9c6b-1f2e3d4c5b6a',
	crypto.randomUUID(),
	'0B6F3C3E-5A4F-4D8E-9C6B-1F2E3D4C5B6A',
	'00000000-0000-0000-0000-000000000000'
];
const REFUSED = [
	'',
	'not-an-id',
	'0b6f3c3e5a4f4d8e9c6b1f2e3d4c5b6a',
	'0b6f3c3e-5a4f-4d8e-9c6b-1f2e3d4c5b6',
	'0b6f3c3e-5a4f-4d8e-9c6b-1f2e3d4c5b6a0',
	' 0b6f3c3e-5a4f-4d8e-9c6b-1f2e3d4c5b6a',
	'0b6f3c3e-5a4f-4d8e-9c6b-1f2e3d4c5b6a\n',
	'0b6f3c3e-5a4f-9d8e-9c6b-1f2e3d4c5b6a', // no version 9
	'0b6f3c3e-5a4f-4d8e-1c6b-1f2e3d4c5b6a', // not the RFC variant
	'zb6f3c3e-5a4f-4d8e-9c6b-1f2e3d4c5b6a'
];

describe('the one id validator', () => {
	it('is what the route matcher, the schemas, cursors and parameters all use', () => {
		for (const value of [...ACCEPTED, ...REFUSED]) {
			const expected = ACCEPTED.includes(value);
			expect(isId(value), value).toBe(expected);
			expect(match(value), `matcher ${value}`).toBe(expected);
			expect(idSchema.safeParse(value).success, `schema ${value}`).toBe(expected);
			expect(uuid().safeParse(value).success, `forms.uuid ${value}`).toBe(expected);
			const post = postInput.safeParse({ channelId: value, body: 'hello' });
			expect(post.success, `postInput ${value}`).toBe(expected);
			expect(parseCursor(value, 'uuid') !== null, `cursor ${value}`).toBe(expected);
			const url = new URL(`http://relais.test/?channel=${encodeURIComponent(value)}`);
			expect(idParam(url, 'channel'), `idParam ${value}`).toBe(
				value === '' ? undefined : expected ? value : null
			);
		}
	});

	it('reads collaboration document names with it, in lower case only (one plan, one name)', () => {
		const id = crypto.randomUUID();
		expect(parsePlanDocumentName(`plan.${id}`)).toEqual({ planId: id, document: 'shared' });
		expect(parsePlanDocumentName(`plan.${id}.internal`)).toEqual({
			planId: id,
			document: 'internal'
		});
		expect(parsePlanDocumentName(`plan.${id.toUpperCase()}`)).toBeNull();
		for (const value of REFUSED) expect(parsePlanDocumentName(`plan.${value}`), value).toBeNull();
	});
});
