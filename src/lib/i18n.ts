import { m } from '$lib/paraglide/messages';
import type { MessageRef } from '$lib/shared/forms';

type MessageFn = (params?: Record<string, unknown>) => string;
const messages = m as unknown as Record<string, MessageFn | undefined>;

/** Translates a message reference sent by the server (form errors, domain refusals). */
export function t(ref: MessageRef | string | undefined | null): string {
	if (!ref) return '';
	const { key, params } = typeof ref === 'string' ? { key: ref, params: undefined } : ref;
	const fn = messages[key];
	return fn ? fn(params ?? {}) : key;
}

/** Translated label of an enumeration value, e.g. label('role', 'rep'). */
export function label(prefix: string, value: string | null | undefined): string {
	if (!value) return '';
	const fn = messages[`${prefix}_${value}`];
	return fn ? fn({}) : value;
}
