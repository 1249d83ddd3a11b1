import { describe, expect, it } from 'vitest';
import { notificationText } from '../../src/lib/components/notifications/text.ts';
import { m } from '../../src/lib/paraglide/messages.js';
import { NOTIFICATION_KINDS } from '../../src/lib/shared/notifications.ts';

// Every kind the server creates has a sentence of its own, not the generic "You have a notification".

describe('notification sentences', () => {
	it.each(NOTIFICATION_KINDS.filter((kind) => kind !== 'test'))(
		'%s has its own sentence',
		(kind) => {
			const text = notificationText({ kind, data: {} });
			expect(text).not.toBe(m.notifications_kind_other());
		}
	);

	it('says who mentioned, where and what', () => {
		const text = notificationText({
			kind: 'feed_mention',
			data: { actorName: 'Claire Morel', channelName: 'Alpha', snippet: 'On signe lundi ?' }
		});
		expect(text).toContain('Claire Morel');
		expect(text).toContain('Alpha');
		expect(text).toContain('On signe lundi ?');
	});

	it('names the reaction and the won deal', () => {
		expect(
			notificationText({
				kind: 'feed_reaction',
				data: { actorName: 'Marie Petit', channelName: 'Alpha', emoji: '🎉' }
			})
		).toContain('🎉');
		expect(
			notificationText({
				kind: 'deal_won',
				data: { name: 'Fours 2027', accountName: 'Hôtel Lutetia' }
			})
		).toContain('Hôtel Lutetia');
	});
});
