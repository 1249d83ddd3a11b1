import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { passwordResets } from '../db/schema.ts';

/**
 * Spends every reset link of a person not used yet: a password set (by a link or on the account
 * page) makes the others worthless, so a link left in an old e-mail cannot set it again.
 */
export async function spendResetLinks(db: Db, userId: string, at = new Date()): Promise<number> {
	const spent = await db
		.update(passwordResets)
		.set({ usedAt: at })
		.where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)))
		.returning({ id: passwordResets.id });
	return spent.length;
}
