import { fail } from '@sveltejs/kit';
import { count, eq } from 'drizzle-orm';
import { requireUser } from '$lib/server/access';
import { changePassword, revocationDelivered } from '$lib/server/auth';
import { authFormFailure } from '$lib/server/auth/form-refusal';
import { DomainError } from '$lib/server/errors';
import { tables } from '$lib/server/db';
import { getFeedPreferences, setFeedPreferences } from '$lib/server/feed';
import { parseForm } from '$lib/server/http/forms';
import { changePasswordSchema } from '$lib/shared/schemas/auth';
import { personTimeZoneSchema } from '$lib/shared/schemas/admin';
import { supportedTimeZones } from '$lib/format';
import {
	getPersonTimeZone,
	getWorkspaceSettings,
	setPersonTimeZone
} from '$lib/server/workspace/settings';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const user = requireUser(locals, url);
	const [row] = await locals.runtime.db
		.select({ n: count() })
		.from(tables.sessions)
		.where(eq(tables.sessions.userId, user.id));
	const feed = await getFeedPreferences(locals.runtime.db, user.id);
	const [zone, workspace] = await Promise.all([
		getPersonTimeZone(locals.runtime.db, user.id),
		getWorkspaceSettings(locals.runtime.db)
	]);
	return {
		sessionCount: row?.n ?? 1,
		feed,
		timeZone: { own: zone.own, workspace: workspace.timeZone, zones: supportedTimeZones() }
	};
};

export const actions: Actions = {
	/** The daily e-mail digest of the feed (a checkbox: absent = off). */
	digest: async (event) => {
		const user = requireUser(event.locals);
		const formData = await event.request.formData();
		const dailyDigest = formData.get('dailyDigest') === 'on';
		await setFeedPreferences(event.locals.runtime.db, user.id, { dailyDigest });
		return { digestSaved: true };
	},
	/** The zone the person reads dates in ('' = the workspace's). */
	timeZone: async (event) => {
		const user = requireUser(event.locals);
		const formData = await event.request.formData();
		const parsed = parseForm(personTimeZoneSchema, formData);
		if (!parsed.ok) return fail(400, { ...parsed.failure, timeZoneRefused: true });
		await setPersonTimeZone(event.locals.runtime.db, user.id, parsed.data.timeZone);
		return { timeZoneSaved: true };
	},
	password: async (event) => {
		const user = requireUser(event.locals);
		const sessionId = event.locals.session?.id ?? '';
		const formData = await event.request.formData();
		const parsed = parseForm(changePasswordSchema, formData);
		if (!parsed.ok) return fail(400, parsed.failure);
		try {
			// This session stays (this page and its live connections carry on); the others end.
			await revocationDelivered(event.locals.runtime.bus, (mark) =>
				changePassword(
					event.locals.runtime.db,
					user.id,
					sessionId,
					{ current: parsed.data.current, next: parsed.data.password },
					mark
				)
			);
		} catch (error) {
			if (!(error instanceof DomainError)) throw error;
			// WRONG_PASSWORD beside the current password (its field).
			return authFormFailure(event, formData, error);
		}
		return { passwordChanged: true };
	}
};
