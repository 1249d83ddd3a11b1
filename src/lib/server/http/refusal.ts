// The one shape of the app's early refusals (413 body too large, 403 another origin, 400
// unreadable text): whoever asked gets something they can read. An enhanced form (SvelteKit's
// `enhance` sends `x-sveltekit-action: true` and shows nothing else) gets an ActionResult, a
// browser a small calm page, any other client and every /api/* route `{ message }` JSON. Used by
// the hooks and by server/ (answers written before SvelteKit, through refusalAnswer).

export type Refusal = {
	status: number;
	/** The sentence shown, already in `locale`. */
	message: string;
	/** The page's heading. */
	title: string;
	locale: string;
	/** Where the page's link goes: home, or back to the form (which keeps what was typed). */
	back: { href: '/' | 'javascript:history.back()'; text: string };
	/** A machine-readable code for JSON clients. */
	code?: string;
};

export type RefusalAnswer = { contentType: string; body: string };

const JSON_TYPE = 'application/json; charset=utf-8';

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A failed form action as SvelteKit's `enhance` reads it (`deserialize`): `data` is encoded with
 * devalue. For `{ message }` devalue's encoding is this array (the object pointing at index 1,
 * then the string); written out here because devalue is only a dependency of SvelteKit.
 */
export function actionFailure(status: number, message: string) {
	return { type: 'failure' as const, status, data: JSON.stringify([{ message: 1 }, message]) };
}

/**
 * Reads a refused body to its end in the background, dropping it: left unread, the upload stalls
 * and the browser never shows the answer; cancelled, the socket is destroyed (a reset). Declared
 * lengths beyond LARGEST_BODY_LIMIT never get here (server/ refuses them first).
 */
export async function dropBody(body: ReadableStream<Uint8Array>): Promise<void> {
	const reader = body.getReader();
	while (!(await reader.read()).done) {
		// dropped
	}
}

function refusalPage(refusal: Refusal): string {
	const { title, message, locale, back } = refusal;
	return `<!doctype html>
<html lang="${escapeHtml(locale)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} — Relais</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;line-height:1.5;color:#1f2933}a{color:#1d4ed8}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p><a href="${back.href}">${escapeHtml(back.text)}</a></p></main></body>
</html>`;
}

/** The refusal's body for whoever asked (see the top of this file). */
export function refusalAnswer(
	asker: { accept: string | null | undefined; action: boolean; api: boolean },
	refusal: Refusal
): RefusalAnswer {
	const { status, message, code } = refusal;
	if (asker.action) {
		return { contentType: JSON_TYPE, body: JSON.stringify(actionFailure(status, message)) };
	}
	if (!asker.api && (asker.accept ?? '').includes('text/html')) {
		return { contentType: 'text/html; charset=utf-8', body: refusalPage(refusal) };
	}
	return { contentType: JSON_TYPE, body: JSON.stringify(code ? { message, code } : { message }) };
}

/** The refusal as a Response; a body the request still carries is read and dropped. */
export function refusalResponse(request: Request, refusal: Refusal): Response {
	if (request.body && !request.bodyUsed) dropBody(request.body).catch(() => {});
	const answer = refusalAnswer(
		{
			accept: request.headers.get('accept'),
			action: request.headers.get('x-sveltekit-action') === 'true',
			api: new URL(request.url).pathname.startsWith('/api/')
		},
		refusal
	);
	return new Response(answer.body, {
		status: refusal.status,
		headers: {
			'content-type': answer.contentType,
			'content-language': refusal.locale,
			'cache-control': 'no-store'
		}
	});
}
