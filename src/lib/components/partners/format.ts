import { getLocale } from '$lib/paraglide/runtime';

/** An amount stored in cents, in the workspace currency and the page's language. */
export function formatMoney(cents: number, currency: string): string {
	return new Intl.NumberFormat(getLocale(), {
		style: 'currency',
		currency,
		maximumFractionDigits: 0
	}).format(cents / 100);
}

/** A rate 0–1 as a whole percentage. */
export function formatPercent(rate: number): string {
	return new Intl.NumberFormat(getLocale(), { style: 'percent', maximumFractionDigits: 0 }).format(
		rate
	);
}
