import { aliasedTable, and, asc, desc, eq, sql } from 'drizzle-orm';
import { opportunitySearch } from './search-documents.ts';
import { STAGE_PROBABILITY, type Stage } from '../../shared/enums.ts';
import type { OpportunityInput, StageChangeInput } from '../../shared/schemas/crm.ts';
import {
	canCreateCrmRecord,
	canDeleteCrmRecord,
	canEditCrmRecord,
	canViewCrmRecord,
	type CrmRecordRef
} from '../access/crm-policy.ts';
import { isHostActor, type Actor } from '../access/actor.ts';
import { recordActivity } from '../activity/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Db } from '../db/client.ts';
import { parseCursor } from '../db/keyset.ts';
import {
	accountPartners,
	accounts,
	opportunities,
	opportunityHistory,
	organisations,
	users
} from '../db/schema.ts';
import type { Permissions } from './accounts.ts';
import { accountRef } from './accounts.ts';
import { assertOwner, assertPartners, diff, partnerOwnerId } from './common.ts';
import { DomainError } from '../errors.ts';
import { visibleAccounts, visibleOpportunities } from '../access/crm-scope.ts';
import type { CommandContext } from '../command.ts';

// Opportunities (deals). Every stage or amount change is kept in opportunity_history; won and
// lost set closedAt and go to the activity feed of the partner's world (organisationId =
// partnerId; null = the host's direct team).

const CLOSED: readonly Stage[] = ['won', 'lost'];
const isClosed = (stage: Stage) => CLOSED.includes(stage);

export type OpportunityRow = {
	id: string;
	accountId: string;
	name: string;
	stage: Stage;
	amountCents: number;
	closeDate: string | null;
	probability: number;
	partnerId: string | null;
	partnerName: string | null;
	ownerId: string | null;
	ownerName: string | null;
};

export type OpportunityDetail = OpportunityRow & {
	accountName: string;
	nextStep: string | null;
	lostReason: string | null;
	products: string | null;
	closedAt: Date | null;
	protectedUntil: Date | null;
	version: number;
	createdAt: Date;
	updatedAt: Date;
	permissions: Permissions;
};

export type HistoryEntry = {
	id: number;
	field: 'stage' | 'amount' | 'created';
	fromValue: string | null;
	toValue: string | null;
	actorName: string | null;
	createdAt: Date;
};

const partners = aliasedTable(organisations, 'partner');
const owners = aliasedTable(users, 'owner');

const columns = {
	id: opportunities.id,
	accountId: opportunities.accountId,
	name: opportunities.name,
	stage: opportunities.stage,
	amountCents: opportunities.amountCents,
	closeDate: opportunities.closeDate,
	probability: opportunities.probability,
	partnerId: opportunities.partnerId,
	partnerName: partners.name,
	ownerId: opportunities.ownerId,
	ownerName: owners.name
};

const refOf = (row: { partnerId: string | null; ownerId: string | null }): CrmRecordRef => ({
	partnerIds: row.partnerId ? [row.partnerId] : [],
	ownerId: row.ownerId
});

/** The opportunities of an account the person may see, newest close date first. */
export async function listOpportunitiesOfAccount(
	db: Db,
	actor: Actor,
	accountId: string
): Promise<OpportunityRow[]> {
	return db
		.select(columns)
		.from(opportunities)
		.leftJoin(partners, eq(partners.id, opportunities.partnerId))
		.leftJoin(owners, eq(owners.id, opportunities.ownerId))
		.where(and(eq(opportunities.accountId, accountId), visibleOpportunities(actor)))
		.orderBy(desc(opportunities.createdAt), asc(opportunities.id));
}

