import { describe, expect, it } from 'vitest';
import {
	monthlyOrdinalOf,
	nthWeekdayOfMonth,
	occurrencesBetween,
	rruleOf,
	type Series
} from '../../src/lib/shared/recurrence.ts';
import {
	instantAt,
	offsetMinutesAt,
	parseWallTime,
	wallTimeAt
} from '../../src/lib/shared/zoned-time.ts';
import { isTimeZone } from '../../src/lib/format/index.ts';

const wall = (text: string) => {
	const parsed = parseWallTime(text);
	if (!parsed) throw new Error(`bad wall time ${text}`);
	return parsed;
};

describe('zoned time', () => {
	it('reads the offset of Paris in winter and summer, and of New York', () => {
		expect(offsetMinutesAt('Europe/Paris', new Date('2026-01-15T12:00:00Z'))).toBe(60);
		expect(offsetMinutesAt('Europe/Paris', new Date('2026-07-15T12:00:00Z'))).toBe(120);
		expect(offsetMinutesAt('America/New_York', new Date('2026-01-15T12:00:00Z'))).toBe(-300);
		expect(offsetMinutesAt('Asia/Kolkata', new Date('2026-01-15T12:00:00Z'))).toBe(330);
	});

	it('finds the instant of a local time, on either side of a change', () => {
		expect(instantAt('Europe/Paris', wall('2026-03-28T09:00')).toISOString()).toBe(
			'2026-03-28T08:00:00.000Z'
		);
		expect(instantAt('Europe/Paris', wall('2026-03-30T09:00')).toISOString()).toBe(
			'2026-03-30T07:00:00.000Z'
		);
	});

	it('moves a skipped local time forward and takes the first of a repeated one', () => {
		// Paris skips 02:00–03:00 on 29 March 2026 and repeats 02:00–03:00 on 25 October 2026.
		expect(instantAt('Europe/Paris', wall('2026-03-29T02:30')).toISOString()).toBe(
			'2026-03-29T01:30:00.000Z'
		);
		expect(instantAt('Europe/Paris', wall('2026-10-25T02:30')).toISOString()).toBe(
			'2026-10-25T00:30:00.000Z'
		);
	});

	it('round-trips wall times and refuses impossible ones', () => {
		const instant = instantAt('America/New_York', wall('2026-11-01T08:15'));
		expect(wallTimeAt('America/New_York', instant)).toEqual(wall('2026-11-01T08:15'));
		expect(parseWallTime('2026-02-29T10:00')).toBeNull();
		expect(parseWallTime('2026-13-01T10:00')).toBeNull();
		expect(parseWallTime('2026-01-01T24:00')).toBeNull();
		expect(parseWallTime('2026-01-01 10:00')).toBeNull();
	});

	it('knows real zones only', () => {
		expect(isTimeZone('Europe/Paris')).toBe(true);
		expect(isTimeZone('UTC')).toBe(true);
		expect(isTimeZone('Europe/Atlantis')).toBe(false);
		expect(isTimeZone('')).toBe(false);
		expect(isTimeZone('x'.repeat(1_000_000))).toBe(false);
	});
});

