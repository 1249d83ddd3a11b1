import { eq } from 'drizzle-orm';
import type { Actor } from './access/actor.ts';
import type { Db } from './db/client.ts';
import { users } from './db/schema.ts';

// What every domain command (crm, deals, plans, workspace, partners, feed) is given besides the
// database and the actor: the request's context, for the audit log.

export type CommandContext = { ip?: string | null };

/** The actor's display name for the texts a command writes (notifications, activity). */
export async function actorName(db: Db, actor: Actor): Promise<string> {
	if (actor.name) return actor.name;
	const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, actor.id));
	return row?.name ?? '';
}