/** One opportunity the person may see, or null. */
export async function getOpportunity(
	db: Db,
	actor: Actor,
	id: string
): Promise<OpportunityDetail | null> {
	if (!parseCursor(id, 'uuid')) return null;
	const [row] = await db
		.select({
			...columns,
			accountName: accounts.name,
			nextStep: opportunities.nextStep,
			lostReason: opportunities.lostReason,
			products: opportunities.products,
			closedAt: opportunities.closedAt,
			protectedUntil: opportunities.protectedUntil,
			version: opportunities.version,
			createdAt: opportunities.createdAt,
			updatedAt: opportunities.updatedAt
		})
		.from(opportunities)
		.innerJoin(accounts, eq(accounts.id, opportunities.accountId))
		.leftJoin(partners, eq(partners.id, opportunities.partnerId))
		.leftJoin(owners, eq(owners.id, opportunities.ownerId))
		.where(and(eq(opportunities.id, id), visibleOpportunities(actor)));
	if (!row) return null;
	const ref = refOf(row);
	if (!canViewCrmRecord(actor, ref)) return null;
	return {
		...row,
		permissions: { edit: canEditCrmRecord(actor, ref), delete: canDeleteCrmRecord(actor, ref) }
	};
}

/** Every stage and amount change of an opportunity the person may see, oldest first. */
export async function getOpportunityHistory(
	db: Db,
	actor: Actor,
	id: string
): Promise<HistoryEntry[]> {
	if (!(await getOpportunity(db, actor, id))) return [];
	return db
		.select({
			id: opportunityHistory.id,
			field: opportunityHistory.field,
			fromValue: opportunityHistory.fromValue,
			toValue: opportunityHistory.toValue,
			actorName: users.name,
			createdAt: opportunityHistory.createdAt
		})
		.from(opportunityHistory)
		.leftJoin(users, eq(users.id, opportunityHistory.actorId))
		.where(eq(opportunityHistory.opportunityId, id))
		.orderBy(asc(opportunityHistory.createdAt), asc(opportunityHistory.id));
}

/** A partner only sees the accounts it serves: a deal of theirs makes them a serving partner. */
async function linkPartner(tx: Db, accountId: string, partnerId: string | null) {
	if (!partnerId) return;
	await tx
		.insert(accountPartners)
		.values({ accountId, organisationId: partnerId })
		.onConflictDoNothing();
}

export type CreateOpportunityInput = OpportunityInput & {
	accountId: string;
	externalId?: string | null;
};

/**
 * Creates an opportunity on an account the person may see. A partner person's deal is always
 * their company's and goes to their host rep; a host person chooses the partner (or none) and
 * the owner (themselves when none is chosen).
 */
export async function createOpportunity(
	db: Db,
	actor: Actor,
	input: CreateOpportunityInput,
	context: CommandContext = {}
): Promise<{ id: string; version: number }> {
	return db.transaction(async (tx) => {
		if (!parseCursor(input.accountId, 'uuid')) throw new DomainError('NOT_FOUND');
		const [account] = await tx
			.select({ id: accounts.id, name: accounts.name })
			.from(accounts)
			.where(and(eq(accounts.id, input.accountId), visibleAccounts(actor)))
			.for('share');
		const aRef = account ? await accountRef(tx, account.id) : null;
		if (!account || !aRef || !canViewCrmRecord(actor, aRef)) throw new DomainError('NOT_FOUND');
		const host = isHostActor(actor);
		const partnerId = host ? input.partnerId : actor.organisationId;
		const ownerId = host
			? (input.ownerId ?? actor.id)
			: await partnerOwnerId(tx, actor.organisationId);
		if (!canCreateCrmRecord(actor, refOf({ partnerId, ownerId }))) {
			throw new DomainError('FORBIDDEN');
		}
		if (host) {
			await assertPartners(tx, partnerId ? [partnerId] : []);
			await assertOwner(tx, ownerId);
		}
		const probability = input.probability ?? STAGE_PROBABILITY[input.stage];
		const [row] = await tx
			.insert(opportunities)
			.values({
				accountId: account.id,
				partnerId,
				ownerId,
				name: input.name,
				stage: input.stage,
				amountCents: input.amountCents,
				closeDate: input.closeDate,
				probability,
				nextStep: input.nextStep,
				lostReason: input.stage === 'lost' ? input.lostReason : null,
				products: input.products,
				closedAt: isClosed(input.stage) ? new Date() : null,
				externalId: input.externalId ?? null,
				search: opportunitySearch(input, account.name)
			})
			.returning({ id: opportunities.id, version: opportunities.version });
		await linkPartner(tx, account.id, partnerId);
		await tx.insert(opportunityHistory).values({
			opportunityId: row.id,
			actorId: actor.id,
			field: 'created',
			fromValue: null,
			toValue: input.stage
		});
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: partnerId,
			action: 'opportunity.created',
			objectType: 'opportunity',
			objectId: row.id,
			data: { name: input.name, stage: input.stage, amountCents: input.amountCents },
			ip: context.ip ?? null
		});
		await recordActivity(tx, {
			actorId: actor.id,
			organisationId: partnerId,
			verb: 'opportunity_created',
			objectType: 'opportunity',
			objectId: row.id,
			data: { name: input.name, accountName: account.name, amountCents: input.amountCents }
		});
		return row;
	});
}

