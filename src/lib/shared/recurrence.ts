// Repeating meetings: weekly, every two weeks, or monthly on the same weekday of the month (the
// first Monday, the last Friday). A series keeps the organiser's wall-clock time in the organiser's
// zone, so the 9:00 team call stays at 9:00 in Paris across daylight-saving changes while its UTC
// instant moves. The same rule is written as an RFC 5545 RRULE for calendar invitations.
import {
	addDays,
	daysInMonth,
	instantAt,
	wallTimeAt,
	weekdayOf,
	type WallTime
} from './zoned-time.ts';

/** 1–4: the nth weekday of the month; -1: the last one. */
export type MonthlyOrdinal = 1 | 2 | 3 | 4 | -1;

export type Recurrence =
	{ kind: 'weekly'; interval: 1 | 2 } | { kind: 'monthly'; ordinal: MonthlyOrdinal };

export type Series = {
	/** The first occurrence, as the organiser's clock shows it. */
	start: WallTime;
	timeZone: string;
	durationMinutes: number;
	recurrence: Recurrence | null;
	/** Last day an occurrence may start on (organiser's calendar), inclusive. */
	until?: Pick<WallTime, 'year' | 'month' | 'day'> | null;
};

export type Occurrence = {
	/** 0 for the first occurrence, counting every occurrence of the rule. */
	index: number;
	/** Its wall time in the organiser's zone: the occurrence's identity (RECURRENCE-ID). */
	wall: WallTime;
	start: Date;
	end: Date;
};

/** The monthly ordinal a start date suggests: the 1st–4th of its weekday, or -1 past the 28th. */
export function monthlyOrdinalOf(date: Pick<WallTime, 'year' | 'month' | 'day'>): MonthlyOrdinal {
	const nth = Math.ceil(date.day / 7);
	return nth >= 5 ? -1 : (nth as MonthlyOrdinal);
}

/** The day of the month of the `ordinal`th `weekday` (0 = Sunday) of a month. */
export function nthWeekdayOfMonth(
	year: number,
	month: number,
	weekday: number,
	ordinal: MonthlyOrdinal
): number {
	if (ordinal === -1) {
		const last = daysInMonth(year, month);
		const lastWeekday = weekdayOf({ year, month, day: last });
		return last - ((lastWeekday - weekday + 7) % 7);
	}
	const firstWeekday = weekdayOf({ year, month, day: 1 });
	return 1 + ((weekday - firstWeekday + 7) % 7) + (ordinal - 1) * 7;
}

function dayKey(wall: Pick<WallTime, 'year' | 'month' | 'day'>): number {
	return wall.year * 10_000 + wall.month * 100 + wall.day;
}

/** The wall time of occurrence `index` of the rule (without checking `until`). */
function wallOf(series: Series, index: number): WallTime {
	const { start, recurrence } = series;
	if (!recurrence || index === 0) return start;
	if (recurrence.kind === 'weekly') return addDays(start, index * 7 * recurrence.interval);
	const months = start.month - 1 + index;
	const year = start.year + Math.floor(months / 12);
	const month = (months % 12) + 1;
	const day = nthWeekdayOfMonth(year, month, weekdayOf(start), recurrence.ordinal);
	return { ...start, year, month, day };
}

function occurrence(series: Series, index: number): Occurrence {
	const wall = wallOf(series, index);
	const start = instantAt(series.timeZone, wall);
	return { index, wall, start, end: new Date(start.getTime() + series.durationMinutes * 60_000) };
}

/**
 * The occurrences that overlap [from, to), in order, at most `limit` of them. A monthly series
 * whose first date is not the rule's own day (a start on the 2nd Monday with "first Monday") still
 * counts its start as occurrence 0, as calendars do with DTSTART.
 */
export function occurrencesBetween(
	series: Series,
	from: Date,
	to: Date,
	limit = 500
): Occurrence[] {
	const found: Occurrence[] = [];
	const last = series.until ? dayKey(series.until) : Infinity;
	let index = series.recurrence ? firstCandidate(series, series.recurrence, from) : 0;
	for (; found.length < limit; index++) {
		const next = occurrence(series, index);
		if (dayKey(next.wall) > last || next.start >= to) break;
		if (next.end > from) found.push(next);
		if (!series.recurrence) break;
	}
	return found;
}

/**
 * An index at or before the first occurrence that ends after `from`, so long series are not
 * walked from their start. Weekly steps are exact in wall time (an hour of daylight saving aside,
 * covered by the margin); monthly ones are counted in months, as the rule is.
 */
function firstCandidate(series: Series, recurrence: Recurrence, from: Date): number {
	const durationMs = series.durationMinutes * 60_000;
	if (recurrence.kind === 'weekly') {
		const stepMs = recurrence.interval * 7 * 86_400_000;
		const start = instantAt(series.timeZone, series.start).getTime();
		return Math.max(0, Math.floor((from.getTime() - durationMs - start) / stepMs) - 1);
	}
	const wall = wallTimeAt(series.timeZone, new Date(from.getTime() - durationMs));
	const months = (wall.year - series.start.year) * 12 + (wall.month - series.start.month);
	return Math.max(0, months - 1);
}

const ICS_DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

/**
 * The rule as an RFC 5545 RRULE value (without "RRULE:"), or null for a single meeting. UNTIL is
 * the end of the last day in the organiser's zone, written in UTC as the RFC requires when
 * DTSTART carries a TZID.
 */
export function rruleOf(series: Series): string | null {
	const { recurrence } = series;
	if (!recurrence) return null;
	const day = ICS_DAYS[weekdayOf(series.start)];
	const parts =
		recurrence.kind === 'weekly'
			? ['FREQ=WEEKLY', `INTERVAL=${recurrence.interval}`, `BYDAY=${day}`]
			: ['FREQ=MONTHLY', `BYDAY=${recurrence.ordinal}${day}`];
	if (series.until) {
		const endOfDay = instantAt(series.timeZone, { ...series.until, hour: 23, minute: 59 });
		parts.push(`UNTIL=${utcStamp(endOfDay)}`);
	}
	return parts.join(';');
}

/** "20261207T093000Z". */
export function utcStamp(instant: Date): string {
	return instant
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d{3}/, '');
}
