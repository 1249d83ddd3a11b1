import { m } from '../../paraglide/messages.js';
import { getLocale } from '../../paraglide/runtime.js';
import { findForbiddenInJson } from '../../shared/text-input.ts';

// The one reader of JSON request bodies: every endpoint that takes JSON reads it here, so the
// edge check of text (shared/text-input.ts) applies to each of them, and to new ones for free.

export type JsonBody =
	| { ok: true; body: unknown }
	| { ok: false; reason: 'syntax' | 'characters'; message: string; field?: string };

/** The request's JSON body, or why it cannot be used (a message in the person's language). */
export async function readJsonBody(request: Request): Promise<JsonBody> {
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		return { ok: false, reason: 'syntax', message: 'The request body must be JSON.' };
	}
	const at = findForbiddenInJson(body);
	if (at !== null) {
		const message = m.error_text_characters_request({}, { locale: getLocale() });
		return { ok: false, reason: 'characters', message, field: at.split('.')[0] || undefined };
	}
	return { ok: true, body };
}
