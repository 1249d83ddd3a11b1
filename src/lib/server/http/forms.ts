import type { z } from 'zod';
import {
	isSecretField,
	issueToMessage,
	type FormFailure,
	type MessageRef
} from '../../shared/forms.ts';
import {
	hasForbiddenCharacters,
	markForbiddenCharacters,
	TEXT_CHARACTERS_KEY
} from '../../shared/text-input.ts';

/** What the user typed, minus secrets, to send back with the errors (lists as one a,b,c value). */
export function keptValues(formData: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const key of new Set(formData.keys())) {
		if (isSecretField(key)) continue;
		const all = formData.getAll(key).filter((v): v is string => typeof v === 'string');
		if (all.length === 0) continue;
		// Forbidden characters are shown, not sent back as they are: a NUL or a lone surrogate
		// would not survive the page's serialisation either.
		values[markForbiddenCharacters(key)] = markForbiddenCharacters(all.join(',').slice(0, 5000));
	}
	return values;
}

/**
 * The edge check of every form: each field (name or value, file names included) holding a
 * character no text may hold (shared/text-input.ts), with the message to show beside it; empty
 * when the form is clean. parseForm applies it before any schema, so every action gets it.
 */
export function forbiddenFormFields(formData: FormData): Record<string, MessageRef> {
	const fieldErrors: Record<string, MessageRef> = {};
	for (const [key, value] of formData) {
		const text = typeof value === 'string' ? value : value.name;
		if (hasForbiddenCharacters(key) || hasForbiddenCharacters(text)) {
			fieldErrors[markForbiddenCharacters(key)] = { key: TEXT_CHARACTERS_KEY };
		}
	}
	return fieldErrors;
}

/** A refused form when a field holds forbidden characters (forbiddenFormFields), else null. */
export function forbiddenFormFailure(formData: FormData): FormFailure | null {
	const fieldErrors = forbiddenFormFields(formData);
	if (Object.keys(fieldErrors).length === 0) return null;
	return { message: { key: TEXT_CHARACTERS_KEY }, fieldErrors, values: keptValues(formData) };
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; failure: FormFailure };

export type ParseOptions = {
	/** The form's message: 'form' ("correct the fields below", the default) or the first field's. */
	message?: 'form' | 'first-field';
};

/** Whether the schema takes a list at `key` (every value of the field is passed, even one). */
function takesList(schema: z.ZodType, key: string): boolean {
	const shape = (schema as { shape?: Record<string, z.ZodType> }).shape;
	let type: unknown = shape?.[key];
	while (type) {
		const def = (type as { _zod: { def: { type: string; innerType?: unknown; in?: unknown } } })
			._zod.def;
		if (def.type === 'array') return true;
		type = def.type === 'pipe' ? def.in : def.innerType;
	}
	return false;
}

/** Validates a submitted form at the edge with the shared schema (the one form parser). */
export function parseForm<S extends z.ZodType>(
	schema: S,
	formData: FormData,
	options: ParseOptions = {}
): Parsed<z.output<S>> {
	const forbidden = forbiddenFormFailure(formData);
	if (forbidden) return { ok: false, failure: forbidden };
	const raw: Record<string, unknown> = {};
	for (const key of new Set(formData.keys())) {
		const all = formData.getAll(key).filter((v): v is string => typeof v === 'string');
		raw[key] = all.length > 1 || takesList(schema, key) ? all : all[0];
	}
	const result = schema.safeParse(raw);
	if (result.success) return { ok: true, data: result.data };
	const fieldErrors: Record<string, MessageRef> = {};
	for (const issue of result.error.issues) {
		const field = String(issue.path[0] ?? '_form');
		fieldErrors[field] ??= issueToMessage(issue);
	}
	const first = Object.values(fieldErrors)[0];
	const message = options.message === 'first-field' && first ? first : { key: 'error_form' };
	return { ok: false, failure: { message, fieldErrors, values: keptValues(formData) } };
}

/** A failure with one message and no field errors (domain refusals, rate limits). */
export function formMessage(
	formData: FormData,
	key: string,
	params?: MessageRef['params'],
	fieldErrors: Record<string, MessageRef> = {}
): FormFailure {
	return { message: { key, params }, fieldErrors, values: keptValues(formData) };
}
