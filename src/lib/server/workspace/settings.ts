import { eq } from 'drizzle-orm';
import { DEFAULT_TIME_ZONE, dayInZone, isTimeZone } from '../../format/index.ts';
import type { Actor } from '../access/actor.ts';
import { canManageOrganisations } from '../access/policy.ts';
import { recordAudit } from '../audit/index.ts';
import type { Db } from '../db/client.ts';
import { users, workspaceSettings } from '../db/schema.ts';
import { publishLiveEvent, type LiveBus } from '../live/index.ts';
import { DomainError } from '../errors.ts';

// The workspace's settings (one row): today its time zone, the one period boundaries (months,
// quarters) are computed in and every person's default. Read on every request (the reader's zone),
// so each process keeps them in memory; a change publishes `workspace.settings_changed`, on which
// every process forgets its copy (watchWorkspaceSettings), and the changing process at once.

export type WorkspaceSettings = { timeZone: string };

export const SETTINGS_CHANGED = 'workspace.settings_changed';

// Per database (tests run several in one process).
const cache = new WeakMap<Db, Promise<WorkspaceSettings>>();

async function readSettings(db: Db): Promise<WorkspaceSettings> {
	const [row] = await db
		.select({ timeZone: workspaceSettings.timeZone })
		.from(workspaceSettings)
		.where(eq(workspaceSettings.id, true));
	// A zone that is no longer known (an older ICU) falls back to the default rather than break
	// every date of the app.
	const timeZone = row && isTimeZone(row.timeZone) ? row.timeZone : DEFAULT_TIME_ZONE;
	return { timeZone };
}

/** The workspace's settings, from this process's copy. */
export function getWorkspaceSettings(db: Db): Promise<WorkspaceSettings> {
	let settings = cache.get(db);
	if (!settings) {
		settings = readSettings(db);
		cache.set(db, settings);
		settings.catch(() => cache.delete(db));
	}
	return settings;
}

/**
 * Today ('YYYY-MM-DD') as the workspace sees it, in its time zone: every "today" of the app (period
 * boundaries, overdue, "not in the past / future" checks, a file's day) is this day, never the day
 * in UTC or in the server's zone (at 23:30 UTC on 31 March it is already April in Paris).
 */
export function workspaceToday(timeZone: string, now: Date = new Date()): string {
	return dayInZone(now, timeZone);
}

/** Today in the workspace's time zone, from its settings (workspaceToday). */
export async function workspaceDay(db: Db, now: Date = new Date()): Promise<string> {
	return workspaceToday((await getWorkspaceSettings(db)).timeZone, now);
}

/** Forgets this process's copy: the next read goes to the database. */
export function forgetWorkspaceSettings(db: Db): void {
	cache.delete(db);
}

/** Keeps this process's copy fresh when any process changes the settings (runtime start). */
export function watchWorkspaceSettings(db: Db, bus: LiveBus): () => void {
	return bus.subscribe((event) => {
		if (event.type === SETTINGS_CHANGED) forgetWorkspaceSettings(db);
	});
}

/** The zone a person reads moments in: their own choice, else the workspace's. */
export function personTimeZone(
	own: string | null | undefined,
	settings: WorkspaceSettings
): string {
	return own && isTimeZone(own) ? own : settings.timeZone;
}

/** The person's own zone choice (null = the workspace's) and the zone they read in. */
export async function getPersonTimeZone(
	db: Db,
	userId: string
): Promise<{ own: string | null; effective: string }> {
	const [row] = await db
		.select({ timeZone: users.timeZone })
		.from(users)
		.where(eq(users.id, userId));
	const own = row?.timeZone ?? null;
	return { own, effective: personTimeZone(own, await getWorkspaceSettings(db)) };
}

/** An admin changes the workspace time zone: the row, its audit entry, the live event. */
export async function setWorkspaceTimeZone(
	db: Db,
	actor: Actor,
	timeZone: string,
	context: { ip?: string | null } = {}
): Promise<void> {
	if (!canManageOrganisations(actor)) throw new DomainError('FORBIDDEN');
	if (!isTimeZone(timeZone)) throw new Error(`Unknown time zone ${timeZone}`);
	await db.transaction(async (tx) => {
		const [before] = await tx
			.select({ timeZone: workspaceSettings.timeZone })
			.from(workspaceSettings)
			.where(eq(workspaceSettings.id, true))
			.for('update');
		if (before?.timeZone === timeZone) return;
		await tx
			.insert(workspaceSettings)
			.values({ id: true, timeZone, updatedAt: new Date(), updatedById: actor.id })
			.onConflictDoUpdate({
				target: workspaceSettings.id,
				set: { timeZone, updatedAt: new Date(), updatedById: actor.id }
			});
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: actor.organisationId,
			action: 'workspace.time_zone_changed',
			objectType: 'workspace',
			objectId: 'time_zone',
			data: { from: before?.timeZone ?? null, to: timeZone },
			ip: context.ip ?? null
		});
		await publishLiveEvent(tx, {
			type: SETTINGS_CHANGED,
			audience: { everyone: true },
			data: {}
		});
	});
	forgetWorkspaceSettings(db);
}

/** A person chooses the zone they read dates in (null: the workspace's). */
export async function setPersonTimeZone(
	db: Db,
	userId: string,
	timeZone: string | null
): Promise<void> {
	if (timeZone !== null && !isTimeZone(timeZone)) {
		throw new Error(`Unknown time zone ${timeZone}`);
	}
	await db.update(users).set({ timeZone }).where(eq(users.id, userId));
}
