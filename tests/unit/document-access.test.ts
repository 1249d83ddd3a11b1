import { describe, expect, it } from 'vitest';
import { documentAccess, type Actor } from '../../src/lib/server/access/policy.ts';
import { ROLES, isHostRole } from '../../src/lib/shared/enums.ts';

const actors: Actor[] = ROLES.map((role) => ({
	id: crypto.randomUUID(),
	role,
	organisationId: crypto.randomUUID(),
	organisationKind: isHostRole(role) ? 'host' : 'partner'
}));
const uuid = '3f2b8c1e-9a4d-4e5f-8b6a-1c2d3e4f5a6b';

describe('documentAccess', () => {
	it.each(actors.map((actor) => [actor.role, actor] as const))(
		'lets a %s edit a sandbox document and nothing else yet',
		(_role, actor) => {
			expect(documentAccess(actor, `sandbox.${uuid}`)).toBe('write');
			for (const name of [
				`plan.${uuid}`,
				`meeting.${uuid}`,
				`sandbox.${uuid.toUpperCase()}`,
				`sandbox.${uuid}.extra`,
				'sandbox.',
				'sandbox',
				''
			]) {
				expect(documentAccess(actor, name)).toBe('none');
			}
		}
	);
});
