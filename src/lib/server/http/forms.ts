import type { z } from 'zod';
import {
	isSecretField,
	issueToMessage,
	type FormFailure,
	type MessageRef
} from '../../shared/forms.ts';

/** What the user typed, minus secrets, to send back with the errors. */
export function keptValues(formData: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [key, value] of formData) {
		if (typeof value === 'string' && !isSecretField(key)) values[key] = value.slice(0, 5000);
	}
	return values;
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; failure: FormFailure };

/** Validates a submitted form at the edge with the shared schema. */
export function parseForm<S extends z.ZodType>(schema: S, formData: FormData): Parsed<z.output<S>> {
	const raw: Record<string, unknown> = {};
	for (const key of new Set(formData.keys())) {
		const all = formData.getAll(key).filter((v): v is string => typeof v === 'string');
		raw[key] = all.length > 1 ? all : all[0];
	}
	const result = schema.safeParse(raw);
	if (result.success) return { ok: true, data: result.data };
	const fieldErrors: Record<string, MessageRef> = {};
	for (const issue of result.error.issues) {
		const field = String(issue.path[0] ?? '_form');
		fieldErrors[field] ??= issueToMessage(issue);
	}
	return {
		ok: false,
		failure: { message: { key: 'error_form' }, fieldErrors, values: keptValues(formData) }
	};
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
