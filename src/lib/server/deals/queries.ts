import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { RegistrationStatus, Stage } from '../../shared/enums.ts';
import { canReviewRegistrations } from '../access/crm-policy.ts';
import type { Actor } from '../access/actor.ts';
import { visibleAccounts, visibleRegistrations } from '../access/crm-scope.ts';
import type { Db } from '../db/client.ts';
import { accounts, dealRegistrations, opportunities, organisations, users } from '../db/schema.ts';
import { findConflicts, type ConflictRef, type MatchReason } from './conflicts.ts';

// Reads of the deal registration pages. Every query filters with visibleRegistrations(actor): a
// partner person only ever gets their own company's registrations, and the conflict detail (the
// other party's name and deal) is only loaded for reviewers.

export const REGISTRATION_LIST_LIMIT = 200;

export type RegistrationRow = {
	id: string;
	partnerId: string;
	partnerName: string;
	accountName: string;
	amountCents: number;
	status: RegistrationStatus;
	/** "Possible conflict" at submission: a yes/no, never who or what. */
	conflict: boolean;
	expectedCloseDate: string;
	createdAt: Date;
	reviewedAt: Date | null;
	protectedUntil: Date | null;
	opportunityId: string | null;
};

export type RegistrationFilter = { status?: RegistrationStatus; partner?: string };

const conflictFlag = sql<boolean>`jsonb_array_length(${dealRegistrations.conflicts}) > 0`;

/** Newest first, pending ones before the rest (the review queue). */
export async function listRegistrations(
	db: Db,
	actor: Actor,
	filter: RegistrationFilter = {}
): Promise<RegistrationRow[]> {
	return db
		.select({
			id: dealRegistrations.id,
			partnerId: dealRegistrations.partnerId,
			partnerName: organisations.name,
			accountName: dealRegistrations.accountName,
			amountCents: dealRegistrations.amountCents,
			status: dealRegistrations.status,
			conflict: conflictFlag,
			expectedCloseDate: dealRegistrations.expectedCloseDate,
			createdAt: dealRegistrations.createdAt,
			reviewedAt: dealRegistrations.reviewedAt,
			protectedUntil: dealRegistrations.protectedUntil,
			opportunityId: dealRegistrations.opportunityId
		})
		.from(dealRegistrations)
		.innerJoin(organisations, eq(organisations.id, dealRegistrations.partnerId))
		.where(
			and(
				visibleRegistrations(actor),
				filter.status ? eq(dealRegistrations.status, filter.status) : undefined,
				filter.partner ? eq(dealRegistrations.partnerId, filter.partner) : undefined
			)
		)
		.orderBy(
			sql`case when ${dealRegistrations.status} = 'pending' then 0 else 1 end`,
			desc(dealRegistrations.createdAt),
			desc(dealRegistrations.id)
		)
		.limit(REGISTRATION_LIST_LIMIT);
}

/** The other side of a conflict, shown to reviewers only. */
export type ConflictDetail = {
	kind: 'opportunity' | 'registration';
	id: string;
	reasons: MatchReason[];
	/** null: the direct (host) team's opportunity. */
	partnerName: string | null;
	accountName: string;
	amountCents: number;
	stage: Stage | null;
	status: RegistrationStatus | null;
	/** The opportunity's owner, or who submitted the registration. */
	ownerName: string | null;
	closeDate: string | null;
	createdAt: Date;
	protectedUntil: Date | null;
};

export type RegistrationView = RegistrationRow & {
	accountId: string | null;
	accountDomain: string | null;
	accountSiren: string | null;
	products: string | null;
	notes: string | null;
	rejectionReason: string | null;
	submittedByName: string;
	reviewerName: string | null;
	/** Reviewers only (managers, admins); null for everyone else, partners included. */
	conflicts: ConflictDetail[] | null;
};

