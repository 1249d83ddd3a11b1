// iCalendar (RFC 5545) invitations for meetings: one VEVENT (a series with its RRULE, or one
// changed occurrence with its RECURRENCE-ID), times in the organiser's zone with a VTIMEZONE built
// from Intl so a weekly 9:00 stays at 9:00 across daylight-saving changes in every calendar.
import { rruleOf, utcStamp, type Series } from '$lib/shared/recurrence';
import { instantAt, offsetMinutesAt, type WallTime } from '$lib/shared/zoned-time';

export type IcsPerson = { name: string; email: string };

export type IcsMeeting = {
	/** Stable for the whole life of the meeting (series): calendars match updates on it. */
	uid: string;
	/** Grows with every change the invitees are sent; calendars ignore an older one. */
	sequence: number;
	method: 'REQUEST' | 'CANCEL';
	title: string;
	description: string;
	/** Where to join: the meeting page. */
	url: string;
	series: Series;
	/** Occurrences removed from the series (their wall time in the organiser's zone). */
	exceptions?: WallTime[];
	/** This invitation is about one occurrence of the series: its original wall time. */
	occurrence?: { recurrenceId: WallTime; start: WallTime; durationMinutes: number };
	organiser: IcsPerson;
	invitees: IcsPerson[];
	/** When the invitation was written (DTSTAMP). */
	stamp: Date;
};

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

function localStamp(wall: WallTime): string {
	return `${pad(wall.year, 4)}${pad(wall.month)}${pad(wall.day)}T${pad(wall.hour)}${pad(wall.minute)}00`;
}

/** TEXT values: backslash, semicolon, comma and line ends escaped; other controls dropped. */
export function escapeText(text: string): string {
	return (
		text
			.replace(/\r\n?/g, '\n')
			.replace(/[\\;,]/g, (c) => `\\${c}`)
			.replace(/\n/g, '\\n')
			// eslint-disable-next-line no-control-regex -- control characters are what is removed
			.replace(/[\u0000-\u001f\u007f]/g, '')
	);
}

/** Parameter values (CN=…): quoted, without the characters a quoted value cannot hold. */
function paramValue(text: string): string {
	// eslint-disable-next-line no-control-regex -- control characters are what is removed
	return `"${text.replace(/[\u0000-\u001f\u007f"]/g, '')}"`;
}

/** Lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 character. */
export function foldLine(line: string): string {
	const encoder = new TextEncoder();
	if (encoder.encode(line).length <= 75) return line;
	const pieces: string[] = [];
	let current = '';
	let size = 0;
	for (const char of line) {
		const bytes = encoder.encode(char).length;
		const room = pieces.length === 0 ? 75 : 74; // continuation lines start with a space
		if (size + bytes > room) {
			pieces.push(current);
			current = '';
			size = 0;
		}
		current += char;
		size += bytes;
	}
	pieces.push(current);
	return pieces.join('\r\n ');
}

