import { eq } from 'drizzle-orm';
import { type Actor, isHostActor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import { organisations, regions } from '../db/schema.ts';
import type { ImportKind } from '../../shared/enums.ts';
import { foldText } from '../../shared/normalise.ts';
import type { ImportMapping } from './fields.ts';

/** What every batch of one import needs: who imports, what, and the small lookup tables. */
export type ImportContext = {
	actor: Actor;
	kind: ImportKind;
	mapping: ImportMapping;
	/** Partner companies by folded name and by `ext:<external id>` (host imports only). */
	partners: Map<string, string>;
	/** Regions by folded name and folded code. */
	regions: Map<string, string>;
};

export async function loadImportContext(
	db: Db,
	actor: Actor,
	kind: ImportKind,
	mapping: ImportMapping
): Promise<ImportContext> {
	const partners = new Map<string, string>();
	if (isHostActor(actor)) {
		const rows = await db
			.select({
				id: organisations.id,
				name: organisations.name,
				externalId: organisations.externalId
			})
			.from(organisations)
			.where(eq(organisations.kind, 'partner'));
		for (const row of rows) {
			partners.set(foldText(row.name.trim()), row.id);
			if (row.externalId) partners.set(`ext:${row.externalId}`, row.id);
		}
	}
	const regionMap = new Map<string, string>();
	for (const row of await db.select().from(regions)) {
		regionMap.set(foldText(row.name), row.id);
		regionMap.set(foldText(row.code), row.id);
	}
	return { actor, kind, mapping, partners, regions: regionMap };
}

/** The cell of a field in a record, or undefined when the field is not mapped. */
export function cellOf(context: ImportContext, cells: string[], field: string): string | undefined {
	const index = context.mapping[field];
	return index === undefined ? undefined : cells[Number(index)];
}
