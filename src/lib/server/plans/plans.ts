import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import * as Y from 'yjs';
import {
	canCreatePlan,
	canDeletePlan,
	canManagePlan,
	canNarrowPlanForPeople,
	canReviewPlan,
	type PlanAccessFacts
} from '../access/plan-policy.ts';
import { type Actor, isHostActor } from '../access/actor.ts';
import { recordActivity } from '../activity/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Db } from '../db/client.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { DomainError } from '../errors.ts';
import {
	accountPartners,
	accounts,
	organisations,
	planDocuments,
	planPersonAccess,
	plans,
	users
} from '../db/schema.ts';
import { publishLiveEvent } from '../live/events.ts';
import { notify } from '../notifications/index.ts';
import { searchVector } from '../crm/scope.ts';
import { planDocumentName } from '../../shared/collab.ts';
import { planSearchText } from '../../shared/plan-doc.ts';
import type { Locale, PlanKind, PlanPersonAccess, PlanShareMode } from '../../shared/enums.ts';
import {
	createPlanInput,
	personAccessInput,
	planOwnerInput,
	sharePlanInput
} from '../../shared/schemas/plans.ts';
import type { PlanViewer } from '../access/plan-scope.ts';
import { planViewer, resolvePlanAccess } from './access.ts';
import { buildPlanDocuments, defaultPlanTitle } from './templates.ts';
import { type CommandContext, actorName } from '../command.ts';

// Writes of account plans. Each command is one transaction: it locks the plan, asks the policy
// (plan-policy.ts through access.ts), changes it, and records the audit entry, the activity, the
// notifications and the live events of the change — all or nothing. Access changes publish
// `plan.access.changed`, on which the collaboration server re-checks open connections.

/** What creating a plan needs (the form, the seed). */
export type CreatePlanInput = {
	kind: PlanKind;
	accountId?: string | null;
	partnerId?: string | null;
	locale: Locale;
	title?: string | null;
};

const planLink = (id: string) => `/plans/${id}`;

function parse<T>(
	schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
	value: unknown
): T {
	const result = schema.safeParse(value);
	if (!result.success) throw new DomainError('INVALID');
	return result.data;
}

/** Announces that who may open a plan changed (the collaboration server re-checks connections). */
async function accessChanged(tx: Db, planId: string): Promise<void> {
	await publishLiveEvent(tx, {
		type: 'plan.access.changed',
		audience: { users: [] },
		data: { planId }
	});
}

type Subject = {
	name: string;
	subjectOwnerId: string | null;
	subjectRegionId: string | null;
};

async function loadSubject(
	tx: Db,
	kind: 'account' | 'partner',
	id: string
): Promise<Subject | null> {
	if (kind === 'account') {
		const [row] = await tx
			.select({ name: accounts.name, ownerId: accounts.ownerId, regionId: accounts.regionId })
			.from(accounts)
			.where(and(eq(accounts.id, id), isNull(accounts.deletedAt)));
		return row
			? { name: row.name, subjectOwnerId: row.ownerId, subjectRegionId: row.regionId }
			: null;
	}
	const [row] = await tx
		.select({
			name: organisations.name,
			ownerId: organisations.ownerId,
			regionId: organisations.regionId
		})
		.from(organisations)
		.where(and(eq(organisations.id, id), eq(organisations.kind, 'partner')));
	return row
		? { name: row.name, subjectOwnerId: row.ownerId, subjectRegionId: row.regionId }
		: null;
}

async function teamsOf(tx: Db, userIds: (string | null)[]): Promise<string[]> {
	const ids = userIds.filter((id): id is string => !!id);
	if (ids.length === 0) return [];
	const rows = await tx.select({ teamId: users.teamId }).from(users).where(inArray(users.id, ids));
	return rows.map((r) => r.teamId).filter((id): id is string => !!id);
}

/** What canCreatePlan needs about a subject and the person asking. */
export async function creationFacts(
	tx: Db,
	viewer: PlanViewer,
	subject: Subject
): Promise<Parameters<typeof canCreatePlan>[1]> {
	return {
		subjectOwnerId: subject.subjectOwnerId,
		subjectRegionId: subject.subjectRegionId,
		responsibleTeamIds: await teamsOf(tx, [subject.subjectOwnerId]),
		actorTeamId: viewer.teamId,
		actorManagedRegionIds: viewer.managedRegionIds
	};
}

