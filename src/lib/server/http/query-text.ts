import type { Handle } from '@sveltejs/kit';
import { m } from '../../paraglide/messages.js';
import { getLocale } from '../../paraglide/runtime.js';
import { hasForbiddenCharacters } from '../../shared/text-input.ts';
import { actionFailure } from './body-limit.ts';

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

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The 400 shaped for whoever asked: an ActionResult, a small page, or `{ message }`. */
export function forbiddenQueryResponse(request: Request, locale: 'en' | 'fr'): Response {
	const message = m.error_text_characters_request({}, { locale });
	const headers = { 'content-language': locale, 'cache-control': 'no-store' };
	if (request.headers.get('x-sveltekit-action') === 'true') {
		return Response.json(actionFailure(400, message), { status: 400, headers });
	}
	if ((request.headers.get('accept') ?? '').includes('text/html')) {
		const title = m.error_text_characters_title({}, { locale });
		const home = locale === 'fr' ? 'Accueil' : 'Home';
		const page = `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} — Relais</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;line-height:1.5;color:#1f2933}a{color:#1d4ed8}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="/">${home}</a></p></main></body>
</html>`;
		return new Response(page, {
			status: 400,
			headers: { ...headers, 'content-type': 'text/html; charset=utf-8' }
		});
	}
	return Response.json({ message }, { status: 400, headers });
}

/** Refuses a request whose query string or route parameters hold a forbidden character. */
export const handleQueryText: Handle = ({ event, resolve }) => {
	if (forbiddenQueryPart(event.url, event.params) !== null) {
		return forbiddenQueryResponse(event.request, getLocale());
	}
	return resolve(event);
};
