import { and, asc, eq, inArray } from 'drizzle-orm';
import { isHostActor, type Actor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import { organisations, regions, users } from '../db/schema.ts';
import { DomainError } from '../errors.ts';

// What the CRM commands share: checks of chosen references. Who acts is `Actor` (access/actor.ts),
// the request context `CommandContext` (command.ts).

/** Refuses an owner who is not an active host person. */
export async function assertOwner(tx: Db, ownerId: string | null): Promise<void> {
	if (!ownerId) return;
	const [row] = await tx
		.select({ id: users.id })
		.from(users)
		.innerJoin(organisations, eq(organisations.id, users.organisationId))
		.where(and(eq(users.id, ownerId), eq(users.active, true), eq(organisations.kind, 'host')));
	if (!row) throw new DomainError('UNKNOWN_OWNER');
}

export async function assertRegion(tx: Db, regionId: string | null): Promise<void> {
	if (!regionId) return;
	const [row] = await tx.select({ id: regions.id }).from(regions).where(eq(regions.id, regionId));
	if (!row) throw new DomainError('UNKNOWN_REGION');
}

/** Refuses anything that is not a partner company. */
export async function assertPartners(tx: Db, partnerIds: readonly string[]): Promise<void> {
	const wanted = [...new Set(partnerIds)];
	if (wanted.length === 0) return;
	const rows = await tx
		.select({ id: organisations.id })
		.from(organisations)
		.where(and(inArray(organisations.id, wanted), eq(organisations.kind, 'partner')));
	if (rows.length !== wanted.length) throw new DomainError('UNKNOWN_PARTNER');
}

/** The host rep who owns the relationship with a partner (a partner's new records go to them). */
export async function partnerOwnerId(tx: Db, partnerId: string): Promise<string | null> {
	const [row] = await tx
		.select({ ownerId: organisations.ownerId })
		.from(organisations)
		.where(eq(organisations.id, partnerId));
	if (!row?.ownerId) return null;
	const [owner] = await tx
		.select({ id: users.id })
		.from(users)
		.where(and(eq(users.id, row.ownerId), eq(users.active, true)));
	return owner?.id ?? null;
}

export type Choice = { id: string; name: string };
export type CrmChoices = { regions: Choice[]; owners: Choice[]; partners: Choice[] };

/**
 * What the CRM forms offer: regions, host owners and partner companies. A partner person is
 * offered only their own company and no owners (their records go to their host rep).
 */
export async function crmChoices(db: Db, actor: Actor): Promise<CrmChoices> {
	const regionRows = await db
		.select({ id: regions.id, name: regions.name })
		.from(regions)
		.orderBy(asc(regions.name));
	if (!isHostActor(actor)) {
		const partners = await db
			.select({ id: organisations.id, name: organisations.name })
			.from(organisations)
			.where(eq(organisations.id, actor.organisationId));
		return { regions: regionRows, owners: [], partners };
	}
	const [owners, partners] = await Promise.all([
		db
			.select({ id: users.id, name: users.name })
			.from(users)
			.innerJoin(organisations, eq(organisations.id, users.organisationId))
			.where(and(eq(organisations.kind, 'host'), eq(users.active, true)))
			.orderBy(asc(users.name)),
		db
			.select({ id: organisations.id, name: organisations.name })
			.from(organisations)
			.where(eq(organisations.kind, 'partner'))
			.orderBy(asc(organisations.name))
	]);
	return { regions: regionRows, owners, partners };
}

/** The fields whose values differ, as { field: { from, to } } for the audit log. */
export function diff(
	before: Record<string, unknown>,
	after: Record<string, unknown>
): Record<string, { from: unknown; to: unknown }> {
	const changes: Record<string, { from: unknown; to: unknown }> = {};
	for (const [key, value] of Object.entries(after)) {
		const old = before[key];
		const same = Array.isArray(value)
			? Array.isArray(old) && [...old].sort().join() === [...value].sort().join()
			: old === value;
		if (!same) changes[key] = { from: old ?? null, to: value ?? null };
	}
	return changes;
}

/** Parses the JSON arrays that json_agg returns (a string on some drivers). */
export function jsonList<T>(value: unknown): T[] {
	if (value === null || value === undefined) return [];
	if (typeof value === 'string') return JSON.parse(value) as T[];
	return value as T[];
}