/** The live plan of an account or a partner, if any (for the "Plan" buttons and duplicates). */
export async function existingPlanId(
	db: Db,
	kind: 'account' | 'partner',
	subjectId: string
): Promise<string | null> {
	const [row] = await db
		.select({ id: plans.id })
		.from(plans)
		.where(
			and(
				eq(plans.kind, kind),
				isNull(plans.deletedAt),
				kind === 'account' ? eq(plans.accountId, subjectId) : eq(plans.partnerId, subjectId)
			)
		);
	return row?.id ?? null;
}

/** The subject of a plan to create, as this person sees it, and its plan if one exists. */
export async function planSubject(
	db: Db,
	actor: Actor,
	kind: 'account' | 'partner',
	subjectId: string
): Promise<{ name: string; planId: string | null } | null> {
	if (!isHostActor(actor)) return null;
	const subject = await loadSubject(db, kind, subjectId);
	if (!subject) return null;
	return { name: subject.name, planId: await existingPlanId(db, kind, subjectId) };
}

/**
 * The "Plan" button of an account or partner page: the plan to open (when one exists and this
 * person may open it), or whether they may create it.
 */
export async function planButton(
	db: Db,
	actor: Actor,
	kind: 'account' | 'partner',
	subjectId: string
): Promise<{ planId: string | null; canCreate: boolean }> {
	const existing = await existingPlanId(db, kind, subjectId);
	if (existing) {
		const resolved = await resolvePlanAccess(db, actor, existing);
		return { planId: resolved && resolved.access !== 'none' ? existing : null, canCreate: false };
	}
	return { planId: null, canCreate: await mayCreatePlanFor(db, actor, kind, subjectId) };
}

/** May this person create the plan of this account / partner? (For the "Create a plan" button.) */
export async function mayCreatePlanFor(
	db: Db,
	actor: Actor,
	kind: 'account' | 'partner',
	subjectId: string
): Promise<boolean> {
	if (!isHostActor(actor)) return false;
	const subject = await loadSubject(db, kind, subjectId);
	if (!subject) return false;
	const viewer = await planViewer(db, actor);
	return canCreatePlan(viewer, await creationFacts(db, viewer, subject));
}

/** The text search and lists use, from a document's state. */
function searchTextOf(state: Uint8Array): string {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, state);
	const text = planSearchText(doc);
	doc.destroy();
	return text;
}

/**
 * Creates the plan of an account or of a partner company, from the French or English template.
 * One plan per subject: a second attempt fails with ALREADY_EXISTS (and the existing plan's id).
 * A partner plan is shared with its partner as editors; an account plan with nobody.
 */
