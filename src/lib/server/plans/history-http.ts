import type { z } from 'zod';
import type { SessionUser } from '../auth/sessions.ts';
import type { Db } from '../db/client.ts';
import type { PlanDocument } from '../../shared/enums.ts';
import { readJsonBody } from '../http/json.ts';
import { resolvePlanAccess, type ResolvedPlan } from './access.ts';

// What the JSON endpoints of plan history and comments share: the signed-in person, the origin
// check (SvelteKit checks the origin of form posts only), the JSON body against a zod schema,
// and the plan's access — a plan or document the person may not open is a 404, never a 403.

export function jsonResponse(body: unknown, status = 200): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }
	});
}

export const failure = (status: number, message: string) => jsonResponse({ message }, status);
export const notFound = () => failure(404, 'Not found.');

export type Guarded = { user: SessionUser; resolved: ResolvedPlan };

/** The person and the plan's access, or the response to send (401 / 404). */
export async function guardPlan(
	db: Db,
	user: SessionUser | null,
	planId: string,
	document?: PlanDocument
): Promise<Guarded | Response> {
	if (!user) return failure(401, 'Sign in first.');
	const resolved = await resolvePlanAccess(db, user, planId);
	if (!resolved || resolved.access === 'none') return notFound();
	if (document === 'internal' && resolved.internal === 'none') return notFound();
	return { user, resolved };
}

/** The JSON body parsed with `schema`, or the response to send (403 / 400). */
export async function readJson<T extends z.ZodType>(
	request: Request,
	url: URL,
	schema: T,
	hint: string
): Promise<z.infer<T> | Response> {
	if (request.headers.get('origin') !== url.origin) {
		return failure(403, 'This request must come from Relais itself.');
	}
	if (!(request.headers.get('content-type') ?? '').startsWith('application/json')) {
		return failure(415, 'Send JSON (content-type: application/json).');
	}
	const read = await readJsonBody(request);
	if (!read.ok) return failure(400, read.message);
	const parsed = schema.safeParse(read.body);
	if (!parsed.success) return failure(400, hint);
	return parsed.data;
}

/** The `document` query parameter: 'shared' (default) or 'internal'; null when invalid. */
export function documentParam(url: URL): PlanDocument | null {
	const value = url.searchParams.get('document') ?? 'shared';
	return value === 'shared' || value === 'internal' ? value : null;
}
