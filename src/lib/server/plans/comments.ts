import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Actor } from '../access/actor.ts';
import { actorName } from '../command.ts';
import {
	canCommentOnPlan,
	internalNotesAccess,
	canSeePlanParticipant
} from '../access/plan-policy.ts';
import type { Db } from '../db/client.ts';
import { organisations, planComments, plans, users } from '../db/schema.ts';
import { publishLiveEvent } from '../live/events.ts';
import { notify } from '../notifications/commands.ts';
import { tokenLabels, type MayName } from '../tokens.ts';
import { activeActors } from '../workspace/actors.ts';
import type { PlanDocument } from '../../shared/enums.ts';
import {
	type CommentAnchor,
	type PlanCommentItem,
	type PlanThreadItem
} from '../../shared/plan-history.ts';
import { mentionIdsOf } from '../../shared/tokens.ts';
import { resolvePlanAccess, type ResolvedPlan } from './access.ts';
import { planDocumentAudience } from './versions.ts';

// Comments on plan documents: threads of one level, anchored to text with Yjs relative positions
// (computed and resolved in the browser through y-prosemirror's mapping; the server stores them
// as opaque base64). A body is plain text with mention tokens (shared/tokens.ts), stored as
// written and resolved for each reader; a mention notifies the person if they may open the
// document. Replies notify the thread's participants. Every change sends `plan.comment`
// {planId, document} so open pages refresh.

/** May this person open this document of the plan (the policy's answer)? */
export function mayOpenDocument(resolved: ResolvedPlan, document: PlanDocument): boolean {
	return (document === 'internal' ? resolved.internal : resolved.access) !== 'none';
}

/** May this person comment on this document of the plan? */
export function mayComment(actor: Actor, resolved: ResolvedPlan, document: PlanDocument): boolean {
	return document === 'internal'
		? internalNotesAccess(actor, resolved.facts) !== 'none'
		: canCommentOnPlan(actor, resolved.facts);
}

/** Of these user ids, the active people who may open this document of the plan. */
export async function peopleWhoMayOpen(
	db: Db,
	planId: string,
	document: PlanDocument,
	userIds: string[]
): Promise<string[]> {
	const allowed: string[] = [];
	for (const person of await activeActors(db, userIds)) {
		const resolved = await resolvePlanAccess(db, person, planId);
		if (resolved && mayOpenDocument(resolved, document)) allowed.push(person.id);
	}
	return allowed;
}

async function planTitle(db: Db, planId: string): Promise<string> {
	const [row] = await db.select({ title: plans.title }).from(plans).where(eq(plans.id, planId));
	return row?.title ?? '';
}

async function announce(db: Db, resolved: ResolvedPlan, document: PlanDocument): Promise<void> {
	await publishLiveEvent(db, {
		type: 'plan.comment',
		audience: planDocumentAudience(document, resolved.facts.sharedWithId),
		data: { planId: resolved.planId, document }
	});
}

/**
 * The people a body mentions who may open the document (the ones to notify). Every mention stays
 * in the body: it carries no name, and each reader sees the name only if the rules let them.
 */
async function mentionedReaders(
	db: Db,
	planId: string,
	document: PlanDocument,
	body: string
): Promise<string[]> {
	return peopleWhoMayOpen(db, planId, document, mentionIdsOf(body));
}

const commentLink = (planId: string, threadId: string) => `/plans/${planId}#comment-${threadId}`;

export type CommentError = 'not_found' | 'forbidden';

