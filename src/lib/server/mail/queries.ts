import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { clampLimit, olderThan, parseCursor, toPage, type Page } from '../db/keyset.ts';
import { emailOutbox } from '../db/schema.ts';

export type OutboxItem = {
	id: string;
	to: string;
	subject: string;
	text: string;
	kind: string;
	status: 'pending' | 'sent' | 'failed' | 'kept';
	attempts: number;
	lastError: string | null;
	createdAt: Date;
	sentAt: Date | null;
};

const columns = {
	id: emailOutbox.id,
	to: emailOutbox.toAddress,
	subject: emailOutbox.subject,
	text: emailOutbox.bodyText,
	kind: emailOutbox.kind,
	status: emailOutbox.status,
	attempts: emailOutbox.attempts,
	lastError: emailOutbox.lastError,
	createdAt: emailOutbox.createdAt,
	sentAt: emailOutbox.sentAt
};

export async function getEmail(db: Db, id: string): Promise<OutboxItem | null> {
	if (!parseCursor(id, 'uuid')) return null;
	const [row] = await db.select(columns).from(emailOutbox).where(eq(emailOutbox.id, id));
	return row ?? null;
}

/** Every message, newest first; `before` is the `nextCursor` of the previous page. */
export async function listOutbox(
	db: Db,
	options: {
		before?: string | null;
		limit?: number;
		/** Only the messages to this address (any case). */
		to?: string;
	} = {}
): Promise<Page<OutboxItem>> {
	const limit = clampLimit(options.limit);
	const cursor = parseCursor(options.before, 'uuid');
	const rows = await db
		.select(columns)
		.from(emailOutbox)
		.where(
			and(
				cursor ? olderThan(emailOutbox, cursor) : undefined,
				options.to ? sql`lower(${emailOutbox.toAddress}) = lower(${options.to})` : undefined
			)
		)
		.orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
		.limit(limit + 1);
	return toPage(rows, limit, (row) => row.id);
}