describe('recurrence', () => {
	const weekly: Series = {
		start: wall('2026-03-16T09:00'), // a Monday, before the change to summer time
		timeZone: 'Europe/Paris',
		durationMinutes: 45,
		recurrence: { kind: 'weekly', interval: 1 }
	};

	it('keeps a weekly meeting at 9:00 in Paris across the change to summer time', () => {
		const found = occurrencesBetween(
			weekly,
			new Date('2026-03-16T00:00:00Z'),
			new Date('2026-04-07T00:00:00Z')
		);
		expect(found.map((o) => o.start.toISOString())).toEqual([
			'2026-03-16T08:00:00.000Z',
			'2026-03-23T08:00:00.000Z',
			'2026-03-30T07:00:00.000Z',
			'2026-04-06T07:00:00.000Z'
		]);
		expect(found.map((o) => o.index)).toEqual([0, 1, 2, 3]);
		expect(found[2].end.toISOString()).toBe('2026-03-30T07:45:00.000Z');
	});

	it('finds occurrences far from the start without walking the whole series', () => {
		const found = occurrencesBetween(
			weekly,
			new Date('2036-03-16T00:00:00Z'),
			new Date('2036-03-23T00:00:00Z')
		);
		expect(found).toHaveLength(1);
		expect(wallTimeAt('Europe/Paris', found[0].start)).toMatchObject({ hour: 9, minute: 0 });
		expect(found[0].index).toBe(522); // 3,654 days later: Monday 17 March 2036
		expect(found[0].wall).toMatchObject({ year: 2036, month: 3, day: 17 });
	});

	it('includes an occurrence still running at the start of the window', () => {
		const found = occurrencesBetween(
			weekly,
			new Date('2026-03-23T08:30:00Z'),
			new Date('2026-03-23T09:00:00Z')
		);
		expect(found.map((o) => o.index)).toEqual([1]);
	});

	it('repeats every two weeks, and stops after its last day', () => {
		const series: Series = {
			...weekly,
			recurrence: { kind: 'weekly', interval: 2 },
			until: { year: 2026, month: 4, day: 13 }
		};
		const found = occurrencesBetween(series, new Date('2026-01-01Z'), new Date('2027-01-01Z'));
		expect(found.map((o) => o.wall.day)).toEqual([16, 30, 13]);
		expect(rruleOf(series)).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;UNTIL=20260413T215900Z');
	});

	it('repeats monthly on the first Monday, and on the last Friday', () => {
		const firstMonday: Series = {
			start: wall('2026-01-05T14:00'),
			timeZone: 'Europe/Paris',
			durationMinutes: 60,
			recurrence: { kind: 'monthly', ordinal: 1 }
		};
		const found = occurrencesBetween(firstMonday, new Date('2026-01-01Z'), new Date('2026-06-01Z'));
		expect(found.map((o) => `${o.wall.month}-${o.wall.day}`)).toEqual([
			'1-5',
			'2-2',
			'3-2',
			'4-6',
			'5-4'
		]);
		expect(rruleOf(firstMonday)).toBe('FREQ=MONTHLY;BYDAY=1MO');
		const lastFriday: Series = {
			...firstMonday,
			start: wall('2026-01-30T14:00'),
			recurrence: { kind: 'monthly', ordinal: monthlyOrdinalOf({ year: 2026, month: 1, day: 30 }) }
		};
		expect(lastFriday.recurrence).toEqual({ kind: 'monthly', ordinal: -1 });
		const fridays = occurrencesBetween(
			lastFriday,
			new Date('2026-01-01Z'),
			new Date('2026-05-01Z')
		);
		expect(fridays.map((o) => `${o.wall.month}-${o.wall.day}`)).toEqual([
			'1-30',
			'2-27',
			'3-27',
			'4-24'
		]);
		expect(rruleOf(lastFriday)).toBe('FREQ=MONTHLY;BYDAY=-1FR');
	});

	it('finds the nth weekday of a month', () => {
		expect(nthWeekdayOfMonth(2026, 12, 1, 1)).toBe(7); // first Monday of December 2026
		expect(nthWeekdayOfMonth(2026, 12, 1, 4)).toBe(28);
		expect(nthWeekdayOfMonth(2026, 12, 4, -1)).toBe(31); // last Thursday
		expect(nthWeekdayOfMonth(2026, 2, 6, -1)).toBe(28); // last Saturday of February
	});

	it('gives a single meeting once, and no rule', () => {
		const single: Series = { ...weekly, recurrence: null };
		const found = occurrencesBetween(single, new Date('2026-01-01Z'), new Date('2027-01-01Z'));
		expect(found).toHaveLength(1);
		expect(rruleOf(single)).toBeNull();
	});
});