export async function listThreads(
	db: Db,
	actor: Actor,
	resolved: ResolvedPlan,
	document: PlanDocument
): Promise<PlanThreadItem[]> {
	const rows = await db
		.select({
			id: planComments.id,
			parentId: planComments.parentId,
			anchor: planComments.anchor,
			quote: planComments.quote,
			body: planComments.body,
			authorId: planComments.authorId,
			authorName: users.name,
			authorOrganisationId: users.organisationId,
			authorKind: organisations.kind,
			resolvedAt: planComments.resolvedAt,
			resolvedById: planComments.resolvedById,
			editedAt: planComments.editedAt,
			deletedAt: planComments.deletedAt,
			createdAt: planComments.createdAt
		})
		.from(planComments)
		.innerJoin(users, eq(users.id, planComments.authorId))
		.innerJoin(organisations, eq(organisations.id, users.organisationId))
		.where(and(eq(planComments.planId, resolved.planId), eq(planComments.document, document)))
		.orderBy(asc(planComments.createdAt), asc(planComments.id));
	// A partner person never sees another partner company's people (the plan may have been shared
	// with another company before): their comments are left out.
	const visible = (row: (typeof rows)[number]) =>
		canSeePlanParticipant(actor, {
			organisationId: row.authorOrganisationId,
			organisationKind: row.authorKind
		});
	const names = new Map(rows.filter(visible).map((row) => [row.authorId, row.authorName]));
	const resolverIds = rows
		.map((row) => row.resolvedById)
		.filter((id): id is string => !!id && !names.has(id));
	if (resolverIds.length > 0) {
		const resolvers = await db
			.select({
				id: users.id,
				name: users.name,
				organisationId: users.organisationId,
				kind: organisations.kind
			})
			.from(users)
			.innerJoin(organisations, eq(organisations.id, users.organisationId))
			.where(inArray(users.id, resolverIds));
		for (const person of resolvers) {
			if (
				canSeePlanParticipant(actor, {
					organisationId: person.organisationId,
					organisationKind: person.kind
				})
			)
				names.set(person.id, person.name);
		}
	}
	const tokens = await tokenLabels(
		db,
		actor,
		rows.filter((row) => !row.deletedAt && visible(row)).map((row) => row.body)
	);
	const mayName: MayName = (person) => canSeePlanParticipant(actor, person);
	const toItem = (row: (typeof rows)[number]): PlanCommentItem => ({
		id: row.id,
		authorId: row.authorId,
		authorName: row.authorName,
		body: row.deletedAt ? '' : row.body,
		tokens: row.deletedAt ? [] : tokens(row.body, mayName),
		createdAt: row.createdAt.toISOString(),
		editedAt: row.editedAt ? row.editedAt.toISOString() : null,
		deleted: row.deletedAt !== null
	});
	const threads = new Map<string, PlanThreadItem>();
	for (const row of rows) {
		if (row.parentId || !visible(row)) continue;
		threads.set(row.id, {
			id: row.id,
			document,
			anchor: row.anchor,
			quote: row.quote,
			resolvedAt: row.resolvedAt ? row.resolvedAt.toISOString() : null,
			resolvedByName: row.resolvedById ? (names.get(row.resolvedById) ?? null) : null,
			comments: [toItem(row)]
		});
	}
	for (const row of rows) {
		if (!row.parentId || !visible(row)) continue;
		threads.get(row.parentId)?.comments.push(toItem(row));
	}
	// A thread whose every comment was deleted is gone from the list.
	return [...threads.values()].filter((thread) => thread.comments.some((c) => !c.deleted));
}

/** Opens a thread on the anchored text; notifies the people mentioned. */
export async function createThread(
	db: Db,
	actor: Actor,
	resolved: ResolvedPlan,
	input: { document: PlanDocument; anchor: CommentAnchor; quote: string; body: string }
): Promise<{ id: string } | CommentError> {
	if (!mayOpenDocument(resolved, input.document)) return 'not_found';
	if (!mayComment(actor, resolved, input.document)) return 'forbidden';
	const body = input.body;
	const mentioned = await mentionedReaders(db, resolved.planId, input.document, body);
	const title = await planTitle(db, resolved.planId);
	return db.transaction(async (tx) => {
		const [row] = await tx
			.insert(planComments)
			.values({
				planId: resolved.planId,
				document: input.document,
				parentId: null,
				anchor: input.anchor,
				quote: input.quote,
				body,
				authorId: actor.id
			})
			.returning({ id: planComments.id });
		const others = mentioned.filter((id) => id !== actor.id);
		if (others.length > 0) {
			await notify(tx, {
				userIds: others,
				kind: 'plan_mention',
				data: { plan: title, name: await actorName(tx, actor) },
				link: commentLink(resolved.planId, row.id)
			});
		}
		await announce(tx, resolved, input.document);
		return { id: row.id };
	});
}

async function findComment(db: Db, planId: string, commentId: string) {
	const [row] = await db
		.select()
		.from(planComments)
		.where(and(eq(planComments.id, commentId), eq(planComments.planId, planId)));
	return row ?? null;
}

