import type { IncomingHttpHeaders } from 'node:http';

export type Locale = 'en' | 'fr';

// The same order as the app (hooks.server.ts and Paraglide): the language cookie the app sets,
// then the browser's Accept-Language, then English (the base locale).
const LOCALE_COOKIE = 'PARAGLIDE_LOCALE';

export function readCookie(header: string | undefined, name: string): string | undefined {
	if (!header) return undefined;
	for (const part of header.split(';')) {
		const index = part.indexOf('=');
		if (index === -1) continue;
		if (part.slice(0, index).trim() !== name) continue;
		const value = part.slice(index + 1).trim();
		try {
			return decodeURIComponent(value);
		} catch {
			return value;
		}
	}
	return undefined;
}

/** French or English for a message written outside SvelteKit (413, 503). */
export function negotiateLocale(headers: IncomingHttpHeaders): Locale {
	const cookie = readCookie(headers.cookie, LOCALE_COOKIE);
	if (cookie === 'fr' || cookie === 'en') return cookie;
	const ranked = (headers['accept-language'] ?? '')
		.split(',')
		.map((entry) => {
			const [tag, ...params] = entry.trim().toLowerCase().split(';');
			const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
			return { lang: tag.split('-')[0], q: q ? Number(q.slice(2)) : 1 };
		})
		.filter((entry) => (entry.lang === 'fr' || entry.lang === 'en') && entry.q > 0)
		.sort((a, b) => b.q - a.q);
	return (ranked[0]?.lang as Locale | undefined) ?? 'en';
}
