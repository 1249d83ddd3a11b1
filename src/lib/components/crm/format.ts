import { getLocale } from '$lib/paraglide/runtime';

/** An amount in cents as money in the page's language ("12 500,50 €"). */
export function formatMoney(cents: number, currency: string): string {
	return new Intl.NumberFormat(getLocale(), { style: 'currency', currency }).format(cents / 100);
}

/** A 'YYYY-MM-DD' day in the page's language, without time zone drift. */
export function formatDay(day: string | null | undefined): string {
	if (!day) return '';
	const date = new Date(`${day}T12:00:00Z`);
	if (Number.isNaN(date.getTime())) return day;
	return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(
		date
	);
}

/** Cents as a form shows them again, in the page's language ("12500,5" in French). */
export function amountInput(cents: number): string {
	const euros = cents / 100;
	const text = Number.isInteger(euros) ? String(euros) : euros.toFixed(2);
	return getLocale() === 'fr' ? text.replace('.', ',') : text;
}

/** The values a form starts from: what was typed (after a refusal) over the record's own. */
export function formValues(
	base: Record<string, string>,
	typed: Record<string, string> | null | undefined
): Record<string, string> {
	return { ...base, ...(typed ?? {}) };
}
