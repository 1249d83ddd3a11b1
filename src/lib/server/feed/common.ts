import { and, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { isHostContactOf } from '../access/people-scope.ts';
import { type Actor, isHostActor } from '../access/actor.ts';
import type { UserRef } from '../access/policy.ts';
import type { Db } from '../db/client.ts';
import { organisations, users } from '../db/schema.ts';
import type { OrganisationKind, Role } from '../../shared/enums.ts';
import { plainText as markdownPlainText } from '../../shared/markdown.ts';
import { DomainError } from '../errors.ts';

// What the feed's commands and queries share: input parsing into DomainError codes, plain text for
// search and snippets, and the people a body names (its tokens: shared/tokens.ts).

/** Parses a feed input; a refusal becomes a DomainError with a stable code and the field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
	const parsed = schema.safeParse(input);
	if (parsed.success) return parsed.data;
	const issue = parsed.error.issues[0];
	const field = String(issue.path[0] ?? '');
	if (field === 'channelId' || field === 'postId') throw new DomainError('NOT_FOUND', { field });
	if (field === 'attachmentIds') throw new DomainError('ATTACHMENT_INVALID', { field });
	if (issue.message === 'feed_error_too_long' || issue.code === 'too_big')
		throw new DomainError('TOO_LONG', { field });
	if (issue.message === 'feed_error_empty' || issue.code === 'too_small')
		throw new DomainError('EMPTY', { field });
	throw new DomainError('FORBIDDEN', { field });
}

/**
 * Plain text of a body (search vector, notification snippets), through the renderer's own parser
 * (shared/markdown.ts). No labels: they are never stored, and a snippet shows "@…" for a mention.
 */
export function plainText(body: string): string {
	return markdownPlainText(body).replace(/\s+/g, ' ').trim();
}

/** A short line of a body for notifications and search hits. */
export function snippet(body: string, max = 80): string {
	const text = plainText(body);
	return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

export const postLink = (postId: string, commentId?: string | null) =>
	commentId ? `/feed/posts/${postId}#comment-${commentId}` : `/feed/posts/${postId}`;

export type PersonRow = UserRef & {
	name: string;
	organisationName: string;
	active: boolean;
	regionId: string | null;
};

/** People by id, with what the rules need (host contact facts are added by `withHostContacts`). */
export async function loadPeople(db: Db, ids: readonly string[]): Promise<PersonRow[]> {
	const unique = [...new Set(ids)];
	if (unique.length === 0) return [];
	const rows = await db
		.select({
			id: users.id,
			name: users.name,
			role: users.role,
			active: users.active,
			regionId: users.regionId,
			organisationId: users.organisationId,
			organisationKind: organisations.kind,
			organisationName: organisations.name
		})
		.from(users)
		.innerJoin(organisations, eq(organisations.id, users.organisationId))
		.where(inArray(users.id, unique));
	return rows.map((row) => ({
		...row,
		role: row.role as Role,
		organisationKind: row.organisationKind as OrganisationKind
	}));
}

/**
 * Marks the host people who are this partner person's host contacts (access/people-scope.ts: the
 * host's reps of the partner's region and the managers managing it), so `canViewUser` can answer
 * for a partner actor.
 */
export async function withHostContacts<T extends PersonRow>(
	db: Db,
	actor: Actor,
	people: T[]
): Promise<T[]> {
	if (isHostActor(actor)) return people;
	const hostIds = people.filter((p) => isHostActor(p)).map((p) => p.id);
	if (hostIds.length === 0) return people;
	// The rule itself lives in access/people-scope.ts (the home page's lists use it too).
	const contacts = await db
		.select({ id: users.id })
		.from(users)
		.where(and(inArray(users.id, hostIds), isHostContactOf(actor)));
	const set = new Set(contacts.map((c) => c.id));
	return people.map((p) => ({ ...p, isHostContact: set.has(p.id) }));
}

/** The host company's id (one row). */
export async function hostOrganisationId(db: Db): Promise<string | null> {
	const [row] = await db
		.select({ id: organisations.id })
		.from(organisations)
		.where(eq(organisations.kind, 'host'));
	return row?.id ?? null;
}

export const now = sql`now()`;
