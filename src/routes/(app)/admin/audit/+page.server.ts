import { authorize, canViewAuditLog, requireUser } from '$lib/server/access';
import { listAudit, listAuditActions } from '$lib/server/audit';
import {
	auditNewerCursor,
	listAuditActors,
	listAuditObjectTypes,
	listOrganisations
} from '$lib/server/workspace';
import { auditFilterSchema, searchParamsObject } from '$lib/shared/schemas/admin';
import { getWorkspaceSettings } from '$lib/server/workspace/settings';
import { dayStartIn } from '$lib/shared/zoned-time';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	authorize(canViewAuditLog(user));
	const db = locals.runtime.db;
	const filter = auditFilterSchema.parse(searchParamsObject(url.searchParams));
	// The filter's days are days in the workspace's time zone, from its midnight.
	const { timeZone } = await getWorkspaceSettings(db);
	const query = {
		action: filter.action,
		objectType: filter.objectType,
		actorId: filter.actor,
		organisationId: filter.organisation,
		from: filter.from ? dayStartIn(timeZone, filter.from) : null,
		// "To" is inclusive: everything before the next midnight.
		to: filter.to ? dayStartIn(timeZone, filter.to, 1) : null
	};
	const [entries, actions, objectTypes, actors, organisations] = await Promise.all([
		listAudit(db, { ...query, before: filter.before }),
		listAuditActions(db),
		listAuditObjectTypes(db),
		listAuditActors(db),
		listOrganisations(db)
	]);
	const newest = entries.items[0];
	const newer = filter.before && newest ? await auditNewerCursor(db, query, newest.id) : undefined;
	return {
		filter,
		entries: entries.items,
		olderCursor: entries.nextCursor,
		// undefined: this is the newest page; null: the newer page is the first one.
		newerCursor: filter.before ? (newer === undefined ? null : newer) : undefined,
		actions,
		objectTypes,
		actors,
		organisations: organisations.map((o) => ({ id: o.id, name: o.name }))
	};
};
