import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { plans } from '../db/schema.ts';
import type { LiveBus } from '../live/bus.ts';
import { publishLiveEvent, type LiveEvent } from '../live/events.ts';
import type { Logger } from '../log/index.ts';

// "Who is editing each plan right now", for the plans list. Each collaboration process publishes
// the people connected to a plan's SHARED document on that process (`plan.presence`, debounced,
// re-published every 30 s while someone is there); every app process keeps the union per plan in
// a registry, and forgets a process's entry when it stops re-publishing. Internal notes are never
// counted: who is in them is host-only information.

export const PLAN_PRESENCE = 'plan.presence';
/** A collaboration process re-publishes a non-empty presence this often. */
export const PRESENCE_REFRESH_MS = 30_000;
/** An entry not refreshed for this long is dropped (its process died or lost the bus). */
export const PRESENCE_TTL_MS = 75_000;
const PUBLISH_DEBOUNCE_MS = 1_000;

export type PlanEditor = { id: string; name: string };
export type PlanPresenceData = { planId: string; processId: string; users: PlanEditor[] };

type Entry = { users: PlanEditor[]; at: number };
type Registry = {
	/** planId → processId → users. */
	plans: Map<string, Map<string, Entry>>;
	subscriptions: Map<LiveBus, () => void>;
};

// The SvelteKit bundle and server/ load this module separately: one registry per process.
const KEY = Symbol.for('relais.planPresence');
const holder = globalThis as { [KEY]?: Registry };
const registry = (holder[KEY] ??= { plans: new Map(), subscriptions: new Map() });

function isEditor(value: unknown): value is PlanEditor {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as PlanEditor).id === 'string' &&
		typeof (value as PlanEditor).name === 'string'
	);
}

/** Records one `plan.presence` event (exported for tests). */
export function recordPlanPresence(data: Record<string, unknown>, now = Date.now()): void {
	const { planId, processId, users } = data;
	if (typeof planId !== 'string' || typeof processId !== 'string' || !Array.isArray(users)) return;
	const editors = users.filter(isEditor).map(({ id, name }) => ({ id, name }));
	let byProcess = registry.plans.get(planId);
	if (editors.length === 0) {
		byProcess?.delete(processId);
		if (byProcess?.size === 0) registry.plans.delete(planId);
		return;
	}
	if (!byProcess) registry.plans.set(planId, (byProcess = new Map()));
	byProcess.set(processId, { users: editors, at: now });
}

/** The people editing each of these plans now (on any process), without duplicates, by name. */
export function editorsOf(planIds: Iterable<string>, now = Date.now()): Map<string, PlanEditor[]> {
	const result = new Map<string, PlanEditor[]>();
	for (const planId of planIds) {
		const byProcess = registry.plans.get(planId);
		if (!byProcess) continue;
		const editors = new Map<string, PlanEditor>();
		for (const [processId, entry] of byProcess) {
			if (now - entry.at > PRESENCE_TTL_MS) {
				byProcess.delete(processId);
				continue;
			}
			for (const user of entry.users) editors.set(user.id, user);
		}
		if (byProcess.size === 0) registry.plans.delete(planId);
		if (editors.size > 0) {
			result.set(
				planId,
				[...editors.values()].sort((a, b) => a.name.localeCompare(b.name))
			);
		}
	}
	return result;
}

/**
 * Keeps this process's registry from the live bus. Called once per runtime (the collaboration
 * server does it when it starts: every app process runs one); returns the unsubscribe.
 */
export function startPlanPresence(runtime: { bus: LiveBus }): () => void {
	const existing = registry.subscriptions.get(runtime.bus);
	if (existing) return existing;
	const unsubscribe = runtime.bus.subscribe((event: LiveEvent) => {
		if (event.type === PLAN_PRESENCE) recordPlanPresence(event.data);
	});
	const stop = () => {
		unsubscribe();
		registry.subscriptions.delete(runtime.bus);
	};
	registry.subscriptions.set(runtime.bus, stop);
	return stop;
}

/** For tests: forget everything. */
export function clearPlanPresence(): void {
	registry.plans.clear();
}

export type PresencePublisher = {
	/** The people on a plan's shared document on this process changed (or may have). */
	changed(planId: string, users: () => PlanEditor[]): void;
	stop(): Promise<void>;
};

/**
 * The collaboration process's side: publishes `plan.presence` for a plan ~1 s after its set of
 * people changed (only when it did change), and every 30 s while it is not empty. The audience is
 * the plan's: host people and, when shared, that partner company.
 */
export function createPresencePublisher(options: {
	db: Db;
	log: Logger;
	processId: string;
	debounceMs?: number;
	refreshMs?: number;
}): PresencePublisher {
	const { db, log, processId } = options;
	const debounceMs = options.debounceMs ?? PUBLISH_DEBOUNCE_MS;
	const tracked = new Map<
		string,
		{ read: () => PlanEditor[]; last: string | null; timer: NodeJS.Timeout | null }
	>();
	const inflight = new Set<Promise<void>>();
	let stopped = false;

	async function publish(planId: string, users: PlanEditor[]): Promise<void> {
		const [plan] = await db
			.select({ sharedWithId: plans.sharedWithId })
			.from(plans)
			.where(eq(plans.id, planId));
		if (!plan) return;
		const data: PlanPresenceData = { planId, processId, users };
		await publishLiveEvent(db, {
			type: PLAN_PRESENCE,
			audience: { organisation: plan.sharedWithId },
			data
		});
	}

	function flush(planId: string, force: boolean): void {
		const entry = tracked.get(planId);
		if (!entry || stopped) return;
		entry.timer = null;
		const users = entry.read();
		const key = JSON.stringify(users.map((u) => u.id).sort());
		if (!force && key === entry.last) return;
		entry.last = key;
		if (users.length === 0) tracked.delete(planId);
		const sending = publish(planId, users)
			.catch((error: unknown) => log.warn({ err: error, planId }, 'plan presence not published'))
			.finally(() => inflight.delete(sending));
		inflight.add(sending);
	}

	const refresher = setInterval(() => {
		for (const [planId, entry] of tracked) {
			if (entry.timer === null && entry.last !== null && entry.last !== '[]') flush(planId, true);
		}
	}, options.refreshMs ?? PRESENCE_REFRESH_MS);
	refresher.unref();

	return {
		changed(planId, read) {
			if (stopped) return;
			let entry = tracked.get(planId);
			if (!entry) tracked.set(planId, (entry = { read, last: null, timer: null }));
			entry.read = read;
			if (entry.timer) return;
			entry.timer = setTimeout(() => flush(planId, false), debounceMs);
			entry.timer.unref();
		},
		async stop() {
			stopped = true;
			clearInterval(refresher);
			for (const entry of tracked.values()) if (entry.timer) clearTimeout(entry.timer);
			await Promise.all([...inflight]);
			// Tell the other processes this one is gone, rather than let them wait for the TTL.
			await Promise.all(
				[...tracked.entries()]
					.filter(([, entry]) => entry.last !== null && entry.last !== '[]')
					.map(([planId]) =>
						publish(planId, []).catch((error: unknown) =>
							log.warn({ err: error, planId }, 'plan presence not cleared')
						)
					)
			);
			tracked.clear();
		}
	};
}
