import { and, inArray, or } from 'drizzle-orm';
import type { Actor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import { accounts } from '../db/schema.ts';
import { visibleAccounts } from '../access/crm-scope.ts';
import { normaliseCompanyName } from '../../shared/normalise.ts';

export type AccountRef = { id: string; name: string };

/**
 * The accounts named in a batch (by external id, else by name as conflict detection compares
 * names), among those the importer may see. An unknown name is an error of the row.
 */
export async function resolveAccounts(
	tx: Db,
	actor: Actor,
	refs: string[]
): Promise<Map<string, AccountRef>> {
	const out = new Map<string, AccountRef>();
	const unique = [...new Set(refs)];
	if (!unique.length) return out;
	const names = unique.map(normaliseCompanyName).filter(Boolean);
	const rows = await tx
		.select({
			id: accounts.id,
			name: accounts.name,
			externalId: accounts.externalId,
			normalisedName: accounts.normalisedName
		})
		.from(accounts)
		.where(
			and(
				visibleAccounts(actor),
				or(
					inArray(accounts.externalId, unique),
					names.length ? inArray(accounts.normalisedName, names) : undefined
				)
			)
		)
		.orderBy(accounts.createdAt, accounts.id);
	for (const ref of unique) {
		const byExt = rows.find((r) => r.externalId === ref);
		const normalised = normaliseCompanyName(ref);
		const match = byExt ?? rows.find((r) => normalised && r.normalisedName === normalised);
		if (match) out.set(ref, { id: match.id, name: match.name });
	}
	return out;
}
