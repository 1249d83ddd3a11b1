import {
	canManageOrganisations,
	canManagePeopleOf,
	canViewAuditLog,
	canViewOutbox,
	canModerateFeed,
	canImport,
	canViewPartnerDirectory,
	requireUser,
	isPartnerActor
} from '$lib/server/access';
import { countUnread, listNotifications } from '$lib/server/notifications';
import { IMPORT_KINDS } from '$lib/shared/enums';
import type { LayoutServerLoad } from './$types';

/** Everything behind login: who is asking, what the navigation shows, the notifications menu. */
export const load: LayoutServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const db = locals.runtime.db;
	const ownOrganisation = { id: user.organisationId, kind: user.organisationKind };
	const [unread, latest] = await Promise.all([
		countUnread(db, user.id),
		listNotifications(db, user.id, { limit: 8 })
	]);
	return {
		user,
		currency: locals.runtime.config.currency,
		nav: {
			partners: canViewPartnerDirectory(user),
			imports: IMPORT_KINDS.some((kind) => canImport(user, kind)),
			admin: {
				users: canManageOrganisations(user),
				organisations: canManageOrganisations(user),
				audit: canViewAuditLog(user),
				outbox: canViewOutbox(user),
				reports: canModerateFeed(user),
				settings: canManageOrganisations(user)
			},
			company: isPartnerActor(user) && canManagePeopleOf(user, ownOrganisation)
		},
		notifications: { unread, items: latest.items }
	};
};