/** Replies to a thread; notifies those mentioned and the thread's other participants. */
export async function replyToThread(
	db: Db,
	actor: Actor,
	resolved: ResolvedPlan,
	threadId: string,
	input: { body: string }
): Promise<{ id: string } | CommentError> {
	const thread = await findComment(db, resolved.planId, threadId);
	if (!thread || thread.parentId || !mayOpenDocument(resolved, thread.document)) return 'not_found';
	if (!mayComment(actor, resolved, thread.document)) return 'forbidden';
	const body = input.body;
	const mentioned = await mentionedReaders(db, resolved.planId, thread.document, body);
	const participantRows = await db
		.selectDistinct({ id: planComments.authorId })
		.from(planComments)
		.where(
			and(
				or(eq(planComments.id, threadId), eq(planComments.parentId, threadId)),
				isNull(planComments.deletedAt)
			)
		);
	const participants = await peopleWhoMayOpen(
		db,
		resolved.planId,
		thread.document,
		participantRows.map((p) => p.id)
	);
	const title = await planTitle(db, resolved.planId);
	return db.transaction(async (tx) => {
		const [row] = await tx
			.insert(planComments)
			.values({
				planId: resolved.planId,
				document: thread.document,
				parentId: threadId,
				body,
				authorId: actor.id
			})
			.returning({ id: planComments.id });
		const mentionedOthers = mentioned.filter((id) => id !== actor.id);
		const replied = participants.filter((id) => id !== actor.id && !mentionedOthers.includes(id));
		const data = { plan: title, name: await actorName(tx, actor) };
		const link = commentLink(resolved.planId, threadId);
		if (mentionedOthers.length > 0) {
			await notify(tx, { userIds: mentionedOthers, kind: 'plan_mention', data, link });
		}
		if (replied.length > 0) {
			await notify(tx, { userIds: replied, kind: 'plan_reply', data, link });
		}
		// Replying to a resolved thread reopens it.
		if (thread.resolvedAt) {
			await tx
				.update(planComments)
				.set({ resolvedAt: null, resolvedById: null })
				.where(eq(planComments.id, threadId));
		}
		await announce(tx, resolved, thread.document);
		return { id: row.id };
	});
}

/** Edits one's own comment (mentions checked again; newly mentioned people are notified). */
export async function editComment(
	db: Db,
	actor: Actor,
	resolved: ResolvedPlan,
	commentId: string,
	input: { body: string }
): Promise<{ id: string } | CommentError> {
	const comment = await findComment(db, resolved.planId, commentId);
	if (!comment || comment.deletedAt || !mayOpenDocument(resolved, comment.document))
		return 'not_found';
	if (comment.authorId !== actor.id || !mayComment(actor, resolved, comment.document))
		return 'forbidden';
	const body = input.body;
	const mentioned = await mentionedReaders(db, resolved.planId, comment.document, body);
	const before = new Set(mentionIdsOf(comment.body));
	const newly = mentioned.filter((id) => !before.has(id) && id !== actor.id);
	const title = await planTitle(db, resolved.planId);
	return db.transaction(async (tx) => {
		await tx
			.update(planComments)
			.set({ body, editedAt: sql`now()` })
			.where(eq(planComments.id, commentId));
		if (newly.length > 0) {
			await notify(tx, {
				userIds: newly,
				kind: 'plan_mention',
				data: { plan: title, name: await actorName(tx, actor) },
				link: commentLink(resolved.planId, comment.parentId ?? comment.id)
			});
		}
		await announce(tx, resolved, comment.document);
		return { id: commentId };
	});
}

/** Deletes one's own comment: the row stays (soft delete), its text is no longer shown. */
export async function deleteComment(
	db: Db,
	actor: Actor,
	resolved: ResolvedPlan,
	commentId: string
): Promise<{ id: string } | CommentError> {
	const comment = await findComment(db, resolved.planId, commentId);
	if (!comment || comment.deletedAt || !mayOpenDocument(resolved, comment.document))
		return 'not_found';
	if (comment.authorId !== actor.id || !mayComment(actor, resolved, comment.document))
		return 'forbidden';
	return db.transaction(async (tx) => {
		await tx
			.update(planComments)
			.set({ deletedAt: sql`now()` })
			.where(eq(planComments.id, commentId));
		await announce(tx, resolved, comment.document);
		return { id: commentId };
	});
}

/** Resolves or reopens a thread: whoever may comment on the document. */
export async function setThreadResolved(
	db: Db,
	actor: Actor,
	resolved: ResolvedPlan,
	threadId: string,
	resolvedState: boolean
): Promise<{ id: string } | CommentError> {
	const thread = await findComment(db, resolved.planId, threadId);
	if (!thread || thread.parentId || !mayOpenDocument(resolved, thread.document)) return 'not_found';
	if (!mayComment(actor, resolved, thread.document)) return 'forbidden';
	return db.transaction(async (tx) => {
		await tx
			.update(planComments)
			.set(
				resolvedState
					? { resolvedAt: sql`now()`, resolvedById: actor.id }
					: { resolvedAt: null, resolvedById: null }
			)
			.where(eq(planComments.id, threadId));
		await announce(tx, resolved, thread.document);
		return { id: threadId };
	});
}
