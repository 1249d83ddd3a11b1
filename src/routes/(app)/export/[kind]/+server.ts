import { error } from '@sveltejs/kit';
import { requireUser } from '$lib/server/access';
import { canExport, exportCsv, exportFilename, isExportKind } from '$lib/server/exports';
import { getWorkspaceSettings } from '$lib/server/workspace/settings';
import type { RequestHandler } from './$types';

/**
 * CSV of a list (partners, accounts, contacts, opportunities, registrations), limited to what the
 * person may see and filtered like the list (query parameters), streamed batch by batch.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const user = requireUser(locals, url);
	if (!isExportKind(params.kind)) error(404, { message: 'No such list.', code: 'NOT_FOUND' });
	if (!canExport(user, params.kind)) {
		error(403, { message: 'You do not have access to this list.', code: 'FORBIDDEN' });
	}
	const { db } = locals.runtime;
	const { timeZone } = await getWorkspaceSettings(db);
	const body = exportCsv(db, user, params.kind, url.searchParams);
	return new Response(body, {
		headers: {
			'Content-Type': 'text/csv; charset=utf-8',
			'Content-Disposition': `attachment; filename="${exportFilename(params.kind, timeZone)}"`,
			'Cache-Control': 'private, no-store',
			'X-Content-Type-Options': 'nosniff'
		}
	});
};
