import { and, asc, eq, ilike, inArray, ne, or } from 'drizzle-orm';
import {
	audienceOrganisations,
	canMention,
	canSeePersonInChannel,
	type ChannelFacts,
	type ContributionFacts
} from '../access/feed-policy.ts';
import { type Actor, isHostActor } from '../access/actor.ts';
import { canViewOrganisation } from '../access/policy.ts';
import { visibleAccounts, visibleOpportunities } from '../access/crm-scope.ts';
import type { Db } from '../db/client.ts';
import { accounts, opportunities, organisations, users } from '../db/schema.ts';
import type { PersonLabel } from '../../shared/feed.ts';
import {
	mentionIdsOf,
	REFERENCE_KINDS,
	referencesOf,
	type ReferenceKind,
	type ResolvedToken
} from '../../shared/tokens.ts';
import { tokenLabels, visibleRecords } from '../tokens.ts';
import { readableChannel, visiblePost } from './access.ts';
import { loadPeople, withHostContacts } from './common.ts';
import { DomainError } from '../errors.ts';

// Mentions and references: checked on write against the author's rights, resolved on read for
// each reader (a label the reader may not see stays null), and the two autocompletes.

const CANDIDATES = 8;

/** An item the actor is writing in this channel (a post or a comment: authored by them). */
export function itemByActor(actor: Actor): ContributionFacts {
	return {
		authorId: actor.id,
		authorOrganisationId: actor.organisationId,
		authorIsHost: isHostActor(actor)
	};
}

/** Every mention must pass `canMention`; returns the mentioned ids (MENTION_FORBIDDEN else). */
export async function checkMentions(
	db: Db,
	actor: Actor,
	channel: ChannelFacts,
	body: string
): Promise<string[]> {
	const ids = mentionIdsOf(body);
	if (ids.length === 0) return [];
	const people = await withHostContacts(db, actor, await loadPeople(db, ids));
	const item = itemByActor(actor);
	if (people.length !== ids.length) throw new DomainError('MENTION_FORBIDDEN', { field: 'body' });
	for (const person of people) {
		if (!canMention(actor, channel, item, person))
			throw new DomainError('MENTION_FORBIDDEN', { field: 'body' });
	}
	return ids;
}

/** Every reference must be visible to its author (REFERENCE_FORBIDDEN else). */
export async function checkReferences(db: Db, actor: Actor, body: string): Promise<void> {
	const refs = referencesOf(body);
	for (const kind of REFERENCE_KINDS) {
		const ids = refs.filter((r) => r.kind === kind).map((r) => r.id);
		const found = await visibleRecords(db, actor, kind, ids);
		if (found.size !== ids.length) throw new DomainError('REFERENCE_FORBIDDEN', { field: 'body' });
	}
}

/**
 * Resolves the tokens of several bodies for one reader (server/tokens.ts): returns a function
 * giving the tokens of one body in a given channel, a person named where the channel's rule allows.
 */
export async function tokenResolver(
	db: Db,
	reader: Actor,
	bodies: string[]
): Promise<(body: string, channel: ChannelFacts) => ResolvedToken[]> {
	const labels = await tokenLabels(db, reader, bodies);
	return (body, channel) =>
		labels(body, (person) => canSeePersonInChannel(reader, channel, person));
}

const likePrefix = (q: string) => q.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * People the actor may mention in this channel whose name starts with `q` (or a word of it):
 * at most 8, each allowed by `canMention`. With `postId`, the item is the actor's comment on it.
 */
export async function mentionCandidates(
	db: Db,
	actor: Actor,
	input: { channelId: string; q: string; postId?: string }
): Promise<PersonLabel[]> {
	const channel = await readableChannel(db, actor, input.channelId);
	if (!channel) throw new DomainError('NOT_FOUND', { field: 'channelId' });
	if (input.postId) {
		const found = await visiblePost(db, actor, input.postId);
		if (!found || found.channel.id !== channel.id)
			throw new DomainError('NOT_FOUND', { field: 'postId' });
	}
	const item = itemByActor(actor);
	const q = likePrefix(input.q.trim().slice(0, 80));
	// The organisations whose people could read the item: the host, the audience, the actor's own.
	const orgs = [...new Set([...audienceOrganisations(channel, item), actor.organisationId])];
	const rows = await db
		.select({ id: users.id })
		.from(users)
		.innerJoin(organisations, eq(organisations.id, users.organisationId))
		.where(
			and(
				eq(users.active, true),
				ne(users.id, actor.id),
				or(eq(organisations.kind, 'host'), inArray(users.organisationId, orgs)),
				q ? or(ilike(users.name, `${q}%`), ilike(users.name, `% ${q}%`)) : undefined
			)
		)
		.orderBy(asc(users.name), asc(users.id))
		.limit(50);
	const people = await withHostContacts(
		db,
		actor,
		await loadPeople(
			db,
			rows.map((r) => r.id)
		)
	);
	return people
		.filter((p) => canMention(actor, channel, item, p))
		.sort((a, b) => a.name.localeCompare(b.name))
		.slice(0, CANDIDATES)
		.map((p) => ({ id: p.id, name: p.name, organisationName: p.organisationName }));
}

/** Accounts, partners and opportunities the actor may see, matching `q` (at most 8). */
export async function referenceCandidates(
	db: Db,
	actor: Actor,
	q: string
): Promise<{ kind: ReferenceKind; id: string; label: string }[]> {
	const text = likePrefix(q.trim().slice(0, 80));
	if (!text) return [];
	const pattern = `%${text}%`;
	const [accountRows, partnerRows, dealRows] = await Promise.all([
		db
			.select({ id: accounts.id, label: accounts.name })
			.from(accounts)
			.where(and(visibleAccounts(actor), ilike(accounts.name, pattern)))
			.orderBy(asc(accounts.name))
			.limit(CANDIDATES),
		db
			.select({ id: organisations.id, kind: organisations.kind, label: organisations.name })
			.from(organisations)
			.where(
				and(
					eq(organisations.kind, 'partner'),
					ilike(organisations.name, pattern),
					isHostActor(actor) ? undefined : eq(organisations.id, actor.organisationId)
				)
			)
			.orderBy(asc(organisations.name))
			.limit(CANDIDATES),
		db
			.select({ id: opportunities.id, label: opportunities.name })
			.from(opportunities)
			.where(and(visibleOpportunities(actor), ilike(opportunities.name, pattern)))
			.orderBy(asc(opportunities.name))
			.limit(CANDIDATES)
	]);
	const all = [
		...partnerRows
			.filter((r) => canViewOrganisation(actor, r))
			.map((r) => ({ kind: 'partner' as const, id: r.id, label: r.label })),
		...accountRows.map((r) => ({ kind: 'account' as const, id: r.id, label: r.label })),
		...dealRows.map((r) => ({ kind: 'opportunity' as const, id: r.id, label: r.label }))
	];
	// Names that start with the text first, then the others.
	const lower = q.trim().toLowerCase();
	return all
		.sort(
			(a, b) =>
				Number(!a.label.toLowerCase().startsWith(lower)) -
					Number(!b.label.toLowerCase().startsWith(lower)) || a.label.localeCompare(b.label)
		)
		.slice(0, CANDIDATES);
}