async function lockOpportunity(tx: Db, actor: Actor, id: string) {
	if (!parseCursor(id, 'uuid')) throw new DomainError('NOT_FOUND');
	const [found] = await tx
		.select({ opportunity: opportunities, accountName: accounts.name })
		.from(opportunities)
		.innerJoin(accounts, eq(accounts.id, opportunities.accountId))
		.where(and(eq(opportunities.id, id), visibleOpportunities(actor)))
		.for('update', { of: opportunities });
	if (!found) throw new DomainError('NOT_FOUND');
	const ref = refOf(found.opportunity);
	if (!canViewCrmRecord(actor, ref)) throw new DomainError('NOT_FOUND');
	return { row: found.opportunity, accountName: found.accountName, ref };
}

async function staleOpportunity(tx: Db, actor: Actor, id: string): Promise<never> {
	const current = await getOpportunity(tx, actor, id);
	throw new DomainError('STALE', { current: current ?? undefined });
}

type Locked = Awaited<ReturnType<typeof lockOpportunity>>;
type Next = Required<Omit<OpportunityInput, 'probability'>> & { probability: number };

/**
 * Writes the new values of a locked opportunity at its version: history for stage and amount,
 * closedAt for won/lost, the activity of a win or a loss, the audit entry.
 */
async function saveOpportunity(
	tx: Db,
	actor: Actor,
	locked: Locked,
	next: Next & { externalId?: string | null },
	context: CommandContext
): Promise<{ id: string; version: number; changed: boolean }> {
	const { row, accountName } = locked;
	const changes = diff(row, next);
	if (Object.keys(changes).length === 0) {
		return { id: row.id, version: row.version, changed: false };
	}
	const stageChanged = row.stage !== next.stage;
	const closedAt = !isClosed(next.stage) ? null : stageChanged ? new Date() : row.closedAt;
	const [saved] = await tx
		.update(opportunities)
		.set({
			...next,
			closedAt,
			search: opportunitySearch(next, accountName),
			version: sql`${opportunities.version} + 1`,
			updatedAt: sql`now()`
		})
		.where(and(eq(opportunities.id, row.id), eq(opportunities.version, row.version)))
		.returning({ id: opportunities.id, version: opportunities.version });
	if (!saved) return staleOpportunity(tx, actor, row.id);
	await linkPartner(tx, row.accountId, next.partnerId);
	const history = [];
	if (stageChanged) {
		history.push({ field: 'stage' as const, fromValue: row.stage, toValue: next.stage });
	}
	if (row.amountCents !== next.amountCents) {
		history.push({
			field: 'amount' as const,
			fromValue: String(row.amountCents),
			toValue: String(next.amountCents)
		});
	}
	if (history.length) {
		await tx
			.insert(opportunityHistory)
			.values(history.map((h) => ({ ...h, opportunityId: row.id, actorId: actor.id })));
	}
	await recordAudit(tx, {
		actorId: actor.id,
		organisationId: next.partnerId,
		action: 'opportunity.updated',
		objectType: 'opportunity',
		objectId: row.id,
		data: { changes },
		ip: context.ip ?? null
	});
	if (stageChanged && isClosed(next.stage)) {
		await recordActivity(tx, {
			actorId: actor.id,
			organisationId: next.partnerId,
			verb: next.stage === 'won' ? 'deal_won' : 'deal_lost',
			objectType: 'opportunity',
			objectId: row.id,
			data: { name: next.name, accountName, amountCents: next.amountCents }
		});
	}
	return { ...saved, changed: true };
}

/**
 * The probability to store: the one typed, except that a stage change with the probability left
 * as it was (or left empty) takes the new stage's default.
 */
