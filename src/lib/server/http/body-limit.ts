// How a body beyond its limit is refused, shared by the SvelteKit hook (each route's limit) and
// server/ (the largest limit, before the app): one readable 413, shaped for whoever asked
// (refusal.ts).
import {
	assertBodySize,
	BODY_LIMITS,
	BodyTooLargeError,
	bodyTooLargeMessage,
	LARGEST_BODY_LIMIT,
	ROUTE_BODY_LIMITS,
	type BodyLocale
} from './limits.ts';
import { refusalAnswer, refusalResponse, type Refusal } from './refusal.ts';
import type { Logger } from '../log/index.ts';

/** What a route accepts, by SvelteKit route id (1 MB unless it declares more). */
export function routeBodyLimit(routeId: string | null): number {
	return (routeId && ROUTE_BODY_LIMITS[routeId]) || BODY_LIMITS.default;
}

/** The 413 for a body over `limitBytes`; its page's link goes back to the form, which keeps what was typed. */
function tooLarge(limitBytes: number, locale: BodyLocale): Refusal {
	const fr = locale === 'fr';
	return {
		status: 413,
		message: bodyTooLargeMessage(limitBytes, locale),
		title: fr ? 'Envoi trop volumineux' : 'Request too large',
		locale,
		back: { href: 'javascript:history.back()', text: fr ? 'Revenir en arrière' : 'Go back' }
	};
}

/** The 413's body for server/, which answers before SvelteKit (refusal.ts). */
export function tooLargeAnswer(
	asker: { accept: string | null | undefined; action: boolean; api: boolean },
	limitBytes: number,
	locale: BodyLocale
) {
	return refusalAnswer(asker, tooLarge(limitBytes, locale));
}

/**
 * Reads a body sent without Content-Length (chunked), counting its bytes: the bytes when they fit
 * in `limitBytes`, else null. Past the limit the rest is read and dropped rather than cancelled:
 * cancelling the stream destroys the socket and the client would never see the 413. adapter-node
 * errors the stream beyond BODY_SIZE_LIMIT (LARGEST_BODY_LIMIT), which bounds that reading.
 */
export async function readBodyWithin(
	body: ReadableStream<Uint8Array>,
	limitBytes: number
): Promise<Uint8Array<ArrayBuffer> | null> {
	const reader = body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		let next: ReadableStreamReadResult<Uint8Array>;
		try {
			next = await reader.read();
		} catch (error) {
			// adapter-node's own 413 (BODY_SIZE_LIMIT): too large for this route too.
			if (size > limitBytes || (error as { status?: unknown })?.status === 413) return null;
			throw error;
		}
		if (next.done) break;
		size += next.value.byteLength;
		if (size <= limitBytes) chunks.push(next.value);
		else chunks.length = 0;
		// Where adapter-node would have stopped (the dev server has no limit of its own).
		if (size > LARGEST_BODY_LIMIT) return null;
	}
	if (size > limitBytes) return null;
	const bytes = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return bytes;
}

/** Routes that read their body as a stream: a chunked body is counted as they read it. */
const STREAMED_ROUTES = new Set(['/(app)/imports/new']);

export const isStreamedRoute = (routeId: string | null) =>
	routeId !== null && STREAMED_ROUTES.has(routeId);

/**
 * A body sent without Content-Length, passed on as it arrives and counted: beyond `limitBytes`
 * the stream errors with BodyTooLargeError (the route answers the 413) and the rest is read and
 * dropped in the background, so the client sees that answer.
 */
export function countedBody(
	body: ReadableStream<Uint8Array>,
	limitBytes: number
): ReadableStream<Uint8Array> {
	const reader = body.getReader();
	let size = 0;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			let next: ReadableStreamReadResult<Uint8Array>;
			try {
				next = await reader.read();
			} catch (error) {
				// adapter-node's own 413 (BODY_SIZE_LIMIT): too large for this route too.
				if ((error as { status?: unknown })?.status === 413)
					controller.error(new BodyTooLargeError(limitBytes, size));
				else controller.error(error);
				return;
			}
			if (next.done) return controller.close();
			size += next.value.byteLength;
			if (size > limitBytes) {
				controller.error(new BodyTooLargeError(limitBytes, size));
				void (async () => {
					while (!(await reader.read()).done) {
						// dropped
					}
				})().catch(() => {});
				return;
			}
			controller.enqueue(next.value);
		},
		cancel(reason) {
			return reader.cancel(reason);
		}
	});
}

/**
 * The hook's check of a request against its route's limit: a readable 413 for a declared length
 * over it; a body without declared length is read here within the limit (browsers always declare
 * it, other clients may stream), and the route gets a request over those bytes.
 */
export async function limitBody(
	request: Request,
	limitBytes: number,
	locale: BodyLocale,
	streamed = false
): Promise<{ request: Request } | { response: Response }> {
	try {
		assertBodySize(request, limitBytes);
	} catch (error) {
		if (!(error instanceof BodyTooLargeError)) throw error;
		return { response: refusalResponse(request, tooLarge(limitBytes, locale)) };
	}
	if (!request.body || request.headers.has('content-length')) return { request };
	if (streamed) {
		const body = countedBody(request.body, limitBytes);
		return {
			request: new Request(request.url, {
				method: request.method,
				headers: request.headers,
				body,
				signal: request.signal,
				duplex: 'half'
			} as RequestInit)
		};
	}
	const bytes = await readBodyWithin(request.body, limitBytes);
	if (!bytes) return { response: refusalResponse(request, tooLarge(limitBytes, locale)) };
	const headers = new Headers(request.headers);
	headers.delete('transfer-encoding');
	headers.set('content-length', String(bytes.byteLength));
	return {
		request: new Request(request.url, {
			method: request.method,
			headers,
			body: bytes,
			signal: request.signal
		})
	};
}

/**
 * Sets adapter-node's BODY_SIZE_LIMIT (read when build/handler.js is imported) to the largest
 * body the app accepts. It is not a setting: the limits are the routes' own, a lower value would
 * refuse the CSV imports the page allows, a higher one would change nothing. Returns the value
 * found in the environment when it differed, to warn about it.
 */
export function applyBodySizeLimit(env: NodeJS.ProcessEnv): string | undefined {
	const found = env.BODY_SIZE_LIMIT;
	env.BODY_SIZE_LIMIT = String(LARGEST_BODY_LIMIT);
	return found !== undefined && found !== env.BODY_SIZE_LIMIT ? found : undefined;
}

/** Tells, in the log, that a BODY_SIZE_LIMIT from the environment was replaced (applyBodySizeLimit). */
export function warnIgnoredBodySizeLimit(log: Logger, ignored: string | undefined): void {
	if (!ignored) return;
	log.warn(
		{ BODY_SIZE_LIMIT: ignored, used: LARGEST_BODY_LIMIT },
		'BODY_SIZE_LIMIT is not a setting: Relais sets it to the largest body it accepts; remove it from the environment'
	);
}