export async function createPlan(
	db: Db,
	actor: Actor,
	input: CreatePlanInput,
	context: CommandContext = {}
): Promise<{ id: string }> {
	const data = parse(createPlanInput, {
		kind: input.kind,
		accountId: input.accountId ?? '',
		partnerId: input.partnerId ?? '',
		locale: input.locale,
		title: input.title ?? ''
	});
	const subjectId = (data.kind === 'account' ? data.accountId : data.partnerId)!;
	try {
		return await db.transaction(async (tx) => {
			const subject = await loadSubject(tx, data.kind, subjectId);
			if (!subject) throw new DomainError('NOT_FOUND');
			const viewer = await planViewer(tx, actor);
			if (!canCreatePlan(viewer, await creationFacts(tx, viewer, subject))) {
				throw new DomainError('FORBIDDEN');
			}
			const existing = await existingPlanId(tx, data.kind, subjectId);
			if (existing) throw new DomainError('ALREADY_EXISTS', { existingId: existing });
			const title = data.title ?? defaultPlanTitle(data.locale, data.kind, subject.name);
			const documents = buildPlanDocuments({
				locale: data.locale,
				kind: data.kind,
				subjectName: subject.name
			});
			const summaryText = searchTextOf(documents.shared);
			const [plan] = await tx
				.insert(plans)
				.values({
					kind: data.kind,
					accountId: data.accountId,
					partnerId: data.partnerId,
					title,
					locale: data.locale,
					ownerId: actor.id,
					createdById: actor.id,
					sharedWithId: data.kind === 'partner' ? data.partnerId : null,
					shareMode: data.kind === 'partner' ? 'editor' : null,
					summaryText,
					search: searchVector(title, summaryText)
				})
				.returning({ id: plans.id });
			await tx.insert(planDocuments).values(
				(['shared', 'internal'] as const).map((document) => ({
					name: planDocumentName(plan.id, document),
					planId: plan.id,
					document,
					state: documents[document],
					stateVector: Y.encodeStateVectorFromUpdate(documents[document]),
					byteSize: documents[document].byteLength
				}))
			);
			await recordAudit(tx, {
				actorId: actor.id,
				organisationId: data.partnerId,
				action: 'plan.created',
				objectType: 'plan',
				objectId: plan.id,
				data: { kind: data.kind, title, locale: data.locale, subjectId },
				ip: context.ip ?? null
			});
			await recordActivity(tx, {
				actorId: actor.id,
				organisationId: data.kind === 'partner' ? data.partnerId : null,
				verb: 'plan.created',
				objectType: 'plan',
				objectId: plan.id,
				data: { title }
			});
			if (data.kind === 'partner' && data.partnerId) {
				await notifyPartnerAdmins(tx, data.partnerId, plan.id, title);
			}
			return { id: plan.id };
		});
	} catch (cause) {
		// Two people creating the same plan at once: the unique index decides, the loser is told.
		if (isUniqueViolation(cause)) {
			const existing = await existingPlanId(db, data.kind, subjectId);
			throw new DomainError('ALREADY_EXISTS', { existingId: existing ?? undefined });
		}
		throw cause;
	}
}

type LockedPlan = typeof plans.$inferSelect;

/** Locks a plan and resolves the person's access: NOT_FOUND when they may not open it. */
async function lockPlan(
	tx: Db,
	actor: Actor,
	planId: string
): Promise<{ plan: LockedPlan; facts: PlanAccessFacts; viewer: PlanViewer }> {
	const [plan] = await tx.select().from(plans).where(eq(plans.id, planId)).for('update');
	if (!plan || plan.deletedAt) throw new DomainError('NOT_FOUND');
	const viewer = await planViewer(tx, actor);
	const resolved = await resolvePlanAccess(tx, viewer, planId);
	if (!resolved) throw new DomainError('NOT_FOUND');
	// Partner admins see the settings of a plan shared with them even when narrowed themselves.
	if (resolved.access === 'none' && !canNarrowPlanForPeople(viewer, resolved.facts)) {
		throw new DomainError('NOT_FOUND');
	}
	return { plan, facts: resolved.facts, viewer };
}

/** The activity's audience: the host, plus the partner the plan is shared with. */
const audienceOf = (plan: LockedPlan) => plan.sharedWithId;

async function notifyOwner(
	tx: Db,
	plan: LockedPlan,
	actor: Actor,
	kind: 'plan_published' | 'plan_reviewed'
): Promise<void> {
	if (plan.ownerId === actor.id) return;
	await notify(tx, {
		userIds: [plan.ownerId],
		kind,
		data: { title: plan.title, name: await actorName(tx, actor) },
		link: planLink(plan.id)
	});
}

async function notifyPartnerAdmins(
	tx: Db,
	partnerId: string,
	planId: string,
	title: string
): Promise<void> {
	const admins = await tx
		.select({ id: users.id })
		.from(users)
		.where(
			and(
				eq(users.organisationId, partnerId),
				eq(users.role, 'partner_admin'),
				eq(users.active, true)
			)
		);
	await notify(tx, {
		userIds: admins.map((a) => a.id),
		kind: 'plan_shared',
		data: { title },
		link: planLink(planId)
	});
}