function nextProbability(
	row: { stage: Stage; probability: number },
	stage: Stage,
	typed: number | null
) {
	if (typed === null) return STAGE_PROBABILITY[stage];
	if (stage !== row.stage && typed === row.probability) return STAGE_PROBABILITY[stage];
	return typed;
}

export type UpdateOpportunityInput = OpportunityInput & {
	id: string;
	/** The version the form was opened at; null only for imports that overwrite by design. */
	version: number | null;
	externalId?: string | null;
};

export async function updateOpportunity(
	db: Db,
	actor: Actor,
	input: UpdateOpportunityInput,
	context: CommandContext = {}
): Promise<{ id: string; version: number; changed: boolean }> {
	return db.transaction(async (tx) => {
		const locked = await lockOpportunity(tx, actor, input.id);
		const { row, ref } = locked;
		if (!canEditCrmRecord(actor, ref)) throw new DomainError('FORBIDDEN');
		if (input.version !== null && input.version !== row.version) {
			return staleOpportunity(tx, actor, input.id);
		}
		const host = isHostActor(actor);
		// A partner person's deals are always their company's, and their owner stays as it is.
		const partnerId = host ? input.partnerId : actor.organisationId;
		const ownerId = host ? input.ownerId : row.ownerId;
		if (host) {
			await assertPartners(tx, partnerId ? [partnerId] : []);
			await assertOwner(tx, ownerId);
		}
		return saveOpportunity(
			tx,
			actor,
			locked,
			{
				name: input.name,
				partnerId,
				ownerId,
				stage: input.stage,
				amountCents: input.amountCents,
				closeDate: input.closeDate,
				probability: nextProbability(row, input.stage, input.probability),
				nextStep: input.nextStep,
				lostReason: input.stage === 'lost' ? input.lostReason : null,
				products: input.products,
				...(input.externalId !== undefined ? { externalId: input.externalId } : {})
			},
			context
		);
	});
}

/**
 * Moves an opportunity to another stage (the pipeline board and table): the probability takes
 * the stage's default, a loss needs its reason. Same rules, history and activity as an edit.
 */
export async function changeOpportunityStage(
	db: Db,
	actor: Actor,
	input: { id: string; version: number; stage: Stage; lostReason?: string | null },
	context: CommandContext = {}
): Promise<{ id: string; version: number; changed: boolean }> {
	return db.transaction(async (tx) => {
		const locked = await lockOpportunity(tx, actor, input.id);
		const { row, ref } = locked;
		if (!canEditCrmRecord(actor, ref)) throw new DomainError('FORBIDDEN');
		if (input.version !== row.version) return staleOpportunity(tx, actor, input.id);
		if (row.stage === input.stage) return { id: row.id, version: row.version, changed: false };
		const lostReason = input.stage === 'lost' ? (input.lostReason ?? row.lostReason) : null;
		if (input.stage === 'lost' && !lostReason) throw new DomainError('LOST_REASON_REQUIRED');
		return saveOpportunity(
			tx,
			actor,
			locked,
			{
				name: row.name,
				partnerId: row.partnerId,
				ownerId: row.ownerId,
				stage: input.stage,
				amountCents: row.amountCents,
				closeDate: row.closeDate,
				probability: STAGE_PROBABILITY[input.stage],
				nextStep: row.nextStep,
				lostReason,
				products: row.products
			},
			context
		);
	});
}

export type { StageChangeInput };

/** Soft-deletes an opportunity; returns its account, where the page goes next. */
export async function deleteOpportunity(
	db: Db,
	actor: Actor,
	input: { id: string },
	context: CommandContext = {}
): Promise<{ accountId: string }> {
	return db.transaction(async (tx) => {
		const { row, ref } = await lockOpportunity(tx, actor, input.id);
		if (!canDeleteCrmRecord(actor, ref)) throw new DomainError('FORBIDDEN');
		const now = new Date();
		await tx
			.update(opportunities)
			.set({
				deletedAt: now,
				deletedById: actor.id,
				version: sql`${opportunities.version} + 1`,
				updatedAt: now
			})
			.where(eq(opportunities.id, row.id));
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: row.partnerId,
			action: 'opportunity.deleted',
			objectType: 'opportunity',
			objectId: row.id,
			data: { name: row.name },
			ip: context.ip ?? null
		});
		return { accountId: row.accountId };
	});
}
