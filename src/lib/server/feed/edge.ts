import { error, fail, type ActionFailure } from '@sveltejs/kit';
import type { z } from 'zod';
import type { FormFailure, MessageRef } from '../../shared/forms.ts';
import { forbiddenFormFields } from '../http/forms.ts';
import { readJsonBody } from '../http/json.ts';
import { markForbiddenCharacters, TEXT_CHARACTERS_KEY } from '../../shared/text-input.ts';
import { FEED_ERROR_MESSAGES, FEED_ERROR_STATUS, FeedError } from './errors.ts';

// Routes only: how a feed refusal reaches the person. An unknown or unreadable channel or post is
// the 404 page (never a hint that it exists); anything else goes back to the form that sent it,
// with its message next to the field and what was typed kept (a long body is never cut: the form
// keeps it in the browser, we only echo the short fields).

export type FeedActionTag = { action: string; id?: string };
export type FeedFailure = FormFailure & FeedActionTag;

export function feedNotFound(): never {
	error(404, { message: 'Not found', code: 'NOT_FOUND' });
}

const SHORT = 2_000;

function failureOf(
	formData: FormData | null,
	key: string,
	field: string | undefined,
	tag: FeedActionTag
): FeedFailure {
	const values: Record<string, string> = {};
	if (formData) {
		for (const name of new Set(formData.keys())) {
			const all = formData.getAll(name).filter((v): v is string => typeof v === 'string');
			const value = all.join(',');
			if (value.length <= SHORT)
				values[markForbiddenCharacters(name)] = markForbiddenCharacters(value);
		}
	}
	const ref: MessageRef = { key };
	return { message: ref, fieldErrors: field ? { [field]: ref } : {}, values, ...tag };
}

/** The message key of a zod issue on a feed body ('empty', 'too_long') or another field. */
function keyOfIssue(issue: z.core.$ZodIssue): string {
	if (issue.message === 'empty' || (issue.code === 'too_small' && issue.origin === 'string'))
		return FEED_ERROR_MESSAGES.EMPTY;
	if (issue.message === 'too_long' || issue.code === 'too_big') return FEED_ERROR_MESSAGES.TOO_LONG;
	return 'error_invalid';
}

/** Validates a form with a shared schema; a failure keeps the typed values. */
export function parseFeedForm<S extends z.ZodType>(
	schema: S,
	formData: FormData,
	tag: FeedActionTag
): { ok: true; data: z.output<S> } | { ok: false; failure: ActionFailure<FeedFailure> } {
	// The edge check every form gets (http/forms.ts), before the schema.
	const forbidden = forbiddenFormFields(formData);
	const [first] = Object.keys(forbidden);
	if (first !== undefined) {
		const failure = failureOf(formData, forbidden[first].key, undefined, tag);
		return { ok: false, failure: fail(400, { ...failure, fieldErrors: forbidden }) };
	}
	const raw: Record<string, unknown> = {};
	for (const key of new Set(formData.keys())) {
		const all = formData.getAll(key).filter((v): v is string => typeof v === 'string');
		raw[key] = key === 'attachmentIds' || key === 'organisationIds' ? all : all[0];
	}
	const result = schema.safeParse(raw);
	if (result.success) return { ok: true, data: result.data };
	const issue = result.error.issues[0];
	const field = String(issue?.path[0] ?? 'body');
	const failure = failureOf(formData, issue ? keyOfIssue(issue) : 'error_invalid', field, tag);
	for (const other of result.error.issues.slice(1)) {
		const name = String(other.path[0] ?? '_form');
		failure.fieldErrors[name] ??= { key: keyOfIssue(other) };
	}
	return { ok: false, failure: fail(400, failure) };
}

/** Runs a feed command for a form action: a FeedError becomes a form failure or the 404 page. */
export async function runFeedAction<T>(
	formData: FormData,
	tag: FeedActionTag,
	work: () => Promise<T>
): Promise<{ ok: true; value: T } | { ok: false; failure: ActionFailure<FeedFailure> }> {
	try {
		return { ok: true, value: await work() };
	} catch (cause) {
		if (!(cause instanceof FeedError)) throw cause;
		if (cause.code === 'NOT_FOUND') feedNotFound();
		if (cause.code === 'FORBIDDEN') error(403, { message: 'Forbidden', code: cause.code });
		const failure = failureOf(formData, FEED_ERROR_MESSAGES[cause.code], cause.field, tag);
		return { ok: false, failure: fail(FEED_ERROR_STATUS[cause.code], failure) };
	}
}

