import { eq } from 'drizzle-orm';
import { type Actor, isHostActor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import { organisations, regions, users } from '../db/schema.ts';
import type { ImportKind } from '../../shared/enums.ts';
import { foldText } from '../../shared/normalise.ts';
import type { ImportMapping } from './fields.ts';
import { baseLocale, isLocale, type Locale } from '../../paraglide/runtime.js';

/** What every batch of one import needs: who imports, what, and the small lookup tables. */
export type ImportContext = {
	actor: Actor;
	kind: ImportKind;
	mapping: ImportMapping;
	/** Partner companies by folded name and by `ext:<external id>` (host imports only). */
	partners: Map<string, string>;
	/** Regions by folded name and folded code. */
	regions: Map<string, string>;
	/**
	 * How numbers in the file are read (amounts): the importing person's language, the same for
	 * the preview and the run in the background.
	 */
	locale: Locale;
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
	const [person] = await db
		.select({ locale: users.locale })
		.from(users)
		.where(eq(users.id, actor.id));
	const locale = person && isLocale(person.locale) ? person.locale : baseLocale;
	return { actor, kind, mapping, partners, regions: regionMap, locale };
}

/** The cell of a field in a record, or undefined when the field is not mapped. */
export function cellOf(context: ImportContext, cells: string[], field: string): string | undefined {
	const index = context.mapping[field];
	return index === undefined ? undefined : cells[Number(index)];
}
