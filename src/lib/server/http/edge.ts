import { error, fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { m } from '../../paraglide/messages.js';
import { issueToMessage, type FormFailure, type MessageRef } from '../../shared/forms.ts';
import { TEXT_CHARACTERS_KEY } from '../../shared/text-input.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { DOMAIN_ERRORS, DomainError, type DomainErrorCode } from '../errors.ts';
import { keptValues } from './forms.ts';
import { readJsonBody } from './json.ts';

// The one edge: where a domain refusal (DomainError, errors.ts) reaches the person, the same way in
// every domain.
//
// - A form action (runAction): the form again, with the message (beside its field when it is
//   about one) and what was typed kept — FORBIDDEN included (403). NOT_FOUND, and a stale edit of
//   a record that is gone, are the 404 page: never a hint that something exists.
// - A load (runLoad, errorPage): the error page of the code's status.
// - A JSON endpoint (jsonEndpoint, jsonRefusal): `{ message, code, field? }` with the code's status,
//   the message in the reader's language.
//
// Messages are Paraglide keys: a form failure carries the key (the page translates it); a page or
// a JSON answer is translated here, in getLocale()'s language (routes run inside handleLocale).

type MessageFn = (params?: Record<string, unknown>) => string;
const messages = m as unknown as Record<string, MessageFn | undefined>;

/** A message reference in the reader's language (the key itself when unknown). */
export function translate(ref: MessageRef): string {
	const fn = messages[ref.key];
	return fn ? fn(ref.params ?? {}) : ref.key;
}

// ── Form actions ────────────────────────────────────────────────────────────────────────────────

/** Which form of the page answered (pages have several; per-row forms name their row). */
export type ActionTag = { action: string; id?: string };
/** A stale edit: the record as saved now (theirs) and its version; what was typed is `values`. */
export type Conflict = { theirs: Record<string, unknown>; version: number };
export type EdgeFailure = FormFailure &
	ActionTag & {
		/** The refusal's code (absent when the form itself was invalid). */
		code?: DomainErrorCode;
		conflict?: Conflict;
		/** ALREADY_EXISTS: the plan that exists, when the person may open it. */
		existingPlanId?: string;
	};
export type EdgeSuccess = ActionTag & { success: MessageRef };
export type Outcome<T> =
	{ ok: true; value: T } | { ok: false; failure: ActionFailure<EdgeFailure> };

/** The form again with the schema's field errors (parseForm's failure). */
export function invalid(failure: FormFailure, tag: ActionTag): ActionFailure<EdgeFailure> {
	return fail(400, { ...failure, ...tag });
}

export function succeeded(tag: ActionTag, key: string, params?: MessageRef['params']): EdgeSuccess {
	return { ...tag, success: { key, params } };
}

/** The 404 page: unknown, or not the person's to see. */
export function notFound(): never {
	error(404, { message: translate({ key: 'error_not_found' }), code: 'NOT_FOUND' });
}

/** A refusal as the error page of its status. */
export function errorPage(cause: DomainError): never {
	error(cause.status, { message: translate(cause.messageRef), code: cause.code });
}

/** A refusal as the answer of the form that sent `formData`. */
export function formFailure(
	cause: DomainError,
	formData: FormData,
	tag: ActionTag
): ActionFailure<EdgeFailure> {
	if (cause.code === 'NOT_FOUND' || (cause.code === 'STALE' && !cause.current)) notFound();
	const message = cause.messageRef;
	const failure: EdgeFailure = {
		message,
		fieldErrors: cause.field ? { [cause.field]: message } : {},
		values: keptValues(formData),
		...tag,
		code: cause.code
	};
	if (cause.current) {
		failure.conflict = { theirs: cause.current, version: Number(cause.current.version) };
	}
	if (cause.existingId) failure.existingPlanId = cause.existingId;
	return fail(cause.status, failure);
}

/** Runs a command for a form action: a DomainError becomes the form's answer, others rethrow. */
export async function runAction<T>(
	formData: FormData,
	tag: ActionTag,
	work: () => Promise<T>
): Promise<Outcome<T>> {
	try {
		return { ok: true, value: await work() };
	} catch (cause) {
		if (!(cause instanceof DomainError)) throw cause;
		return { ok: false, failure: formFailure(cause, formData, tag) };
	}
}

/** Runs domain work for a load: a DomainError becomes its error page, others rethrow. */
export async function runLoad<T>(work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (cause) {
		if (cause instanceof DomainError) errorPage(cause);
		throw cause;
	}
}

// ── JSON endpoints ──────────────────────────────────────────────────────────────────────────────

/** A JSON answer nobody caches. */
export function jsonAnswer(body: unknown, status = 200, headers?: HeadersInit): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }
	});
}

