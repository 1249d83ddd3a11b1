import { authorize, canImport, requireUser } from '$lib/server/access';
import { listImports } from '$lib/server/imports';
import { IMPORT_KINDS } from '$lib/shared/enums';
import type { PageServerLoad } from './$types';

/** The person's own imports, newest first. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	authorize(IMPORT_KINDS.some((kind) => canImport(user, kind)));
	return { imports: await listImports(locals.runtime.db, user) };
};