async function setStatus(
	db: Db,
	actor: Actor,
	planId: string,
	status: 'draft' | 'published',
	context: CommandContext
): Promise<{ changed: boolean }> {
	return db.transaction(async (tx) => {
		const { plan, facts, viewer } = await lockPlan(tx, actor, planId);
		if (!canManagePlan(viewer, facts)) throw new DomainError('FORBIDDEN');
		if (plan.status === status) return { changed: false };
		await tx
			.update(plans)
			.set(
				status === 'published'
					? { status, publishedAt: sql`now()`, publishedById: actor.id, updatedAt: sql`now()` }
					: { status, updatedAt: sql`now()` }
			)
			.where(eq(plans.id, plan.id));
		const action = status === 'published' ? 'plan.published' : 'plan.unpublished';
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: plan.sharedWithId,
			action,
			objectType: 'plan',
			objectId: plan.id,
			data: { title: plan.title },
			ip: context.ip ?? null
		});
		if (status === 'published') {
			await recordActivity(tx, {
				actorId: actor.id,
				organisationId: audienceOf(plan),
				verb: 'plan.published',
				objectType: 'plan',
				objectId: plan.id,
				data: { title: plan.title }
			});
			await notifyOwner(tx, plan, actor, 'plan_published');
		}
		await planChanged(tx, plan);
		return { changed: true };
	});
}

/** Tells open pages of the plan (lists, the plan page) that its row changed. */
async function planChanged(tx: Db, plan: LockedPlan): Promise<void> {
	await publishLiveEvent(tx, {
		type: 'plan.changed',
		audience: { organisation: plan.sharedWithId },
		data: { id: plan.id }
	});
}

/** Draft → published (host people who manage the plan). */
export function publishPlan(db: Db, actor: Actor, planId: string, context: CommandContext = {}) {
	return setStatus(db, actor, planId, 'published', context);
}

/** Published → draft. */
export function unpublishPlan(db: Db, actor: Actor, planId: string, context: CommandContext = {}) {
	return setStatus(db, actor, planId, 'draft', context);
}

/** "Mark reviewed": whoever may edit the plan. Records who and when. */
export async function markPlanReviewed(
	db: Db,
	actor: Actor,
	planId: string,
	context: CommandContext = {}
): Promise<{ reviewedAt: string }> {
	return db.transaction(async (tx) => {
		const { plan, facts, viewer } = await lockPlan(tx, actor, planId);
		if (!canReviewPlan(viewer, facts)) throw new DomainError('FORBIDDEN');
		const [row] = await tx
			.update(plans)
			.set({ lastReviewedAt: sql`now()`, lastReviewedById: actor.id, updatedAt: sql`now()` })
			.where(eq(plans.id, plan.id))
			.returning({ at: plans.lastReviewedAt });
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: plan.sharedWithId,
			action: 'plan.reviewed',
			objectType: 'plan',
			objectId: plan.id,
			data: { title: plan.title },
			ip: context.ip ?? null
		});
		await recordActivity(tx, {
			actorId: actor.id,
			organisationId: audienceOf(plan),
			verb: 'plan.reviewed',
			objectType: 'plan',
			objectId: plan.id,
			data: { title: plan.title }
		});
		await notifyOwner(tx, plan, actor, 'plan_reviewed');
		await planChanged(tx, plan);
		return { reviewedAt: row.at!.toISOString() };
	});
}

/**
 * Shares the plan with one partner company (or with nobody: partnerId null), as editors or
 * viewers. An account plan only with a partner serving that account; a partner plan only with
 * its own partner. Changing or removing the partner drops the old partner's per-person narrowing.
 */
