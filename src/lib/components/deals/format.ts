import { getLocale } from '$lib/paraglide/runtime';

/** Cents of the workspace currency, in the reader's language: "12 500,50 €" / "€12,500.50". */
export function formatMoney(cents: number, currency: string): string {
	return new Intl.NumberFormat(getLocale(), { style: 'currency', currency }).format(cents / 100);
}

/** A calendar day ('YYYY-MM-DD'), the same day for every reader whatever their time zone. */
export function formatDay(day: string | null): string {
	if (!day) return '—';
	return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(
		new Date(`${day}T00:00:00Z`)
	);
}

/** A moment, as a date. */
export function formatDate(at: Date | string | null): string {
	if (!at) return '—';
	return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium' }).format(new Date(at));
}
