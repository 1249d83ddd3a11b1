// Request body limits. adapter-node refuses anything above BODY_SIZE_LIMIT with a bare 413, so
// server/ raises that to the largest body the app accepts (CSV imports) and answers larger ones
// with a readable 413 itself; each route then enforces its own, smaller limit with assertBodySize.

const MB = 1024 * 1024;

export const BODY_LIMITS = {
	/** Forms and JSON: anything a person types. */
	default: 1 * MB,
	/** Routes that take a file (attachments, logos). */
	upload: 10 * MB,
	/** CSV imports: the largest body the app accepts, and adapter-node's BODY_SIZE_LIMIT. */
	import: 50 * MB
} as const;

export type BodyLocale = 'en' | 'fr';

/** Thrown by assertBodySize; routes map it to a 413 with `bodyTooLargeMessage`. */
export class BodyTooLargeError extends Error {
	readonly code = 'BODY_TOO_LARGE' as const;
	readonly status = 413 as const;
	readonly limitBytes: number;
	readonly receivedBytes: number;
	constructor(limitBytes: number, receivedBytes: number) {
		super(bodyTooLargeMessage(limitBytes, 'en'));
		this.name = 'BodyTooLargeError';
		this.limitBytes = limitBytes;
		this.receivedBytes = receivedBytes;
	}
}

/** "50 MB" / "50 Mo": whole megabytes, or one decimal below 10 MB when needed. */
export function formatMegabytes(bytes: number, locale: BodyLocale): string {
	const mb = bytes / MB;
	const rounded = Number.isInteger(mb) || mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10;
	return locale === 'fr' ? `${String(rounded).replace('.', ',')}\u00a0Mo` : `${rounded} MB`;
}

/** The sentence shown to people; files above the upload limit are the usual reason. */
export function bodyTooLargeMessage(limitBytes: number, locale: BodyLocale): string {
	const limit = formatMegabytes(limitBytes, locale);
	const isFile = limitBytes >= BODY_LIMITS.upload;
	if (locale === 'fr') {
		return isFile
			? `Ce fichier est trop volumineux\u00a0: la limite est de ${limit}.`
			: `Ce que vous avez envoyé est trop volumineux\u00a0: la limite est de ${limit}.`;
	}
	return isFile
		? `This file is too large: the limit is ${limit}.`
		: `What you sent is too large: the limit is ${limit}.`;
}

/**
 * Refuses a request whose declared body is larger than the route accepts. A body without
 * Content-Length (chunked) is counted while read instead (body-limit.ts limitBody).
 */
export function assertBodySize(request: { headers: Headers }, limitBytes: number): void {
	const declared = request.headers.get('content-length');
	if (declared === null) return;
	const length = Number(declared);
	if (Number.isFinite(length) && length > limitBytes) {
		throw new BodyTooLargeError(limitBytes, length);
	}
}

/**
 * A feed attachment upload: one file of at most BODY_LIMITS.upload (ATTACHMENT_MAX_BYTES) plus
 * the multipart envelope. POST /api/feed/files refuses larger declared bodies itself, before
 * reading them, with the feed's coded JSON refusal (ATTACHMENT_TOO_LARGE); the hook only stops
 * bodies beyond what any route accepts.
 */
export const ATTACHMENT_BODY_LIMIT = BODY_LIMITS.upload + 256 * 1024;

/**
 * A CSV import upload: one file of at most BODY_LIMITS.import plus the multipart envelope (the
 * kind field, the part headers), so that a file of exactly 50 MB is accepted; the action refuses
 * a larger file that still fits.
 */
export const IMPORT_BODY_LIMIT = BODY_LIMITS.import + 256 * 1024;

/** The largest body any route accepts: adapter-node's BODY_SIZE_LIMIT and server/'s limit. */
export const LARGEST_BODY_LIMIT = IMPORT_BODY_LIMIT;

/** Per-route limits above the default (1 MB), by SvelteKit route id. */
export const ROUTE_BODY_LIMITS: Record<string, number> = {
	'/(app)/imports/new': IMPORT_BODY_LIMIT,
	// The route refuses a declared body over ATTACHMENT_BODY_LIMIT itself, with the feed's coded
	// refusal (ATTACHMENT_TOO_LARGE) that its uploader shows; the hook stops only what no route takes.
	'/api/feed/files': LARGEST_BODY_LIMIT
};
