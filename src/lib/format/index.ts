import type { ResolvedPathname } from '$app/types';
import { m } from '../paraglide/messages.js';
import { getLocale } from '../paraglide/runtime.js';
import { wallTimeAt } from '../shared/zoned-time.ts';

// The one way the app writes numbers, money, dates and times for a reader: every page, component,
// e-mail and server module formats through here, in the reader's language (Paraglide's getLocale())
// and time zone. Importable everywhere: .svelte files, browser code and server code (relative
// imports only, nothing from $app at run time).
//
// Two kinds of dates, never mixed:
// - a MOMENT (a timestamp: created at, sent at, expires at) is shown in the reader's time zone
//   (formatDate, formatDateTime, relativeTime);
// - a CALENDAR DAY (a 'YYYY-MM-DD' value: a close date, a review date) has no time zone: it is the
//   same day for every reader, formatted as a UTC day (formatDay).
//
// The reader's time zone: their own choice (account page), else the workspace's (admin setting).
// On the server the request's hook installs where to read it (installTimeZoneSource, an
// AsyncLocalStorage); in the browser the root layout sets it from its data (setReaderTimeZone),
// so both sides format a moment alike and hydration never disagrees.

/** The workspace time zone a fresh workspace starts with. */
export const DEFAULT_TIME_ZONE = 'Europe/Paris';

/** Who the text is for: their language and time zone (defaults: the page's reader). */
export type ReaderOptions = { locale?: string; timeZone?: string };

let browserTimeZone: string | undefined;
let timeZoneSource: () => string | undefined = () => browserTimeZone;

/** The browser's side: the root layout gives the reader's zone from its data. */
export function setReaderTimeZone(timeZone: string | undefined): void {
	browserTimeZone = timeZone;
}

/** The server's side: where the current request's reader zone is read (hooks.server.ts). */
export function installTimeZoneSource(source: () => string | undefined): void {
	timeZoneSource = source;
}

/** The time zone moments are shown in for the current reader. */
export function readerTimeZone(): string {
	return timeZoneSource() ?? DEFAULT_TIME_ZONE;
}

const localeOf = (options?: ReaderOptions) => options?.locale ?? getLocale();
const zoneOf = (options?: ReaderOptions) => options?.timeZone ?? readerTimeZone();

function toDate(value: Date | string | number | null | undefined): Date | null {
	if (value === null || value === undefined || value === '') return null;
	const date = value instanceof Date ? value : new Date(value);
	return Number.isNaN(date.getTime()) ? null : date;
}

// Empty values (null, undefined, '', an unreadable date) format as '' everywhere: the caller
// decides what stands in their place ("—", nothing, a sentence).

/** A moment as a date in the reader's zone: "27 nov. 2025" / "27 Nov 2025". */
export function formatDate(
	value: Date | string | number | null | undefined,
	options?: ReaderOptions
): string {
	const date = toDate(value);
	if (!date) return '';
	return new Intl.DateTimeFormat(localeOf(options), {
		dateStyle: 'medium',
		timeZone: zoneOf(options)
	}).format(date);
}

/**
 * A moment with its time in the reader's zone: "27 nov. 2025, 14:05". With `zoneName`, the zone
 * is said too ("27 novembre 2025 à 14:05 UTC+1"), for texts read away from the app (e-mails).
 */
export function formatDateTime(
	value: Date | string | number | null | undefined,
	options?: ReaderOptions & { zoneName?: boolean }
): string {
	const date = toDate(value);
	if (!date) return '';
	const timeZone = zoneOf(options);
	return new Intl.DateTimeFormat(
		localeOf(options),
		options?.zoneName
			? {
					// dateStyle/timeStyle cannot be combined with timeZoneName: spell the fields out.
					day: 'numeric',
					month: 'long',
					year: 'numeric',
					hour: '2-digit',
					minute: '2-digit',
					timeZone,
					timeZoneName: 'short'
				}
			: { dateStyle: 'medium', timeStyle: 'short', timeZone }
	).format(date);
}

/**
 * A calendar day ('YYYY-MM-DD', or a day stored as its UTC midnight), the same day for every reader
 * whatever their zone.
 */
export function formatDay(
	value: string | Date | null | undefined,
	options?: ReaderOptions
): string {
	const day = value instanceof Date ? value.toISOString().slice(0, 10) : value;
	if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return '';
	const date = new Date(`${day}T00:00:00Z`);
	if (Number.isNaN(date.getTime())) return '';
	return new Intl.DateTimeFormat(localeOf(options), {
		dateStyle: 'medium',
		timeZone: 'UTC'
	}).format(date);
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
	['year', 365 * 24 * 3600],
	['month', 30 * 24 * 3600],
	['week', 7 * 24 * 3600],
	['day', 24 * 3600],
	['hour', 3600],
	['minute', 60]
];

/** "il y a 5 minutes" / "5 minutes ago", "dans 2 jours"; "just now" under a minute. */
export function relativeTime(
	value: Date | string | number | null | undefined,
	now: number = Date.now(),
	options?: ReaderOptions
): string {
	const date = toDate(value);
	if (!date) return '';
	const locale = localeOf(options);
	const seconds = Math.round((date.getTime() - now) / 1000);
	const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
	for (const [unit, size] of UNITS) {
		if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
	}
	return m.notifications_just_now({}, { locale: locale as 'en' | 'fr' });
}

