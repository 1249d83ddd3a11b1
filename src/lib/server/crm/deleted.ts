import { and, eq, gt, isNotNull, sql } from 'drizzle-orm';
import { canRestoreCrmRecords } from '../access/crm-policy.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { Db } from '../db/client.ts';
import { parseCursor } from '../db/keyset.ts';
import { accounts, contacts, opportunities, users } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import type { CommandContext } from '../command.ts';

// The "recently deleted" list (last 90 days) and restoring from it: workspace admins only.

export const RESTORE_WINDOW_DAYS = 90;
export type DeletedKind = 'account' | 'contact' | 'opportunity';

export type DeletedRecord = {
	kind: DeletedKind;
	id: string;
	name: string;
	/** The account a contact or an opportunity belongs to. */
	accountName: string | null;
	deletedAt: Date;
	deletedByName: string | null;
};

const since = () => new Date(Date.now() - RESTORE_WINDOW_DAYS * 24 * 3600 * 1000);

/** Accounts, contacts and opportunities deleted in the last 90 days, newest first. */
export async function listRecentlyDeleted(
	db: Db,
	actor: Actor,
	limit = 200
): Promise<DeletedRecord[]> {
	if (!canRestoreCrmRecords(actor)) throw new DomainError('FORBIDDEN');
	const from = since();
	const [a, c, o] = await Promise.all([
		db
			.select({
				id: accounts.id,
				name: accounts.name,
				deletedAt: accounts.deletedAt,
				deletedByName: users.name
			})
			.from(accounts)
			.leftJoin(users, eq(users.id, accounts.deletedById))
			.where(and(isNotNull(accounts.deletedAt), gt(accounts.deletedAt, from)))
			.orderBy(sql`${accounts.deletedAt} desc`)
			.limit(limit),
		db
			.select({
				id: contacts.id,
				name: contacts.name,
				accountName: accounts.name,
				deletedAt: contacts.deletedAt,
				deletedByName: users.name
			})
			.from(contacts)
			.innerJoin(accounts, eq(accounts.id, contacts.accountId))
			.leftJoin(users, eq(users.id, contacts.deletedById))
			.where(and(isNotNull(contacts.deletedAt), gt(contacts.deletedAt, from)))
			.orderBy(sql`${contacts.deletedAt} desc`)
			.limit(limit),
		db
			.select({
				id: opportunities.id,
				name: opportunities.name,
				accountName: accounts.name,
				deletedAt: opportunities.deletedAt,
				deletedByName: users.name
			})
			.from(opportunities)
			.innerJoin(accounts, eq(accounts.id, opportunities.accountId))
			.leftJoin(users, eq(users.id, opportunities.deletedById))
			.where(and(isNotNull(opportunities.deletedAt), gt(opportunities.deletedAt, from)))
			.orderBy(sql`${opportunities.deletedAt} desc`)
			.limit(limit)
	]);
	const all: DeletedRecord[] = [
		...a.map((r) => ({
			...r,
			kind: 'account' as const,
			accountName: null,
			deletedAt: r.deletedAt!
		})),
		...c.map((r) => ({ ...r, kind: 'contact' as const, deletedAt: r.deletedAt! })),
		...o.map((r) => ({ ...r, kind: 'opportunity' as const, deletedAt: r.deletedAt! }))
	];
	return all.sort((x, y) => y.deletedAt.getTime() - x.deletedAt.getTime()).slice(0, limit);
}

/**
 * Brings a deleted record back. An account comes back with the contacts and opportunities that
 * were deleted with it; a contact or an opportunity needs its account alive first.
 */
export async function restoreRecord(
	db: Db,
	actor: Actor,
	input: { kind: DeletedKind; id: string },
	context: CommandContext = {}
): Promise<{ accountId: string }> {
	if (!canRestoreCrmRecords(actor)) throw new DomainError('FORBIDDEN');
	if (!parseCursor(input.id, 'uuid')) throw new DomainError('NOT_FOUND');
	return db.transaction(async (tx) => {
		const alive = { deletedAt: null, deletedById: null, updatedAt: new Date() };
		if (input.kind === 'account') {
			const [row] = await tx
				.select()
				.from(accounts)
				.where(and(eq(accounts.id, input.id), isNotNull(accounts.deletedAt)))
				.for('update');
			if (!row || !row.deletedAt) throw new DomainError('NOT_FOUND');
			await tx
				.update(accounts)
				.set({ ...alive, version: sql`${accounts.version} + 1` })
				.where(eq(accounts.id, row.id));
			// What went with it: deleted at the very same moment.
			await tx
				.update(contacts)
				.set({ ...alive, version: sql`${contacts.version} + 1` })
				.where(and(eq(contacts.accountId, row.id), eq(contacts.deletedAt, row.deletedAt)));
			await tx
				.update(opportunities)
				.set({ ...alive, version: sql`${opportunities.version} + 1` })
				.where(
					and(eq(opportunities.accountId, row.id), eq(opportunities.deletedAt, row.deletedAt))
				);
			await audit(tx, actor, 'account', row.id, row.name, context);
			return { accountId: row.id };
		}
		const table = input.kind === 'contact' ? contacts : opportunities;
		const [row] = await tx
			.select({
				id: table.id,
				name: table.name,
				accountId: table.accountId,
				accountDeletedAt: accounts.deletedAt
			})
			.from(table)
			.innerJoin(accounts, eq(accounts.id, table.accountId))
			.where(and(eq(table.id, input.id), isNotNull(table.deletedAt)))
			.for('update', { of: table });
		if (!row) throw new DomainError('NOT_FOUND');
		if (row.accountDeletedAt) throw new DomainError('ACCOUNT_DELETED');
		await tx
			.update(table)
			.set({ ...alive, version: sql`${table.version} + 1` })
			.where(eq(table.id, row.id));
		await audit(tx, actor, input.kind, row.id, row.name, context);
		return { accountId: row.accountId };
	});
}

async function audit(
	tx: Db,
	actor: Actor,
	kind: DeletedKind,
	id: string,
	name: string,
	context: CommandContext
) {
	await recordAudit(tx, {
		actorId: actor.id,
		organisationId: null,
		action: `${kind}.restored`,
		objectType: kind,
		objectId: id,
		data: { name },
		ip: context.ip ?? null
	});
}
