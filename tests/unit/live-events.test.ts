import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import { eventsFor, formatSse } from '../../src/lib/server/live/stream.ts';
import type { LiveAudience } from '../../src/lib/server/live/events.ts';

const HOST = 'host-org';
const ALPHA = 'alpha-org';
const BETA = 'beta-org';

const people: Record<string, Actor> = {
	admin: { id: 'u-admin', role: 'admin', organisationId: HOST, organisationKind: 'host' },
	rep: { id: 'u-rep', role: 'rep', organisationId: HOST, organisationKind: 'host' },
	alphaAdmin: {
		id: 'u-alpha',
		role: 'partner_admin',
		organisationId: ALPHA,
		organisationKind: 'partner'
	},
	betaMember: {
		id: 'u-beta',
		role: 'partner_member',
		organisationId: BETA,
		organisationKind: 'partner'
	}
};

// audience → who receives it
const table: Array<[string, LiveAudience, string[]]> = [
	['one user', { users: ['u-alpha'] }, ['alphaAdmin']],
	['several users', { users: ['u-rep', 'u-beta'] }, ['rep', 'betaMember']],
	['nobody', { users: [] }, []],
	['the host only', { organisation: null }, ['admin', 'rep']],
	['the host and Alpha', { organisation: ALPHA }, ['admin', 'rep', 'alphaAdmin']],
	['the host and Beta', { organisation: BETA }, ['admin', 'rep', 'betaMember']],
	['everyone', { everyone: true }, ['admin', 'rep', 'alphaAdmin', 'betaMember']]
];

describe('which live events a browser receives', () => {
	it.each(table)('sends an event for %s only to its audience', (_name, audience, expected) => {
		const event = { type: 'test.event', audience, data: { secret: 'partner data' } };
		const receivers = Object.entries(people)
			.filter(([, actor]) => eventsFor(actor, event) !== null)
			.map(([name]) => name);
		expect(receivers).toEqual(expected);
	});

	it('strips the audience from what it sends', () => {
		const message = eventsFor(people.alphaAdmin, {
			type: 'notification.created',
			audience: { users: ['u-alpha'] },
			data: { id: 'n1' }
		});
		expect(message).toEqual({ type: 'notification.created', data: { id: 'n1' } });
		expect(formatSse(message!)).toBe(
			'data: {"type":"notification.created","data":{"id":"n1"}}\n\n'
		);
	});

	it('keeps a line break in the data inside one SSE message', () => {
		const text = formatSse({ type: 't', data: { text: 'a\nb\n\nc' } });
		expect(text.match(/\n\n/g)).toHaveLength(1);
	});
});
