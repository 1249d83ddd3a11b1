import {
	baseLocale,
	cookieName,
	extractLocaleFromRequest,
	isLocale,
	type Locale
} from '../../paraglide/runtime.js';

// The asker's language, one rule for every answer: the language cookie (set by the language
// switch, and at sign-in from the account's stored choice), else the signed-in person's stored
// choice (a new device), else the browser's Accept-Language, else English. handleLocale hands this
// to Paraglide, so inside the handle chain getLocale() gives the same answer; answers built before
// handleLocale (the 403 of another origin, the ended session's 401) or beside it (handleError)
// call requestLocale themselves.

function localeCookie(request: Request): string | undefined {
	for (const part of (request.headers.get('cookie') ?? '').split(';')) {
		const [name, ...value] = part.split('=');
		if (name.trim() === cookieName) return value.join('=').trim();
	}
	return undefined;
}

export function requestLocale(request: Request, user?: { locale?: string | null } | null): Locale {
	const preferred = user?.locale;
	if (preferred && isLocale(preferred) && !localeCookie(request)) return preferred;
	try {
		return extractLocaleFromRequest(request);
	} catch {
		return baseLocale;
	}
}