export async function sharePlan(
	db: Db,
	actor: Actor,
	planId: string,
	input: { partnerId: string | null; mode: PlanShareMode },
	context: CommandContext = {}
): Promise<{ changed: boolean }> {
	const data = parse(sharePlanInput, { partnerId: input.partnerId ?? '', mode: input.mode });
	return db.transaction(async (tx) => {
		const { plan, facts, viewer } = await lockPlan(tx, actor, planId);
		if (!canManagePlan(viewer, facts)) throw new DomainError('FORBIDDEN');
		const partnerId = data.partnerId;
		const mode = partnerId ? data.mode : null;
		if (partnerId) {
			if (plan.kind === 'partner' && partnerId !== plan.partnerId) {
				throw new DomainError('PARTNER_NOT_SERVING');
			}
			if (plan.kind === 'account') {
				const [serving] = await tx
					.select({ id: organisations.id })
					.from(accountPartners)
					.innerJoin(organisations, eq(organisations.id, accountPartners.organisationId))
					.where(
						and(
							eq(accountPartners.accountId, plan.accountId!),
							eq(accountPartners.organisationId, partnerId),
							eq(organisations.kind, 'partner')
						)
					);
				if (!serving) throw new DomainError('PARTNER_NOT_SERVING');
			}
		}
		if (plan.sharedWithId === partnerId && plan.shareMode === mode) return { changed: false };
		const partnerChanged = plan.sharedWithId !== partnerId;
		if (partnerChanged) {
			await tx.delete(planPersonAccess).where(eq(planPersonAccess.planId, plan.id));
		}
		await tx
			.update(plans)
			.set({ sharedWithId: partnerId, shareMode: mode, updatedAt: sql`now()` })
			.where(eq(plans.id, plan.id));
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: partnerId ?? plan.sharedWithId,
			action: partnerId ? 'plan.shared' : 'plan.unshared',
			objectType: 'plan',
			objectId: plan.id,
			data: {
				before: { partnerId: plan.sharedWithId, mode: plan.shareMode },
				after: { partnerId, mode }
			},
			ip: context.ip ?? null
		});
		if (partnerId && partnerChanged) {
			await notifyPartnerAdmins(tx, partnerId, plan.id, plan.title);
		}
		await accessChanged(tx, plan.id);
		await planChanged(tx, { ...plan, sharedWithId: partnerId });
		return { changed: true };
	});
}

const RANK: Record<PlanPersonAccess, number> = { none: 0, viewer: 1, editor: 2 };

/**
 * The partner admin narrows the plan for one of their own people: editor, viewer or none, never
 * wider than the share. Access equal to the share removes the narrowing.
 */
export async function setPersonAccess(
	db: Db,
	actor: Actor,
	planId: string,
	userId: string,
	access: PlanPersonAccess,
	context: CommandContext = {}
): Promise<{ changed: boolean }> {
	const data = parse(personAccessInput, { userId, access });
	return db.transaction(async (tx) => {
		const { plan, facts, viewer } = await lockPlan(tx, actor, planId);
		if (!canNarrowPlanForPeople(viewer, facts) || !plan.shareMode) {
			throw new DomainError('FORBIDDEN');
		}
		// Only their own company's people; anyone else is "not found", never confirmed.
		const [person] = await tx
			.select({ id: users.id })
			.from(users)
			.where(and(eq(users.id, data.userId), eq(users.organisationId, actor.organisationId)));
		if (!person) throw new DomainError('NOT_FOUND');
		if (RANK[data.access] > RANK[plan.shareMode]) throw new DomainError('WIDENS');
		const [before] = await tx
			.select({ access: planPersonAccess.access })
			.from(planPersonAccess)
			.where(and(eq(planPersonAccess.planId, plan.id), eq(planPersonAccess.userId, data.userId)));
		const next = data.access === plan.shareMode ? null : data.access;
		if ((before?.access ?? null) === next) return { changed: false };
		if (next === null) {
			await tx
				.delete(planPersonAccess)
				.where(and(eq(planPersonAccess.planId, plan.id), eq(planPersonAccess.userId, data.userId)));
		} else {
			await tx
				.insert(planPersonAccess)
				.values({ planId: plan.id, userId: data.userId, access: next, updatedById: actor.id })
				.onConflictDoUpdate({
					target: [planPersonAccess.planId, planPersonAccess.userId],
					set: { access: next, updatedById: actor.id, updatedAt: sql`now()` }
				});
		}
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: actor.organisationId,
			action: 'plan.person_access_changed',
			objectType: 'plan',
			objectId: plan.id,
			data: { userId: data.userId, before: before?.access ?? null, after: next },
			ip: context.ip ?? null
		});
		await accessChanged(tx, plan.id);
		return { changed: true };
	});
}

