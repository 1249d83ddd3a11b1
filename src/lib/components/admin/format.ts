import type { ResolvedPathname } from '$app/types';
import { getLocale } from '$lib/paraglide/runtime';

/** A date (and time) in the page's language, e.g. "27 nov. 2025, 14:05". */
export function formatDate(value: Date | string | null | undefined, withTime = false): string {
	if (!value) return '';
	const date = value instanceof Date ? value : new Date(value);
	if (Number.isNaN(date.getTime())) return '';
	return new Intl.DateTimeFormat(getLocale(), {
		dateStyle: 'medium',
		...(withTime ? { timeStyle: 'short' } : {})
	}).format(date);
}

/**
 * This page's URL with some search parameters changed (null removes one). Built from the page's
 * own resolved pathname, so it is already a resolved link.
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
