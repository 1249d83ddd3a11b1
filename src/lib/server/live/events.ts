import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

export const LIVE_CHANNEL = 'relais_live';

/**
 * Who may receive an event. The SSE endpoint asks the access policy (`canReceiveLiveEvent`) with it:
 * - `users`: exactly these users;
 * - `organisation`: the host company plus, when a partner id, that partner's people (null = host only);
 * - `organisations`: the host company plus these partner companies (community channels);
 * - `everyone`: every signed-in user (workspace-wide announcements without partner data).
 */
export type LiveAudience =
	| { users: string[] }
	| { organisation: string | null }
	| { organisations: string[] }
	| { everyone: true };

export type LiveEvent = {
	type: string;
	audience: LiveAudience;
	data: Record<string, unknown>;
};

// NOTIFY payloads must stay under 8000 bytes: events carry ids and short labels, never documents.
const MAX_PAYLOAD = 7000;

/**
 * Publishes an event through PostgreSQL NOTIFY. Called with a transaction, it is delivered only
 * when (and if) the transaction commits — on PostgreSQL and on PGlite alike.
 */
export async function publishLiveEvent(db: Db, event: LiveEvent): Promise<void> {
	const payload = JSON.stringify(event);
	if (payload.length > MAX_PAYLOAD) throw new Error(`Live event ${event.type} is too large`);
	await db.execute(sql`select pg_notify(${LIVE_CHANNEL}, ${payload})`);
}