/** Loads the full detail of the conflicts found (or stored) for a registration. */
export async function conflictDetails(db: Db, refs: ConflictRef[]): Promise<ConflictDetail[]> {
	const reasons = new Map(refs.map((ref) => [ref.id, ref.reasons]));
	const opportunityIds = refs.filter((r) => r.kind === 'opportunity').map((r) => r.id);
	const registrationIds = refs.filter((r) => r.kind === 'registration').map((r) => r.id);
	const details: ConflictDetail[] = [];
	if (opportunityIds.length > 0) {
		const rows = await db
			.select({
				id: opportunities.id,
				partnerName: organisations.name,
				accountName: accounts.name,
				amountCents: opportunities.amountCents,
				stage: opportunities.stage,
				ownerName: users.name,
				closeDate: opportunities.closeDate,
				createdAt: opportunities.createdAt,
				protectedUntil: opportunities.protectedUntil
			})
			.from(opportunities)
			.innerJoin(accounts, eq(accounts.id, opportunities.accountId))
			.leftJoin(organisations, eq(organisations.id, opportunities.partnerId))
			.leftJoin(users, eq(users.id, opportunities.ownerId))
			.where(inArray(opportunities.id, opportunityIds));
		for (const row of rows) {
			details.push({
				...row,
				kind: 'opportunity',
				reasons: reasons.get(row.id) ?? [],
				status: null
			});
		}
	}
	if (registrationIds.length > 0) {
		const rows = await db
			.select({
				id: dealRegistrations.id,
				partnerName: organisations.name,
				accountName: dealRegistrations.accountName,
				amountCents: dealRegistrations.amountCents,
				status: dealRegistrations.status,
				ownerName: users.name,
				closeDate: dealRegistrations.expectedCloseDate,
				createdAt: dealRegistrations.createdAt,
				protectedUntil: dealRegistrations.protectedUntil
			})
			.from(dealRegistrations)
			.innerJoin(organisations, eq(organisations.id, dealRegistrations.partnerId))
			.innerJoin(users, eq(users.id, dealRegistrations.submittedById))
			.where(inArray(dealRegistrations.id, registrationIds));
		for (const row of rows) {
			details.push({
				...row,
				kind: 'registration',
				reasons: reasons.get(row.id) ?? [],
				stage: null
			});
		}
	}
	return details.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

const submitter = alias(users, 'submitter');
const reviewer = alias(users, 'reviewer');

/**
 * One registration as the actor may see it, or null (not there, or another partner's: the same
 * answer, so nothing leaks). Reviewers also get the conflicts, checked afresh while pending.
 */
export async function getRegistration(
	db: Db,
	actor: Actor,
	id: string
): Promise<RegistrationView | null> {
	const [row] = await db
		.select({
			id: dealRegistrations.id,
			partnerId: dealRegistrations.partnerId,
			partnerName: organisations.name,
			accountId: dealRegistrations.accountId,
			accountName: dealRegistrations.accountName,
			normalisedName: dealRegistrations.normalisedName,
			accountDomain: dealRegistrations.accountDomain,
			accountSiren: dealRegistrations.accountSiren,
			amountCents: dealRegistrations.amountCents,
			products: dealRegistrations.products,
			notes: dealRegistrations.notes,
			status: dealRegistrations.status,
			storedConflicts: dealRegistrations.conflicts,
			expectedCloseDate: dealRegistrations.expectedCloseDate,
			createdAt: dealRegistrations.createdAt,
			reviewedAt: dealRegistrations.reviewedAt,
			rejectionReason: dealRegistrations.rejectionReason,
			protectedUntil: dealRegistrations.protectedUntil,
			opportunityId: dealRegistrations.opportunityId,
			submittedByName: submitter.name,
			reviewerName: reviewer.name
		})
		.from(dealRegistrations)
		.innerJoin(organisations, eq(organisations.id, dealRegistrations.partnerId))
		.innerJoin(submitter, eq(submitter.id, dealRegistrations.submittedById))
		.leftJoin(reviewer, eq(reviewer.id, dealRegistrations.reviewerId))
		.where(and(eq(dealRegistrations.id, id), visibleRegistrations(actor)));
	if (!row) return null;
	const { storedConflicts, normalisedName, ...rest } = row;
	const stored = storedConflicts as ConflictRef[];
	let conflicts: ConflictDetail[] | null = null;
	if (canReviewRegistrations(actor)) {
		const refs =
			row.status === 'pending'
				? await findConflicts(db, {
						partnerId: row.partnerId,
						keys: { normalisedName, domain: row.accountDomain, siren: row.accountSiren },
						excludeRegistrationId: row.id
					})
				: stored;
		conflicts = await conflictDetails(db, refs);
	}
	return { ...rest, conflict: stored.length > 0, conflicts };
}

export type AccountChoice = { id: string; name: string; domain: string | null };

/** The accounts a partner person may register a deal on: their company's. */
export async function listRegistrableAccounts(db: Db, actor: Actor): Promise<AccountChoice[]> {
	return db
		.select({ id: accounts.id, name: accounts.name, domain: accounts.domain })
		.from(accounts)
		.where(visibleAccounts(actor))
		.orderBy(asc(accounts.name))
		.limit(1000);
}

export type PartnerChoice = { id: string; name: string };

/** The partner filter of the review queue (host only). */
export async function listPartnerChoices(db: Db): Promise<PartnerChoice[]> {
	return db
		.select({ id: organisations.id, name: organisations.name })
		.from(organisations)
		.where(eq(organisations.kind, 'partner'))
		.orderBy(asc(organisations.name));
}
