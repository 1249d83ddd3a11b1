import { z } from 'zod';

// The one id validator: every id the app takes from outside (route params through the `[x=id]`
// matcher, form and JSON fields, query parameters, cursors, collaboration document names) is
// checked with zod's RFC 9562 UUID, the type of every primary key (`defaultRandom()`: v4).

export const idSchema = z.uuid();

/** Whether a string is an id (a UUID as the database writes them, any case). */
export function isId(value: unknown): value is string {
	return idSchema.safeParse(value).success;
}

/** An optional id query parameter: undefined when absent, null when malformed. */
export function idParam(url: URL, name: string): string | undefined | null {
	const value = url.searchParams.get(name);
	if (value === null || value === '') return undefined;
	return isId(value) ? value : null;
}
