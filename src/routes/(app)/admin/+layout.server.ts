import {
	authorize,
	canManageOrganisations,
	canViewAuditLog,
	canViewOutbox,
	requireUser
} from '$lib/server/access';
import type { LayoutServerLoad } from './$types';

// Every /admin page checks its own rule in its load and actions; this is the net under them, so
// a page added later without a check still shows nothing to people who have no admin page at all.
export const load: LayoutServerLoad = ({ locals, url }) => {
	const user = requireUser(locals, url);
	authorize(canManageOrganisations(user) || canViewAuditLog(user) || canViewOutbox(user));
	return {};
};
