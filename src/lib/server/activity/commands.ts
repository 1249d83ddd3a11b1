import type { Db } from '../db/client.ts';
import { activities } from '../db/schema.ts';
import { bridgeActivity } from '../feed/bridge.ts';
import { publishLiveEvent } from '../live/events.ts';
import type { ActivityCreatedEvent } from '../../shared/live.ts';

export type ActivityInput = {
	actorId: string | null;
	/** Whose world the event belongs to: null = the host only; a partner's id = the host and that partner. */
	organisationId: string | null;
	/** Past tense, snake_case: 'invited', 'joined', 'deal_won'. */
	verb: string;
	objectType: string;
	objectId: string;
	/** Short labels the feed shows (names, titles), never whole documents. */
	data?: Record<string, unknown>;
};

// Live events travel in a NOTIFY payload (< 8000 bytes): larger data stays in the table only.
const MAX_LIVE_DATA = 2000;

/**
 * Records an event people care about and announces it live, both in the caller's transaction:
 * if the change rolls back, neither the activity nor the event exists. Verbs the partner feed
 * shows also become an activity post in the partner's channel, in the same transaction.
 */
export async function recordActivity(db: Db, input: ActivityInput): Promise<ActivityCreatedEvent> {
	return db.transaction(async (tx) => {
		const data = input.data ?? {};
		const [row] = await tx
			.insert(activities)
			.values({
				actorId: input.actorId,
				organisationId: input.organisationId,
				verb: input.verb,
				objectType: input.objectType,
				objectId: input.objectId,
				data
			})
			.returning();
		// The partner feed shows some of these in the partner's channel (feed/bridge.ts).
		await bridgeActivity(tx, row);
		const event: ActivityCreatedEvent = {
			id: row.id,
			actorId: row.actorId,
			organisationId: row.organisationId,
			verb: row.verb,
			objectType: row.objectType,
			objectId: row.objectId,
			createdAt: row.createdAt.toISOString()
		};
		const small = JSON.stringify(data).length <= MAX_LIVE_DATA;
		await publishLiveEvent(tx, {
			type: 'activity.created',
			audience: { organisation: row.organisationId },
			data: small ? { ...event, data } : event
		});
		return small ? { ...event, data } : event;
	});
}