function offsetText(minutes: number): string {
	const sign = minutes < 0 ? '-' : '+';
	return `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;
}

type Transition = { at: Date; from: number; to: number };

/** The zone's offset changes between two instants, to the minute. */
function transitions(zone: string, from: Date, to: Date): Transition[] {
	const found: Transition[] = [];
	const DAY = 86_400_000;
	let previous = offsetMinutesAt(zone, from);
	for (let t = from.getTime() + DAY; t <= to.getTime(); t += DAY) {
		const offset = offsetMinutesAt(zone, new Date(t));
		if (offset === previous) continue;
		let low = t - DAY;
		let high = t;
		while (high - low > 60_000) {
			const middle = low + Math.floor((high - low) / 120_000) * 60_000;
			if (offsetMinutesAt(zone, new Date(middle)) === previous) low = middle;
			else high = middle;
		}
		found.push({ at: new Date(high), from: previous, to: offset });
		previous = offset;
	}
	return found;
}

/**
 * VTIMEZONE for the years the invitation covers (the year before the start to five years on):
 * each change as its own observance, as Intl knows them. Clients that know the TZID use their
 * own rules past the last one; a zone without changes is one STANDARD observance.
 */
export function vtimezone(zone: string, start: Date): string[] {
	const year = start.getUTCFullYear();
	const from = new Date(Date.UTC(year - 1, 0, 1));
	const to = new Date(Date.UTC(year + 6, 0, 1));
	const changes = transitions(zone, from, to);
	const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
	if (changes.length === 0) {
		const offset = offsetText(offsetMinutesAt(zone, start));
		lines.push(
			'BEGIN:STANDARD',
			'DTSTART:19700101T000000',
			`TZOFFSETFROM:${offset}`,
			`TZOFFSETTO:${offset}`,
			'END:STANDARD'
		);
	}
	for (const change of changes) {
		const kind = change.to > change.from ? 'DAYLIGHT' : 'STANDARD';
		// DTSTART is the local time just before the change, read with the offset in force then.
		const before = new Date(change.at.getTime() + change.from * 60_000);
		const wall: WallTime = {
			year: before.getUTCFullYear(),
			month: before.getUTCMonth() + 1,
			day: before.getUTCDate(),
			hour: before.getUTCHours(),
			minute: before.getUTCMinutes()
		};
		lines.push(
			`BEGIN:${kind}`,
			`DTSTART:${localStamp(wall)}`,
			`TZOFFSETFROM:${offsetText(change.from)}`,
			`TZOFFSETTO:${offsetText(change.to)}`,
			`END:${kind}`
		);
	}
	lines.push('END:VTIMEZONE');
	return lines;
}

function durationText(minutes: number): string {
	const hours = Math.floor(minutes / 60);
	const rest = minutes % 60;
	return `PT${hours ? `${hours}H` : ''}${rest || !hours ? `${rest}M` : ''}`;
}

/** The whole .ics file (CRLF line ends, folded lines). */
export function icsCalendar(meeting: IcsMeeting): string {
	const { series, occurrence } = meeting;
	const zone = series.timeZone;
	const tz = `;TZID=${zone}`;
	const start = occurrence?.start ?? series.start;
	const duration = occurrence?.durationMinutes ?? series.durationMinutes;
	const cancelled = meeting.method === 'CANCEL';
	const event = [
		'BEGIN:VEVENT',
		`UID:${meeting.uid}`,
		`SEQUENCE:${meeting.sequence}`,
		`DTSTAMP:${utcStamp(meeting.stamp)}`,
		`DTSTART${tz}:${localStamp(start)}`,
		`DURATION:${durationText(duration)}`,
		`SUMMARY:${escapeText(meeting.title)}`,
		`DESCRIPTION:${escapeText(meeting.description)}`,
		`URL:${meeting.url}`,
		`STATUS:${cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
		`ORGANIZER;CN=${paramValue(meeting.organiser.name)}:mailto:${meeting.organiser.email}`,
		...meeting.invitees.map(
			(person) =>
				`ATTENDEE;CN=${paramValue(person.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:${person.email}`
		)
	];
	if (occurrence) {
		event.push(`RECURRENCE-ID${tz}:${localStamp(occurrence.recurrenceId)}`);
	} else {
		const rule = rruleOf(series);
		if (rule) event.push(`RRULE:${rule}`);
		for (const exception of meeting.exceptions ?? []) {
			event.push(`EXDATE${tz}:${localStamp(exception)}`);
		}
	}
	event.push('END:VEVENT');
	const lines = [
		'BEGIN:VCALENDAR',
		'VERSION:2.0',
		'PRODID:-//Relais//Meetings//EN',
		'CALSCALE:GREGORIAN',
		`METHOD:${meeting.method}`,
		...vtimezone(zone, instantAt(zone, start)),
		...event,
		'END:VCALENDAR'
	];
	return lines.map(foldLine).join('\r\n') + '\r\n';
}
