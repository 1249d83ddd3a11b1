import { getLocale } from '$lib/paraglide/runtime';

/** An amount stored in cents, in the workspace currency and the page's language ("12 500 €"). */
export function formatMoney(cents: number, currency: string): string {
	return new Intl.NumberFormat(getLocale(), {
		style: 'currency',
		currency,
		maximumFractionDigits: 0
	}).format(cents / 100);
}

/** A 'YYYY-MM-DD' day in the page's language, read as a calendar day (no time-zone shift). */
export function formatDay(day: string | null): string {
	if (!day) return '';
	const date = new Date(`${day}T00:00:00Z`);
	if (Number.isNaN(date.getTime())) return '';
	return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(
		date
	);
}
