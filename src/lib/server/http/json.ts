import { m } from '../../paraglide/messages.js';
import { findForbiddenInJson } from '../../shared/text-input.ts';

// The one reader of JSON request bodies: every endpoint that takes JSON reads it here, so the
// edge check of text (shared/text-input.ts) applies to each of them, and to new ones for free.
// Its messages are in getLocale()'s language: the asker's (http/locale.ts), as routes run inside
// handleLocale.

export type JsonBody =
	| { ok: true; body: unknown }
	| { ok: false; reason: 'syntax' | 'characters'; message: string; field?: string };

/** The request's JSON body, or why it cannot be used (a message in the person's language). */
export async function readJsonBody(request: Request): Promise<JsonBody> {
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		return { ok: false, reason: 'syntax', message: m.error_json_syntax() };
	}
	const at = findForbiddenInJson(body);
	if (at !== null) {
		const message = m.error_text_characters_request();
		return { ok: false, reason: 'characters', message, field: at.split('.')[0] || undefined };
	}
	return { ok: true, body };
}
