import { describe, expect, it } from 'vitest';
import { closePeriodRange, splitByMonth } from '../../src/lib/server/crm/pipeline.ts';
import { workspaceToday } from '../../src/lib/server/workspace/settings.ts';

// The board's stage totals read whole close months from pipeline_stage_totals and sum the days of
// partial months from the deals (crm/pipeline.ts): the split must cover every day exactly once.

describe('splitByMonth', () => {
	it('reads everything from the totals table without bounds, undated deals included', () => {
		expect(splitByMonth()).toEqual({ months: { from: undefined, to: undefined }, edges: [] });
	});

	it('keeps whole months whole', () => {
		expect(splitByMonth('2026-05-01', '2026-07-31')).toEqual({
			months: { from: '2026-05-01', to: '2026-07-01' },
			edges: []
		});
		expect(splitByMonth('2026-06-01')).toEqual({
			months: { from: '2026-06-01', to: undefined },
			edges: []
		});
	});

	it('sums the days of partial months at either end from the deals', () => {
		expect(splitByMonth('2026-04-10', '2026-07-20')).toEqual({
			months: { from: '2026-05-01', to: '2026-06-01' },
			edges: [
				{ from: '2026-04-10', to: '2026-04-30' },
				{ from: '2026-07-01', to: '2026-07-20' }
			]
		});
		// Overdue: everything before the 15th of this month.
		expect(splitByMonth(undefined, '2026-05-14')).toEqual({
			months: { from: undefined, to: '2026-04-01' },
			edges: [{ from: '2026-05-01', to: '2026-05-14' }]
		});
		expect(splitByMonth('2026-12-15', '2027-01-31')).toEqual({
			months: { from: '2027-01-01', to: '2027-01-01' },
			edges: [{ from: '2026-12-15', to: '2026-12-31' }]
		});
	});

	it('uses days only when no whole month lies inside, and nothing for an empty range', () => {
		expect(splitByMonth('2026-05-03', '2026-05-20')).toEqual({
			months: null,
			edges: [{ from: '2026-05-03', to: '2026-05-20' }]
		});
		expect(splitByMonth('2026-04-10', '2026-05-20')).toEqual({
			months: null,
			edges: [{ from: '2026-04-10', to: '2026-05-20' }]
		});
		expect(splitByMonth('2028-02-10', '2028-02-29')).toEqual({
			months: null,
			edges: [{ from: '2028-02-10', to: '2028-02-29' }]
		});
		expect(splitByMonth('2026-05-20', '2026-05-03')).toEqual({ months: null, edges: [] });
	});
});

describe('periods are computed in the workspace time zone', () => {
	// 23:30 UTC on 31 March: still March in UTC, already 1 April in Paris (UTC+2).
	const lateEvening = new Date('2026-03-31T23:30:00Z');

	it("takes today's date in the workspace zone, not UTC", () => {
		expect(workspaceToday('Europe/Paris', lateEvening)).toBe('2026-04-01');
		expect(workspaceToday('UTC', lateEvening)).toBe('2026-03-31');
		expect(workspaceToday('America/New_York', new Date('2026-04-01T02:00:00Z'))).toBe('2026-03-31');
	});

	it('so this month and this quarter are April and Q2 in Paris', () => {
		const today = workspaceToday('Europe/Paris', lateEvening);
		expect(closePeriodRange('this_month', today)).toEqual({ from: '2026-04-01', to: '2026-04-30' });
		expect(closePeriodRange('this_quarter', today)).toEqual({
			from: '2026-04-01',
			to: '2026-06-30'
		});
		expect(closePeriodRange('next_quarter', today)).toEqual({
			from: '2026-07-01',
			to: '2026-09-30'
		});
		// In UTC it would still be March and Q1.
		expect(closePeriodRange('this_month', workspaceToday('UTC', lateEvening))).toEqual({
			from: '2026-03-01',
			to: '2026-03-31'
		});
	});
});