/** `{ message, code?, field?, key? }`: the message in the reader's language, the key for pages. */
export function jsonMessage(
	status: number,
	ref: MessageRef,
	extra: { code?: string; field?: string; headers?: HeadersInit } = {}
): Response {
	const { headers, ...rest } = extra;
	return jsonAnswer({ message: translate(ref), ...rest, key: ref.key }, status, headers);
}

/** A refusal as a JSON answer. */
export function jsonRefusal(cause: DomainError): Response {
	return jsonMessage(cause.status, cause.messageRef, { code: cause.code, field: cause.field });
}

export const jsonNotFound = (): Response =>
	jsonMessage(404, { key: 'error_not_found' }, { code: 'NOT_FOUND' });

/** A query parameter that must be an id or absent; the 400 to answer otherwise. */
export const jsonInvalidParameter = (name: string): Response =>
	jsonMessage(400, { key: 'error_json_parameter', params: { name } }, { code: 'INVALID' });

type Input<S> = S extends z.ZodType ? z.output<S> : undefined;

export type JsonEndpointOptions<S extends z.ZodType | undefined> = {
	/** The body's schema: the request must be JSON, read by readJsonBody, then parsed with it. */
	body?: S;
	/** The message of a body the schema refuses (a Paraglide key: what to send); else the issue's. */
	hint?: string;
	// Authentication: always the session, checked before the body is read. A webhook (a caller
	// authenticated by a signature over its body, http/origin.ts SIGNATURE_AUTHENTICATED_ROUTES)
	// would add an option here that verifies the signature instead; none exists yet.
};

export type JsonContext<S, E extends RequestEvent = RequestEvent> = {
	event: E;
	user: SessionUser;
	body: Input<S>;
};

/** The code whose message a schema names for a check (`.min(1, 'feed_error_empty')` → EMPTY). */
const CODE_OF_KEY = new Map<string, string>(
	Object.entries(DOMAIN_ERRORS).map(([code, spec]) => [spec.key, code])
);

/** A JSON body refused by its schema: 400 with the hint, or the first issue's message. */
function bodyRefusal(issues: z.core.$ZodIssue[], hint: string | undefined): Response {
	const issue = issues[0];
	const field = issue ? String(issue.path[0] ?? '') || undefined : undefined;
	const own = issue ? issueToMessage(issue) : { key: 'error_invalid' };
	const code = CODE_OF_KEY.get(own.key) ?? 'INVALID';
	return jsonMessage(400, hint ? { key: hint } : own, { code, field });
}

/**
 * The plumbing of every JSON endpoint: the signed-in person (401 otherwise, before a byte of the
 * body is read), the body (415 when not JSON, 400 when unreadable or refused by the schema), then
 * the handler, whose DomainError becomes a JSON refusal. Every message in the reader's language.
 */
export function jsonEndpoint<
	E extends RequestEvent = RequestEvent,
	S extends z.ZodType | undefined = undefined
>(
	options: JsonEndpointOptions<S>,
	handler: (context: JsonContext<S, E>) => Promise<Response> | Response
): (event: E) => Promise<Response> {
	return async (event) => {
		const user = event.locals.user;
		if (!user) return jsonMessage(401, { key: 'error_sign_in_first' }, { code: 'UNAUTHENTICATED' });
		let body: unknown = undefined;
		if (options.body) {
			const type = event.request.headers.get('content-type') ?? '';
			if (!type.startsWith('application/json')) {
				return jsonMessage(415, { key: 'error_json_content_type' }, { code: 'INVALID' });
			}
			const read = await readJsonBody(event.request);
			if (!read.ok) {
				const key = read.reason === 'characters' ? TEXT_CHARACTERS_KEY : 'error_json_syntax';
				return jsonAnswer({ message: read.message, code: 'INVALID', field: read.field, key }, 400);
			}
			const parsed = options.body.safeParse(read.body);
			if (!parsed.success) return bodyRefusal(parsed.error.issues, options.hint);
			body = parsed.data;
		}
		try {
			return await handler({ event, user, body: body as Input<S> });
		} catch (cause) {
			if (cause instanceof DomainError) return jsonRefusal(cause);
			throw cause;
		}
	};
}