// ── JSON endpoints ──────────────────────────────────────────────────────────────────────────────

export function feedJson(body: unknown, status = 200): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }
	});
}

/** English sentences of the JSON answers (the pages translate `key`, a messages/feed key). */
const SENTENCES: Record<string, string> = {
	EMPTY: 'Write something first.',
	TOO_LONG: 'This text is too long.',
	NOT_FOUND: 'Not found.',
	FORBIDDEN: 'You may not do this here.',
	MENTION_FORBIDDEN: 'You mention someone who cannot read this channel.',
	REFERENCE_FORBIDDEN: 'You refer to a record you cannot see.',
	ATTACHMENT_INVALID: 'An attachment is not one of your uploads.',
	ATTACHMENT_TOO_LARGE: 'A file is too large.',
	ATTACHMENT_TYPE: 'This type of file is not accepted.',
	ATTACHMENT_MISMATCH: 'The file does not match its type.',
	CHANNEL_ARCHIVED: 'This channel is archived.',
	COMMUNITY_NEEDS_PARTNERS: 'A community channel needs at least two partner companies.',
	ALREADY_REPORTED: 'You already reported this post.'
};

export const feedJsonFailure = (
	status: number,
	message: string,
	code?: string,
	field?: string,
	key?: string
): Response => feedJson({ message, code, field, key }, status);

export const feedUnauthorised = () => feedJsonFailure(401, 'Sign in first.', 'UNAUTHORISED');
export const feedJsonNotFound = () => feedJsonFailure(404, 'Not found.', 'NOT_FOUND');

/** A FeedError as a JSON answer (400 with {message, code, field}); others rethrow. */
export function feedJsonError(cause: unknown): Response {
	if (!(cause instanceof FeedError)) throw cause;
	if (cause.code === 'NOT_FOUND') return feedJsonNotFound();
	return feedJsonFailure(
		FEED_ERROR_STATUS[cause.code],
		SENTENCES[cause.code] ?? cause.code,
		cause.code,
		cause.field,
		FEED_ERROR_MESSAGES[cause.code]
	);
}

/** The JSON body of a POST parsed with `schema`, or the response to send (403 / 415 / 400). */
export async function readFeedJson<S extends z.ZodType>(
	request: Request,
	url: URL,
	schema: S
): Promise<z.output<S> | Response> {
	// SvelteKit checks the origin of form posts only; a JSON body needs the same protection.
	if (request.headers.get('origin') !== url.origin) {
		return feedJsonFailure(403, 'This request must come from Relais itself.', 'FORBIDDEN');
	}
	if (!(request.headers.get('content-type') ?? '').startsWith('application/json')) {
		return feedJsonFailure(415, 'Send JSON (content-type: application/json).', 'INVALID');
	}
	const read = await readJsonBody(request);
	if (!read.ok) {
		const key = read.reason === 'characters' ? TEXT_CHARACTERS_KEY : undefined;
		return feedJsonFailure(400, read.message, 'INVALID', read.field, key);
	}
	const parsed = schema.safeParse(read.body);
	if (parsed.success) return parsed.data;
	const issue = parsed.error.issues[0];
	const key = issue ? keyOfIssue(issue) : 'error_invalid';
	const code =
		key === FEED_ERROR_MESSAGES.EMPTY
			? 'EMPTY'
			: key === FEED_ERROR_MESSAGES.TOO_LONG
				? 'TOO_LONG'
				: 'INVALID';
	const field = issue ? String(issue.path[0] ?? '') : undefined;
	return feedJsonFailure(400, SENTENCES[code] ?? 'Invalid input.', code, field, key);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An optional id query parameter: undefined when absent, null when malformed. */
export function idParam(url: URL, name: string): string | undefined | null {
	const value = url.searchParams.get(name);
	if (value === null || value === '') return undefined;
	return UUID.test(value) ? value : null;
}
