import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import { createEventStream, type LiveEvent } from '../../src/lib/server/live/index.ts';
import { readSse } from '../support/sse.ts';

const person: Actor = {
	id: '00000000-0000-4000-8000-000000000001',
	role: 'rep',
	organisationId: '00000000-0000-4000-8000-000000000002',
	organisationKind: 'host'
};
const revoked: LiveEvent = {
	type: 'session.revoked',
	audience: { users: [person.id] },
	data: { userId: person.id }
};

describe('a live stream re-checking its session', () => {
	it('runs the re-check asked for while another was running (the first read the session before its revocation)', async () => {
		let listener: (event: LiveEvent) => void = () => {};
		const bus = {
			subscribe(l: (event: LiveEvent) => void) {
				listener = l;
				return () => {};
			}
		};
		// The first re-check is slow and finds the session still valid (it read it just before the
		// revocation); the session is gone for every later one.
		let checks = 0;
		let releaseFirst: () => void = () => {};
		const revalidate = async (): Promise<Actor | null> => {
			checks += 1;
			if (checks === 1) {
				await new Promise<void>((resolve) => (releaseFirst = resolve));
				return person;
			}
			return null;
		};
		const stream = readSse(
			createEventStream({ bus, actor: person, revalidate, heartbeatMs: 60_000 })
		);

		listener({ ...revoked, type: 'access.changed' }); // a first re-check starts…
		listener(revoked); // …and the revocation arrives while it runs
		releaseFirst();

		await stream.ended;
		expect(checks).toBe(2);
		expect(stream.messages.at(-1)?.type).toBe('session.ended');
	});
});
