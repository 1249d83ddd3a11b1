import { describe, expect, it } from 'vitest';
import { exportFilename } from '../../src/lib/server/exports/index.ts';
import { workspaceToday } from '../../src/lib/server/workspace/settings.ts';
import { updatePartnerSchema } from '../../src/lib/shared/schemas/partners.ts';
import { dayStartIn } from '../../src/lib/shared/zoned-time.ts';

// "Today" is the day in the workspace's time zone (workspace/settings.ts workspaceToday), never
// the day in UTC or in the server's zone: at 23:30 UTC on 31 March it is already 1 April in Paris.

const lateEvening = new Date('2026-03-31T23:30:00Z');

describe('the workspace day', () => {
	it('names an export file with the day in the workspace zone', () => {
		expect(exportFilename('accounts', 'Europe/Paris', lateEvening)).toBe('accounts-2026-04-01.csv');
		expect(exportFilename('accounts', 'UTC', lateEvening)).toBe('accounts-2026-03-31.csv');
		expect(exportFilename('partners', 'America/New_York', new Date('2026-12-08T03:00:00Z'))).toBe(
			'partners-2026-12-07.csv'
		);
	});

	it('accepts an agreement signed today in the workspace zone, not tomorrow', () => {
		const today = workspaceToday('Europe/Paris', lateEvening);
		const signed = (agreementSignedAt: string) =>
			updatePartnerSchema(today).safeParse({
				tier: 'gold',
				regionId: '',
				ownerId: '',
				agreementSignedAt
			});
		const accepted = signed('2026-04-01');
		expect(accepted.success).toBe(true);
		expect(accepted.data?.agreementSignedAt).toEqual(new Date('2026-04-01T00:00:00Z'));
		const tomorrow = signed('2026-04-02');
		expect(tomorrow.success).toBe(false);
		expect(tomorrow.error?.issues.map((i) => i.message)).toEqual(['partners_error_future_date']);
	});

	it('bounds a filter of days at midnight in the workspace zone (the audit log)', () => {
		// 1 April in Paris begins at 22:00 UTC on 31 March (summer time), 23:30 UTC is inside it.
		expect(dayStartIn('Europe/Paris', '2026-04-01')).toEqual(new Date('2026-03-31T22:00:00Z'));
		expect(dayStartIn('Europe/Paris', '2026-04-01', 1)).toEqual(new Date('2026-04-01T22:00:00Z'));
		expect(dayStartIn('Europe/Paris', '2026-12-31', 1)).toEqual(new Date('2026-12-31T23:00:00Z'));
		expect(dayStartIn('UTC', '2026-04-01')).toEqual(new Date('2026-04-01T00:00:00Z'));
		// The night the clocks go forward in Paris still begins at midnight.
		expect(dayStartIn('Europe/Paris', '2026-03-29')).toEqual(new Date('2026-03-28T23:00:00Z'));
		expect(dayStartIn('Europe/Paris', '2026-03-29', 1)).toEqual(new Date('2026-03-29T22:00:00Z'));
	});
});
