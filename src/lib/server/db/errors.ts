// PostgreSQL's error codes the app reacts to (both drivers report them as `code`, on the error or
// on one of its causes: drizzle wraps the driver's error).

const UNIQUE_VIOLATION = '23505';

/** A unique constraint refused the write: two requests creating one thing at the same moment. */
export function isUniqueViolation(cause: unknown): boolean {
	const seen = new Set<unknown>();
	for (let e: unknown = cause; e && typeof e === 'object' && !seen.has(e);) {
		seen.add(e);
		if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
		e = (e as { cause?: unknown }).cause;
	}
	return false;
}
