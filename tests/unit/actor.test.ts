import { describe, expect, it } from 'vitest';
import { isHostActor, isPartnerActor } from '../../src/lib/server/access/actor.ts';
import { ORGANISATION_KINDS, ROLES } from '../../src/lib/shared/enums.ts';

// The one host/partner predicate of the access module.

describe('isHostActor and isPartnerActor', () => {
	// Every role in each kind of organisation (the wrong pairs are damaged data: the kind decides).
	const expected = { host: [true, false], partner: [false, true] } as const;
	for (const kind of ORGANISATION_KINDS) {
		it.each(ROLES)(`answers ${JSON.stringify(expected[kind])} for a %s of a ${kind}`, (role) => {
			const actor = { id: 'me', role, organisationId: 'org', organisationKind: kind };
			expect([isHostActor(actor), isPartnerActor(actor)]).toEqual(expected[kind]);
		});
	}
});
