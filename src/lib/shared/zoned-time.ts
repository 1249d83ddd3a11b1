// Wall-clock time in a named time zone (IANA), on Intl alone: which local time an instant shows
// in a zone, and which instant a local time of a zone is. Meetings repeat at the organiser's local
// time across daylight-saving changes, and periods (months, quarters) start at local midnight.

/** A date and time as a clock on the wall shows it, in some zone. Months are 1–12. */
export type WallTime = {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(zone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric'
		});
		formatters.set(zone, formatter);
	}
	return formatter;
}

/** What a clock in `zone` shows at `instant` (seconds dropped). */
export function wallTimeAt(zone: string, instant: Date): WallTime {
	const parts: Record<string, number> = {};
	for (const part of formatterFor(zone).formatToParts(instant)) {
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	}
	return {
		year: parts.year,
		month: parts.month,
		day: parts.day,
		hour: parts.hour,
		minute: parts.minute
	};
}

/** The zone's offset from UTC at `instant`, in minutes (Paris: 60 in winter, 120 in summer). */
export function offsetMinutesAt(zone: string, instant: Date): number {
	const wall = wallTimeAt(zone, instant);
	const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
	const minute = Math.floor(instant.getTime() / 60_000) * 60_000;
	return Math.round((asUtc - minute) / 60_000);
}

function sameWallTime(a: WallTime, b: WallTime): boolean {
	return (
		a.year === b.year &&
		a.month === b.month &&
		a.day === b.day &&
		a.hour === b.hour &&
		a.minute === b.minute
	);
}

const DAY_MS = 86_400_000;

/**
 * The instant at which a clock in `zone` shows `wall`. A time that happens twice (the hour the
 * clocks go back) is its first occurrence; a time that never happens (the hour they skip) is moved
 * forward by the jump (02:30 on the spring-forward night in Paris is 03:30), as calendars do.
 */
export function instantAt(zone: string, wall: WallTime): Date {
	const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
	// Offsets a day either side: at most one change lies between them.
	const before = offsetMinutesAt(zone, new Date(asUtc - DAY_MS));
	const after = offsetMinutesAt(zone, new Date(asUtc + DAY_MS));
	const candidates = [before, after]
		.map((offset) => new Date(asUtc - offset * 60_000))
		.filter((instant) => sameWallTime(wallTimeAt(zone, instant), wall))
		.sort((a, b) => a.getTime() - b.getTime());
	return candidates[0] ?? new Date(asUtc - before * 60_000);
}

/** The wall time `days` calendar days after `wall` (same clock time). */
export function addDays(wall: WallTime, days: number): WallTime {
	const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
	return {
		...wall,
		year: date.getUTCFullYear(),
		month: date.getUTCMonth() + 1,
		day: date.getUTCDate()
	};
}

/**
 * The instant a calendar day ('YYYY-MM-DD') begins in `zone`, `days` days later: a period of
 * days (a filter's "from" and inclusive "to") bounded in the workspace's zone, not at UTC
 * midnight.
 */
export function dayStartIn(zone: string, day: string, days = 0): Date {
	const [year, month, date] = day.split('-').map(Number);
	return instantAt(zone, addDays({ year, month, day: date, hour: 0, minute: 0 }, days));
}

/** Day of the week of a wall date: 0 = Sunday … 6 = Saturday. */
export function weekdayOf(wall: Pick<WallTime, 'year' | 'month' | 'day'>): number {
	return new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay();
}

/** Number of days in a month (1–12). */
export function daysInMonth(year: number, month: number): number {
	return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses "YYYY-MM-DDTHH:MM" (a datetime-local field's value) into a wall time, or null. */
export function parseWallTime(text: string): WallTime | null {
	const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text);
	if (!match) return null;
	const [year, month, day, hour, minute] = match.slice(1).map(Number);
	if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
	if (hour > 23 || minute > 59) return null;
	return { year, month, day, hour, minute };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "YYYY-MM-DDTHH:MM", the inverse of `parseWallTime`. */
export function formatWallTime(wall: WallTime): string {
	return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}`;
}
