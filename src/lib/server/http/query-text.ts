import type { Handle } from '@sveltejs/kit';
import { m } from '../../paraglide/messages.js';
import { getLocale } from '../../paraglide/runtime.js';
import { hasForbiddenCharacters } from '../../shared/text-input.ts';
import { refusalResponse } from './refusal.ts';

// The edge check of query strings and route parameters: one handle for every route (the search,
// the lists' filters, `q=` of the autocompletes, cursors, tokens in paths), so no page or endpoint
// passes a NUL or another forbidden character (shared/text-input.ts) to SQL. Form bodies are
// checked by parseForm (forms.ts) and JSON bodies by readJsonBody (json.ts), where the refusal can
// name the field and keep what was typed.

/** The first query parameter or route parameter holding a forbidden character, or null. */
export function forbiddenQueryPart(
	url: URL,
	params: Partial<Record<string, string>>
): string | null {
	for (const [key, value] of url.searchParams) {
		if (hasForbiddenCharacters(key) || hasForbiddenCharacters(value)) return key;
	}
	for (const [key, value] of Object.entries(params)) {
		if (value !== undefined && hasForbiddenCharacters(value)) return key;
	}
	return null;
}

/** The 400 (refusal.ts). */
export function forbiddenQueryResponse(request: Request, locale: 'en' | 'fr'): Response {
	return refusalResponse(request, {
		status: 400,
		message: m.error_text_characters_request({}, { locale }),
		title: m.error_text_characters_title({}, { locale }),
		locale,
		back: { href: '/', text: m.error_back_home({}, { locale }) }
	});
}

/** Refuses a request whose query string or route parameters hold a forbidden character. */
export const handleQueryText: Handle = ({ event, resolve }) => {
	if (forbiddenQueryPart(event.url, event.params) !== null) {
		return forbiddenQueryResponse(event.request, getLocale());
	}
	return resolve(event);
};
