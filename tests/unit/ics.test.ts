import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import {
	escapeText,
	foldLine,
	icsCalendar,
	vtimezone,
	type IcsMeeting
} from '../../src/lib/server/meetings/ics.ts';

const meeting: IcsMeeting = {
	uid: '5b0c6a38-8f5e-4f7e-9a51-0c1a2b3c4d5e@relais',
	sequence: 2,
	method: 'REQUEST',
	title: 'Point hebdo, équipe Sud-Est; semaine',
	description: 'Ordre du jour :\n1. Résultats\n2. Visites',
	url: 'https://relais.example/meetings/5b0c6a38-8f5e-4f7e-9a51-0c1a2b3c4d5e',
	series: {
		start: { year: 2026, month: 3, day: 16, hour: 9, minute: 0 },
		timeZone: 'Europe/Paris',
		durationMinutes: 45,
		recurrence: { kind: 'weekly', interval: 1 }
	},
	exceptions: [{ year: 2026, month: 4, day: 6, hour: 9, minute: 0 }],
	organiser: { name: 'Claire Dubois', email: 'claire@relais.example' },
	invitees: [
		{ name: 'Julien "Ju" Fabre', email: 'julien@relais.example' },
		{ name: 'Marie Laurent', email: 'marie@alpha.example' }
	],
	stamp: new Date('2026-03-10T10:00:00Z')
};

function unfold(text: string): string[] {
	return text.replace(/\r\n /g, '').split('\r\n');
}

describe('ics', () => {
	it('writes a series with its zone, rule, exception and people, with CRLF line ends', () => {
		const text = icsCalendar(meeting);
		expect(text.endsWith('\r\n')).toBe(true);
		expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
		const lines = unfold(text);
		expect(lines).toContain('METHOD:REQUEST');
		expect(lines).toContain('UID:5b0c6a38-8f5e-4f7e-9a51-0c1a2b3c4d5e@relais');
		expect(lines).toContain('SEQUENCE:2');
		expect(lines).toContain('DTSTART;TZID=Europe/Paris:20260316T090000');
		expect(lines).toContain('DURATION:PT45M');
		expect(lines).toContain('RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO');
		expect(lines).toContain('EXDATE;TZID=Europe/Paris:20260406T090000');
		expect(lines).toContain('SUMMARY:Point hebdo\\, équipe Sud-Est\\; semaine');
		expect(lines).toContain('DESCRIPTION:Ordre du jour :\\n1. Résultats\\n2. Visites');
		expect(lines).toContain(
			'ATTENDEE;CN="Julien Ju Fabre";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:julien@relais.example'
		);
		expect(lines).toContain('ORGANIZER;CN="Claire Dubois":mailto:claire@relais.example');
	});

	it('describes the daylight-saving changes of the organiser zone', () => {
		const lines = vtimezone('Europe/Paris', new Date('2026-03-16T08:00:00Z'));
		const text = lines.join('\n');
		expect(text).toContain(
			'BEGIN:DAYLIGHT\nDTSTART:20260329T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nEND:DAYLIGHT'
		);
		expect(text).toContain(
			'BEGIN:STANDARD\nDTSTART:20261025T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nEND:STANDARD'
		);
		const tokyo = vtimezone('Asia/Tokyo', new Date('2026-03-16T08:00:00Z')).join('\n');
		expect(tokyo).toContain('TZOFFSETFROM:+0900\nTZOFFSETTO:+0900');
	});

	it('writes a cancellation of one occurrence with its RECURRENCE-ID and no rule', () => {
		const lines = unfold(
			icsCalendar({
				...meeting,
				method: 'CANCEL',
				sequence: 3,
				occurrence: {
					recurrenceId: { year: 2026, month: 3, day: 30, hour: 9, minute: 0 },
					start: { year: 2026, month: 3, day: 30, hour: 9, minute: 0 },
					durationMinutes: 45
				}
			})
		);
		expect(lines).toContain('METHOD:CANCEL');
		expect(lines).toContain('STATUS:CANCELLED');
		expect(lines).toContain('RECURRENCE-ID;TZID=Europe/Paris:20260330T090000');
		expect(lines.some((line) => line.startsWith('RRULE'))).toBe(false);
	});

	it('escapes text and drops control characters', () => {
		expect(escapeText('a\\b;c,d\r\ne\u0000f\u0007')).toBe('a\\\\b\\;c\\,d\\nef');
	});

	it('folds long lines at 75 octets without cutting a character', () => {
		const line = `SUMMARY:${'é'.repeat(100)}`;
		const folded = foldLine(line);
		const encoder = new TextEncoder();
		for (const piece of folded.split('\r\n')) {
			expect(encoder.encode(piece).length).toBeLessThanOrEqual(75);
		}
		expect(folded.replace(/\r\n /g, '')).toBe(line);
	});
});

describe('ics read back by a real iCalendar parser (ical.js)', () => {
	it('gives the UID, SEQUENCE and recurrence, and 9:00 in Paris on both sides of the change to summer time', () => {
		const calendar = new ICAL.Component(ICAL.parse(icsCalendar(meeting)));
		expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
		const zone = calendar.getFirstSubcomponent('vtimezone');
		expect(zone).not.toBeNull();
		ICAL.TimezoneService.register(zone!);
		const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
		expect(event.uid).toBe(meeting.uid);
		expect(event.sequence).toBe(2);
		expect(event.summary).toBe('Point hebdo, équipe Sud-Est; semaine');
		expect(event.isRecurring()).toBe(true);
		expect(event.attendees.map((a) => a.getParameter('cn'))).toEqual([
			'Julien Ju Fabre',
			'Marie Laurent'
		]);
		const iterator = event.iterator();
		const starts: string[] = [];
		const exdates = calendar
			.getFirstSubcomponent('vevent')!
			.getAllProperties('exdate')
			.map((p) => (p.getFirstValue() as ICAL.Time).toJSDate().toISOString());
		for (let next = iterator.next(); next && starts.length < 4; next = iterator.next()) {
			const at = next.toJSDate().toISOString();
			if (!exdates.includes(at)) starts.push(at);
		}
		// 16 and 23 March at 08:00 UTC (winter), 30 March at 07:00 UTC (summer); 6 April is cancelled.
		expect(starts).toEqual([
			'2026-03-16T08:00:00.000Z',
			'2026-03-23T08:00:00.000Z',
			'2026-03-30T07:00:00.000Z',
			'2026-04-13T07:00:00.000Z'
		]);
		expect(event.duration.toSeconds()).toBe(45 * 60);
	});

	it('reads a cancelled occurrence with its RECURRENCE-ID', () => {
		const text = icsCalendar({
			...meeting,
			method: 'CANCEL',
			sequence: 3,
			occurrence: {
				recurrenceId: { year: 2026, month: 3, day: 30, hour: 9, minute: 0 },
				start: { year: 2026, month: 3, day: 30, hour: 9, minute: 0 },
				durationMinutes: 45
			}
		});
		const calendar = new ICAL.Component(ICAL.parse(text));
		ICAL.TimezoneService.register(calendar.getFirstSubcomponent('vtimezone')!);
		const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
		expect(event.isRecurrenceException()).toBe(true);
		expect(event.recurrenceId.toJSDate().toISOString()).toBe('2026-03-30T07:00:00.000Z');
		expect(event.sequence).toBe(3);
	});
});
