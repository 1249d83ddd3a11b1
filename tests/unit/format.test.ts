import { afterEach, describe, expect, it } from 'vitest';
import {
	dayInZone,
	formatCount,
	formatDate,
	formatDateTime,
	formatDay,
	timeZoneLabel,
	timeZoneOptions,
	formatMoney,
	formatPercent,
	isTimeZone,
	pluralCategory,
	readerTimeZone,
	relativeTime,
	setReaderTimeZone,
	withParams
} from '../../src/lib/format/index.ts';
import { m } from '../../src/lib/paraglide/messages.js';

// The one formatter module (src/lib/format): the same text on the server and in the browser, in
// the reader's language and time zone.

/** Intl's narrow and non-breaking spaces, as plain spaces, to compare text. */
const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ');

// 23:30 UTC on 31 March 2026: 1 April 01:30 in Paris (UTC+2), 31 March 19:30 in New York.
const lateEvening = '2026-03-31T23:30:00Z';

describe('moments are shown in the reader time zone', () => {
	afterEach(() => setReaderTimeZone(undefined));

	it('formats a moment with its time in the zone given, fr and en', () => {
		expect(plain(formatDateTime(lateEvening, { locale: 'fr', timeZone: 'Europe/Paris' }))).toBe(
			'1 avr. 2026, 01:30'
		);
		expect(plain(formatDateTime(lateEvening, { locale: 'en', timeZone: 'America/New_York' }))).toBe(
			'Mar 31, 2026, 7:30 PM'
		);
		expect(plain(formatDateTime(lateEvening, { locale: 'en', timeZone: 'UTC' }))).toBe(
			'Mar 31, 2026, 11:30 PM'
		);
	});

	it('formats a moment as a date on the day it is in the reader zone', () => {
		expect(plain(formatDate(lateEvening, { locale: 'fr', timeZone: 'Europe/Paris' }))).toBe(
			'1 avr. 2026'
		);
		expect(plain(formatDate(lateEvening, { locale: 'fr', timeZone: 'UTC' }))).toBe('31 mars 2026');
		expect(formatDate(new Date(lateEvening), { locale: 'en', timeZone: 'Europe/Paris' })).toBe(
			'Apr 1, 2026'
		);
	});

	it('uses the reader zone the page set when none is given, Europe/Paris before that', () => {
		expect(readerTimeZone()).toBe('Europe/Paris');
		expect(formatDate(lateEvening, { locale: 'en' })).toBe('Apr 1, 2026');
		setReaderTimeZone('America/New_York');
		expect(readerTimeZone()).toBe('America/New_York');
		expect(formatDate(lateEvening, { locale: 'en' })).toBe('Mar 31, 2026');
	});

	it('says the zone when asked (e-mails)', () => {
		expect(
			plain(formatDateTime(lateEvening, { locale: 'fr', timeZone: 'Europe/Paris', zoneName: true }))
		).toBe('1 avril 2026 à 01:30 UTC+2');
	});
});

describe('calendar days have no time zone', () => {
	afterEach(() => setReaderTimeZone(undefined));

	it('shows a YYYY-MM-DD day as that day whatever the reader zone', () => {
		setReaderTimeZone('Pacific/Honolulu');
		expect(plain(formatDay('2026-04-01', { locale: 'fr' }))).toBe('1 avr. 2026');
		setReaderTimeZone('Pacific/Kiritimati');
		expect(formatDay('2026-04-01', { locale: 'en' })).toBe('Apr 1, 2026');
	});

	it('shows a day stored as its UTC midnight (an agreement date) as that day west of UTC too', () => {
		setReaderTimeZone('America/New_York');
		expect(formatDay(new Date('2026-04-01T00:00:00Z'), { locale: 'en' })).toBe('Apr 1, 2026');
	});

	it('gives the day a moment falls on in a zone', () => {
		expect(dayInZone(new Date(lateEvening), 'Europe/Paris')).toBe('2026-04-01');
		expect(dayInZone(new Date(lateEvening), 'UTC')).toBe('2026-03-31');
	});
});

describe('empty values', () => {
	it('format as an empty string, whatever the formatter', () => {
		for (const empty of [null, undefined, '']) {
			expect(formatDate(empty)).toBe('');
			expect(formatDateTime(empty)).toBe('');
			expect(formatDay(empty)).toBe('');
			expect(relativeTime(empty)).toBe('');
		}
		expect(formatDate('not a date')).toBe('');
		expect(formatDay('2026-13-45')).toBe('');
		expect(formatDay('someday')).toBe('');
	});
});

