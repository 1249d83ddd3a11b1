import { and, eq, inArray } from 'drizzle-orm';
import type { Actor } from './access/actor.ts';
import { visibleAccounts, visibleOpportunities } from './access/crm-scope.ts';
import { canViewOrganisation } from './access/policy.ts';
import type { Db } from './db/client.ts';
import { accounts, opportunities, organisations } from './db/schema.ts';
import { loadPeople, withHostContacts, type PersonRow } from './feed/common.ts';
import {
	mentionIdsOf,
	REFERENCE_KINDS,
	referencesOf,
	type ReferenceKind,
	type ResolvedToken
} from '../shared/tokens.ts';

// The labels of the tokens (shared/tokens.ts) of feed posts, feed comments and plan comments,
// resolved for one reader through the access rules: a record the reader may not see keeps a null
// label ("a restricted item"), and so does a person whose name the place's rule hides ("someone").

/** The records of this kind among `ids` the actor may see: id → label. */
export async function visibleRecords(
	db: Db,
	actor: Actor,
	kind: ReferenceKind,
	ids: string[]
): Promise<Map<string, string>> {
	if (ids.length === 0) return new Map();
	if (kind === 'account') {
		const rows = await db
			.select({ id: accounts.id, label: accounts.name })
			.from(accounts)
			.where(and(inArray(accounts.id, ids), visibleAccounts(actor)));
		return new Map(rows.map((r) => [r.id, r.label]));
	}
	if (kind === 'opportunity') {
		const rows = await db
			.select({ id: opportunities.id, label: opportunities.name })
			.from(opportunities)
			.where(and(inArray(opportunities.id, ids), visibleOpportunities(actor)));
		return new Map(rows.map((r) => [r.id, r.label]));
	}
	const rows = await db
		.select({ id: organisations.id, kind: organisations.kind, label: organisations.name })
		.from(organisations)
		.where(and(inArray(organisations.id, ids), eq(organisations.kind, 'partner')));
	return new Map(
		rows.filter((r) => canViewOrganisation(actor, r)).map((r) => [r.id, r.label] as const)
	);
}

const hrefOf = (kind: ReferenceKind, id: string) =>
	kind === 'account'
		? `/accounts/${id}`
		: kind === 'partner'
			? `/partners/${id}`
			: `/opportunities/${id}`;

/** Whether the reader sees this person's name where the text is read (the place's access rule). */
export type MayName = (person: PersonRow) => boolean;

/**
 * Resolves the tokens of several texts for one reader, in a few batched queries: returns a
 * function giving the tokens of one text, a person named only where `mayName` allows.
 */
export async function tokenLabels(
	db: Db,
	reader: Actor,
	texts: string[]
): Promise<(text: string, mayName: MayName) => ResolvedToken[]> {
	const mentionIds = [...new Set(texts.flatMap(mentionIdsOf))];
	const refs = texts.flatMap(referencesOf);
	const people = new Map(
		(await withHostContacts(db, reader, await loadPeople(db, mentionIds))).map((p) => [p.id, p])
	);
	const labels = new Map<ReferenceKind, Map<string, string>>();
	for (const kind of REFERENCE_KINDS) {
		const ids = [...new Set(refs.filter((r) => r.kind === kind).map((r) => r.id))];
		labels.set(kind, await visibleRecords(db, reader, kind, ids));
	}
	return (text, mayName) => {
		const tokens: ResolvedToken[] = [];
		for (const id of mentionIdsOf(text)) {
			const person = people.get(id);
			tokens.push({ type: 'mention', id, label: person && mayName(person) ? person.name : null });
		}
		for (const ref of referencesOf(text)) {
			const label = labels.get(ref.kind)?.get(ref.id) ?? null;
			tokens.push({
				type: 'reference',
				kind: ref.kind,
				id: ref.id,
				label,
				href: label === null ? null : hrefOf(ref.kind, ref.id)
			});
		}
		return tokens;
	};
}