/** Hands the plan to another host person (active). */
export async function changePlanOwner(
	db: Db,
	actor: Actor,
	planId: string,
	ownerId: string,
	context: CommandContext = {}
): Promise<{ changed: boolean }> {
	const data = parse(planOwnerInput, { ownerId });
	return db.transaction(async (tx) => {
		const { plan, facts, viewer } = await lockPlan(tx, actor, planId);
		if (!canManagePlan(viewer, facts)) throw new DomainError('FORBIDDEN');
		if (plan.ownerId === data.ownerId) return { changed: false };
		const [owner] = await tx
			.select({ id: users.id })
			.from(users)
			.innerJoin(organisations, eq(organisations.id, users.organisationId))
			.where(
				and(eq(users.id, data.ownerId), eq(users.active, true), eq(organisations.kind, 'host'))
			);
		if (!owner) throw new DomainError('OWNER_INVALID');
		await tx
			.update(plans)
			.set({ ownerId: data.ownerId, updatedAt: sql`now()` })
			.where(eq(plans.id, plan.id));
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: plan.sharedWithId,
			action: 'plan.owner_changed',
			objectType: 'plan',
			objectId: plan.id,
			data: { before: plan.ownerId, after: data.ownerId },
			ip: context.ip ?? null
		});
		if (data.ownerId !== actor.id) {
			await notify(tx, {
				userIds: [data.ownerId],
				kind: 'plan_owner',
				data: { title: plan.title, name: await actorName(tx, actor) },
				link: planLink(plan.id)
			});
		}
		await accessChanged(tx, plan.id);
		await planChanged(tx, plan);
		return { changed: true };
	});
}

/** Soft-deletes the plan (its documents and history stay in the database). */
export async function deletePlan(
	db: Db,
	actor: Actor,
	planId: string,
	context: CommandContext = {}
): Promise<void> {
	await db.transaction(async (tx) => {
		const { plan, facts, viewer } = await lockPlan(tx, actor, planId);
		if (!canDeletePlan(viewer, facts)) throw new DomainError('FORBIDDEN');
		await tx
			.update(plans)
			.set({ deletedAt: sql`now()`, updatedAt: sql`now()` })
			.where(eq(plans.id, plan.id));
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: plan.sharedWithId,
			action: 'plan.deleted',
			objectType: 'plan',
			objectId: plan.id,
			data: { title: plan.title },
			ip: context.ip ?? null
		});
		await accessChanged(tx, plan.id);
		await planChanged(tx, plan);
	});
}

/** People of the partner company a plan is shared with, and their narrowing (settings page). */
export async function partnerPeopleAccess(
	db: Db,
	partnerId: string,
	planId: string
): Promise<{ id: string; name: string; role: string; access: PlanPersonAccess | null }[]> {
	return db
		.select({
			id: users.id,
			name: users.name,
			role: users.role,
			access: planPersonAccess.access
		})
		.from(users)
		.leftJoin(
			planPersonAccess,
			and(eq(planPersonAccess.userId, users.id), eq(planPersonAccess.planId, planId))
		)
		.where(and(eq(users.organisationId, partnerId), eq(users.active, true)))
		.orderBy(sql`lower(${users.name})`);
}

/** Partner companies an account plan may be shared with (those serving the account). */
export async function shareChoices(
	db: Db,
	plan: { kind: 'account' | 'partner'; accountId: string | null; partnerId: string | null }
): Promise<{ id: string; name: string }[]> {
	if (plan.kind === 'partner') {
		return db
			.select({ id: organisations.id, name: organisations.name })
			.from(organisations)
			.where(eq(organisations.id, plan.partnerId!));
	}
	return db
		.select({ id: organisations.id, name: organisations.name })
		.from(accountPartners)
		.innerJoin(organisations, eq(organisations.id, accountPartners.organisationId))
		.where(and(eq(accountPartners.accountId, plan.accountId!), eq(organisations.kind, 'partner')))
		.orderBy(sql`lower(${organisations.name})`);
}

/** Active host people a plan may be handed to. */
export async function ownerChoices(db: Db): Promise<{ id: string; name: string }[]> {
	return db
		.select({ id: users.id, name: users.name })
		.from(users)
		.innerJoin(organisations, eq(organisations.id, users.organisationId))
		.where(
			and(eq(organisations.kind, 'host'), eq(users.active, true), ne(users.role, 'partner_admin'))
		)
		.orderBy(sql`lower(${users.name})`);
}