describe('money keeps its cents', () => {
	it('shows the cents when there are any, none for a whole amount', () => {
		expect(plain(formatMoney(1_250_050, 'EUR', { locale: 'fr' }))).toBe('12 500,50 €');
		expect(plain(formatMoney(1_250_000, 'EUR', { locale: 'fr' }))).toBe('12 500 €');
		expect(formatMoney(1_250_050, 'EUR', { locale: 'en' })).toBe('€12,500.50');
		expect(formatMoney(5, 'EUR', { locale: 'en' })).toBe('€0.05');
		expect(formatMoney(1_250_000, 'USD', { locale: 'en' })).toBe('$12,500');
	});

	it('formats counts and rates in the reader language', () => {
		expect(plain(formatCount(12_500, { locale: 'fr' }))).toBe('12 500');
		expect(formatCount(12_500, { locale: 'en' })).toBe('12,500');
		expect(plain(formatPercent(0.42, { locale: 'fr' }))).toBe('42 %');
		expect(formatPercent(0.42, { locale: 'en' })).toBe('42%');
	});
});

describe('plurals', () => {
	it('follows each language: 0 is singular in French, plural in English', () => {
		expect([0, 1, 2].map((n) => pluralCategory(n, { locale: 'fr' }))).toEqual([
			'one',
			'one',
			'other'
		]);
		expect([0, 1, 2].map((n) => pluralCategory(n, { locale: 'en' }))).toEqual([
			'other',
			'one',
			'other'
		]);
	});

	it('messages choose their own plural, never "(s)"', () => {
		const fr = (count: number) => m.auth_account_sessions_text({ count }, { locale: 'fr' });
		const en = (count: number) => m.auth_account_sessions_text({ count }, { locale: 'en' });
		expect(fr(0)).toContain('sur 0 appareil.');
		expect(fr(1)).toContain('sur 1 appareil.');
		expect(fr(2)).toContain('sur 2 appareils.');
		expect(en(0)).toContain('on 0 devices.');
		expect(en(1)).toContain('on 1 device.');
		expect(en(2)).toContain('on 2 devices.');
		const steps = (done: number) =>
			m.partners_onboarding_progress({ done, total: 5 }, { locale: 'fr' });
		expect(steps(1)).toBe('1 étape sur 5 terminée');
		expect(steps(2)).toBe('2 étapes sur 5 terminées');
		expect(m.imports_start({ count: 1 }, { locale: 'en' })).toBe('Import 1 row');
		expect(m.imports_start({ count: 3 }, { locale: 'fr' })).toBe('Importer 3 lignes');
	});
});

describe('relative times', () => {
	const now = Date.parse('2026-03-31T12:00:00Z');
	const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

	it('says how long ago, in the reader language', () => {
		expect(relativeTime(ago(5 * 60), now, { locale: 'fr' })).toBe('il y a 5 minutes');
		expect(relativeTime(ago(5 * 60), now, { locale: 'en' })).toBe('5 minutes ago');
		expect(relativeTime(ago(3 * 3600), now, { locale: 'en' })).toBe('3 hours ago');
		expect(relativeTime(ago(24 * 3600), now, { locale: 'fr' })).toBe('hier');
		expect(relativeTime(ago(-2 * 24 * 3600), now, { locale: 'en' })).toBe('in 2 days');
	});

	it('says "just now" under a minute', () => {
		expect(relativeTime(ago(30), now, { locale: 'en' })).toBe(
			m.notifications_just_now({}, { locale: 'en' })
		);
		expect(relativeTime(ago(30), now, { locale: 'fr' })).toBe(
			m.notifications_just_now({}, { locale: 'fr' })
		);
	});
});

describe('time zones a person may choose', () => {
	it('accepts UTC and IANA zones, nothing else', () => {
		expect(isTimeZone('UTC')).toBe(true);
		expect(isTimeZone('Europe/Paris')).toBe(true);
		expect(isTimeZone('America/New_York')).toBe(true);
		expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
		expect(isTimeZone('')).toBe(false);
		expect(isTimeZone('europe/paris')).toBe(false);
	});
});

describe('links', () => {
	it('changes search parameters of the page URL', () => {
		const url = new URL('https://relais.test/accounts?q=a&page=2');
		expect(withParams(url, { page: null, sort: 'name' })).toBe('/accounts?q=a&sort=name');
		expect(withParams(url, { q: '', page: '' })).toBe('/accounts');
	});
});

describe('time zone choices', () => {
	it('names a zone in words in the reader language', () => {
		expect(timeZoneLabel('Europe/Paris', { locale: 'fr' })).toMatch(
			/^Europe\/Paris · heure .*Europe centrale/
		);
		expect(timeZoneLabel('America/New_York', { locale: 'en' })).toBe(
			'America/New York · Eastern Time'
		);
	});

	it('keeps a value sent back after a refusal as the first choice, with its text as its label', () => {
		const options = timeZoneOptions(['Europe/Paris', 'UTC'], 'Mars/Olympus', { locale: 'en' });
		expect(options.map((o) => o.value)).toEqual(['Mars/Olympus', 'Europe/Paris', 'UTC']);
		expect(options[0].label).toBe('Mars/Olympus');
		expect(timeZoneOptions(['UTC'], '', { locale: 'en' }).map((o) => o.value)).toEqual(['UTC']);
	});
});
