import { partnerScopeOf } from '../access/policy.ts';
import { inArray } from 'drizzle-orm';
import type { Actor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import type { accounts, contacts, opportunities } from '../db/schema.ts';

// Whose rows an import writes. Visibility itself comes from access/crm-scope.ts (the same SQL the lists
// use), so an import can only match — and update — rows its author could see and edit.
//
// A partner admin's rows always belong to their own company. A row whose external id or natural
// key matches another partner's record is never applied to it: lookups only search the importer's
// own scope, so a natural-key match elsewhere becomes a new record of their own, and an external
// id already used elsewhere (it is unique across the workspace) rejects the row with
// `imports_error_external_id_taken`, which names no other company.

/** The partner company every row of this person's import belongs to (null for host people). */
export function ownPartnerId(actor: Actor): string | null {
	return partnerScopeOf(actor);
}

type WithExternalId = typeof accounts | typeof contacts | typeof opportunities;

/** External ids already used by any row of the table (deleted ones too: the index is unique). */
export async function externalIdsTaken(
	tx: Db,
	table: WithExternalId,
	ids: string[]
): Promise<Set<string>> {
	if (!ids.length) return new Set();
	const rows = await tx
		.select({ externalId: table.externalId })
		.from(table)
		.where(inArray(table.externalId, ids));
	return new Set(rows.map((r) => r.externalId).filter((x): x is string => !!x));
}