/**
 * An amount in cents, in the workspace currency and the reader's language. Cents are always kept
 * when there are any ("12 500,50 €"); a whole amount shows none ("12 500 €").
 */
export function formatMoney(cents: number, currency: string, options?: ReaderOptions): string {
	return new Intl.NumberFormat(localeOf(options), {
		style: 'currency',
		currency,
		trailingZeroDisplay: 'stripIfInteger'
	}).format(cents / 100);
}

/** An amount without currency, cents always shown ("10 000 000 000,00"): limits in messages. */
export function formatAmount(cents: number, options?: ReaderOptions): string {
	return new Intl.NumberFormat(localeOf(options), {
		minimumFractionDigits: 2,
		maximumFractionDigits: 2
	}).format(cents / 100);
}

/** Cents as a form shows them again, in the reader's language ("12500,5" in French). */
export function amountInput(cents: number, options?: ReaderOptions): string {
	const units = cents / 100;
	const text = Number.isInteger(units) ? String(units) : units.toFixed(2);
	return localeOf(options) === 'fr' ? text.replace('.', ',') : text;
}

/** A rate 0–1 as a whole percentage: "42 %" / "42%". */
export function formatPercent(rate: number, options?: ReaderOptions): string {
	return new Intl.NumberFormat(localeOf(options), {
		style: 'percent',
		maximumFractionDigits: 0
	}).format(rate);
}

/** A count in the reader's language: "12 500" / "12,500". */
export function formatCount(n: number, options?: ReaderOptions): string {
	return new Intl.NumberFormat(localeOf(options)).format(n);
}

/**
 * The plural category of a count in the reader's language ('one', 'other', …), for the rare text
 * built in code. Messages choose their plural themselves (Paraglide `match` variants on
 * `count: plural`); never write "étape(s)".
 */
export function pluralCategory(n: number, options?: ReaderOptions): Intl.LDMLPluralRule {
	return new Intl.PluralRules(localeOf(options)).select(n);
}

/** A file size: "1,5 Mo" / "1.5 MB". */
export function formatSize(bytes: number, options?: ReaderOptions): string {
	const locale = localeOf(options) as 'en' | 'fr';
	const format = (value: number, unit: string) =>
		`${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value)} ${unit}`;
	if (bytes >= 1024 * 1024) return format(bytes / (1024 * 1024), m.feed_unit_mb({}, { locale }));
	if (bytes >= 1024) return format(bytes / 1024, m.feed_unit_kb({}, { locale }));
	return format(bytes, m.feed_unit_bytes({}, { locale }));
}

/**
 * This page's URL with some search parameters changed (null or '' removes one). Built from the
 * page's own resolved pathname, so it is already a resolved link.
 */
export function withParams(url: URL, changes: Record<string, string | null>): ResolvedPathname {
	const params = new URLSearchParams(url.search);
	for (const [key, value] of Object.entries(changes)) {
		if (value === null || value === '') params.delete(key);
		else params.set(key, value);
	}
	const query = params.toString();
	return (query ? `${url.pathname}?${query}` : url.pathname) as ResolvedPathname;
}

/** Is this a time zone the app accepts ('UTC' or one of Intl's IANA zones)? */
export function isTimeZone(value: string): boolean {
	return value === 'UTC' || supportedTimeZones().includes(value);
}

let zones: string[] | undefined;

/** Every zone a person may choose: 'UTC' and Intl's IANA zones, sorted. */
export function supportedTimeZones(): string[] {
	zones ??= [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])].sort();
	return zones;
}

/** A zone as a person reads it: "Europe/Paris · heure d’Europe centrale". */
export function timeZoneLabel(zone: string, options?: ReaderOptions): string {
	const key = `${localeOf(options)} ${zone}`;
	let label = zoneLabels.get(key);
	if (label === undefined) {
		label = readableZone(zone, options);
		zoneLabels.set(key, label);
	}
	return label;
}

// A select lists ~420 zones: each label is built once per language.
const zoneLabels = new Map<string, string>();

function readableZone(zone: string, options?: ReaderOptions): string {
	const name = new Intl.DateTimeFormat(localeOf(options), {
		timeZone: zone,
		timeZoneName: 'longGeneric'
	})
		.formatToParts(new Date())
		.find((part) => part.type === 'timeZoneName')?.value;
	const place = zone.replaceAll('_', ' ');
	return name && name !== zone ? `${place} · ${name}` : place;
}

/**
 * The options of a time zone select; a value sent back after a refusal stays chosen even when it
 * is not a zone of the list.
 */
export function timeZoneOptions(
	zones: string[],
	chosen: string,
	options?: ReaderOptions
): { value: string; label: string }[] {
	const listed = chosen === '' || zones.includes(chosen) ? zones : [chosen, ...zones];
	return listed.map((zone) => ({
		value: zone,
		label: isTimeZone(zone) ? timeZoneLabel(zone, options) : zone
	}));
}

/**
 * The calendar day ('YYYY-MM-DD') a moment falls on in a zone: "today" for period boundaries
 * (months, quarters) is this day in the workspace zone, not in UTC.
 */
export function dayInZone(at: Date, timeZone: string): string {
	const { year, month, day } = wallTimeAt(timeZone, at);
	return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
