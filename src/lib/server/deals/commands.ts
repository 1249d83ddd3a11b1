import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { accountSearch, opportunitySearch } from '../crm/search-documents.ts';
import { OPEN_STAGES, STAGE_PROBABILITY } from '../../shared/enums.ts';
import type { RegistrationInput } from '../../shared/schemas/deals.ts';
import {
	canRegisterDeal,
	canReviewRegistrations,
	canViewRegistration
} from '../access/crm-policy.ts';
import type { Actor } from '../access/actor.ts';
import { recordActivity } from '../activity/index.ts';
import { recordAudit } from '../audit/index.ts';
import { visibleAccounts } from '../access/crm-scope.ts';
import type { Db } from '../db/client.ts';
import {
	accountPartners,
	accounts,
	dealRegistrations,
	managerRegions,
	opportunities,
	opportunityHistory,
	organisations,
	users
} from '../db/schema.ts';
import { notify } from '../notifications/index.ts';
import { accountKeys, findConflicts, type AccountKeys } from './conflicts.ts';
import { DomainError } from '../errors.ts';
import type { CommandContext } from '../command.ts';

// Writes of deal registration. Each command is one transaction: it authorises with the policy
// against the row it locked, changes it, and records the audit entry, the activity and the
// notifications of the change — all or nothing.

export type ReviewOptions = { protectionDays: number };

const DAY_MS = 24 * 3600 * 1000;
const link = (id: string) => `/registrations/${id}`;

type Partner = {
	id: string;
	name: string;
	regionId: string | null;
	ownerId: string | null;
};

async function loadPartner(tx: Db, id: string): Promise<Partner> {
	const [partner] = await tx
		.select({
			id: organisations.id,
			name: organisations.name,
			regionId: organisations.regionId,
			ownerId: organisations.ownerId
		})
		.from(organisations)
		.where(eq(organisations.id, id));
	if (!partner) throw new DomainError('NOT_FOUND');
	return partner;
}

const activeHostUser = and(
	eq(users.active, true),
	eq(organisations.kind, 'host'),
	eq(users.organisationId, organisations.id)
);

/**
 * Who reviews a partner's registrations: the managers of its region (manager_regions), else every
 * manager; and the partner's owner rep when it has one.
 */
export async function reviewersOf(tx: Db, partner: Partner): Promise<string[]> {
	let managers: { id: string }[] = [];
	if (partner.regionId) {
		managers = await tx
			.select({ id: users.id })
			.from(users)
			.innerJoin(organisations, eq(organisations.id, users.organisationId))
			.innerJoin(managerRegions, eq(managerRegions.userId, users.id))
			.where(
				and(
					activeHostUser,
					eq(users.role, 'manager'),
					eq(managerRegions.regionId, partner.regionId)
				)
			);
	}
	if (managers.length === 0) {
		managers = await tx
			.select({ id: users.id })
			.from(users)
			.innerJoin(organisations, eq(organisations.id, users.organisationId))
			.where(and(activeHostUser, eq(users.role, 'manager')));
	}
	const ids = managers.map((m) => m.id);
	if (partner.ownerId) {
		const [owner] = await tx
			.select({ id: users.id })
			.from(users)
			.innerJoin(organisations, eq(organisations.id, users.organisationId))
			.where(and(activeHostUser, eq(users.id, partner.ownerId)));
		if (owner) ids.push(owner.id);
	}
	return [...new Set(ids)];
}

/** Who hears about a decision: the submitter and the partner's admins. */
export async function partnerRecipients(tx: Db, partnerId: string, submitterId: string) {
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
	return [...new Set([submitterId, ...admins.map((a) => a.id)])];
}

/**
 * A partner person registers a deal. Conflict detection runs at once; what it finds is stored as
 * ids only, and the answer says only whether there is a possible conflict.
 */
export async function submitRegistration(
	db: Db,
	actor: Actor,
	input: RegistrationInput,
	context: CommandContext = {}
): Promise<{ id: string; conflict: boolean }> {
	if (!canRegisterDeal(actor)) throw new DomainError('FORBIDDEN');
	return db.transaction(async (tx) => {
		let account: { id: string | null; name: string; keys: AccountKeys };
		if (input.accountMode === 'existing') {
			const [row] = await tx
				.select({
					id: accounts.id,
					name: accounts.name,
					domain: accounts.domain,
					siren: accounts.siren
				})
				.from(accounts)
				.where(and(eq(accounts.id, input.accountId), visibleAccounts(actor)));
			if (!row) throw new DomainError('UNKNOWN_ACCOUNT');
			account = { id: row.id, name: row.name, keys: accountKeys(row) };
		} else {
			account = {
				id: null,
				name: input.accountName,
				keys: accountKeys({
					name: input.accountName,
					domain: input.accountDomain,
					siren: input.accountSiren
				})
			};
		}
		const partner = await loadPartner(tx, actor.organisationId);
		const conflicts = await findConflicts(tx, {
			partnerId: partner.id,
			keys: account.keys
		});
		const [registration] = await tx
			.insert(dealRegistrations)
			.values({
				partnerId: partner.id,
				submittedById: actor.id,
				accountId: account.id,
				accountName: account.name,
				normalisedName: account.keys.normalisedName,
				accountDomain: account.keys.domain,
				accountSiren: account.keys.siren,
				amountCents: input.amount,
				products: input.products,
				expectedCloseDate: input.expectedCloseDate,
				notes: input.notes,
				conflicts
			})
			.returning({ id: dealRegistrations.id });
		const conflict = conflicts.length > 0;
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: partner.id,
			action: 'registration.submitted',
			objectType: 'deal_registration',
			objectId: registration.id,
			data: {
				accountName: account.name,
				amountCents: input.amount,
				conflicts: conflicts.length
			},
			ip: context.ip ?? null
		});
		await recordActivity(tx, {
			actorId: actor.id,
			organisationId: partner.id,
			verb: 'registration_submitted',
			objectType: 'deal_registration',
			objectId: registration.id,
			data: { account: account.name, partner: partner.name }
		});
		await notify(tx, {
			userIds: await reviewersOf(tx, partner),
			kind: 'registration_submitted',
			data: { partner: partner.name, account: account.name, conflict },
			link: link(registration.id)
		});
		return { id: registration.id, conflict };
	});
}

type Locked = typeof dealRegistrations.$inferSelect;

/** Locks a registration for review: NOT_FOUND if the actor may not see it, FORBIDDEN if not a reviewer. */
async function lockForReview(tx: Db, actor: Actor, id: string): Promise<Locked> {
	const [registration] = await tx
		.select()
		.from(dealRegistrations)
		.where(eq(dealRegistrations.id, id))
		.for('update');
	if (!registration || !canViewRegistration(actor, registration)) {
		throw new DomainError('NOT_FOUND');
	}
	if (!canReviewRegistrations(actor)) throw new DomainError('FORBIDDEN');
	if (registration.status !== 'pending') throw new DomainError('NOT_PENDING');
	return registration;
}

/** The registration's account, an existing one that is the same company, or a new one. */
async function resolveAccount(
	tx: Db,
	registration: Locked,
	partner: Partner
): Promise<{ id: string; created: boolean }> {
	if (registration.accountId) {
		const [row] = await tx
			.select({ id: accounts.id })
			.from(accounts)
			.where(and(eq(accounts.id, registration.accountId), isNull(accounts.deletedAt)));
		if (row) return { id: row.id, created: false };
	}
	// The partner could not see it, but the host may already know this company: no duplicate.
	const matches = [
		registration.accountSiren ? eq(accounts.siren, registration.accountSiren) : undefined,
		registration.accountDomain ? eq(accounts.domain, registration.accountDomain) : undefined,
		eq(accounts.normalisedName, registration.normalisedName)
	].filter((clause) => clause !== undefined);
	const [existing] = await tx
		.select({ id: accounts.id })
		.from(accounts)
		.where(and(isNull(accounts.deletedAt), or(...matches)))
		.orderBy(
			sql`case when ${accounts.siren} = ${registration.accountSiren ?? ''} then 0
				when ${accounts.domain} = ${registration.accountDomain ?? ''} then 1 else 2 end`,
			accounts.createdAt
		)
		.limit(1);
	if (existing) return { id: existing.id, created: false };
	const [created] = await tx
		.insert(accounts)
		.values({
			name: registration.accountName,
			normalisedName: registration.normalisedName,
			domain: registration.accountDomain,
			siren: registration.accountSiren,
			regionId: partner.regionId,
			ownerId: partner.ownerId,
			search: accountSearch({
				name: registration.accountName,
				domain: registration.accountDomain,
				siren: registration.accountSiren
			})
		})
		.returning({ id: accounts.id });
	return { id: created.id, created: true };
}

/**
 * Approves a pending registration: the partner's opportunity on the account (an open one is
 * linked, else one is created at the qualification stage), protected for `protectionDays`.
 */
export async function approveRegistration(
	db: Db,
	actor: Actor,
	input: { id: string },
	options: ReviewOptions,
	context: CommandContext = {}
): Promise<{ opportunityId: string; accountId: string; linked: boolean; accountCreated: boolean }> {
	return db.transaction(async (tx) => {
		const registration = await lockForReview(tx, actor, input.id);
		const partner = await loadPartner(tx, registration.partnerId);
		const account = await resolveAccount(tx, registration, partner);
		await tx
			.insert(accountPartners)
			.values({ accountId: account.id, organisationId: partner.id })
			.onConflictDoNothing();
		const protectedUntil = new Date(Date.now() + options.protectionDays * DAY_MS);

		const [open] = await tx
			.select({ id: opportunities.id })
			.from(opportunities)
			.where(
				and(
					eq(opportunities.partnerId, partner.id),
					eq(opportunities.accountId, account.id),
					isNull(opportunities.deletedAt),
					inArray(opportunities.stage, [...OPEN_STAGES])
				)
			)
			.orderBy(desc(opportunities.createdAt))
			.limit(1)
			.for('update');
		let opportunityId: string;
		if (open) {
			await tx
				.update(opportunities)
				.set({
					registrationId: registration.id,
					protectedUntil,
					version: sql`${opportunities.version} + 1`,
					updatedAt: sql`now()`
				})
				.where(eq(opportunities.id, open.id));
			opportunityId = open.id;
		} else {
			const name = (
				registration.products
					? `${registration.accountName} — ${registration.products}`
					: registration.accountName
			).slice(0, 200);
			const [created] = await tx
				.insert(opportunities)
				.values({
					accountId: account.id,
					partnerId: partner.id,
					ownerId: partner.ownerId,
					name,
					stage: 'qualification',
					probability: STAGE_PROBABILITY.qualification,
					amountCents: registration.amountCents,
					closeDate: registration.expectedCloseDate,
					products: registration.products,
					registrationId: registration.id,
					protectedUntil,
					search: opportunitySearch(
						{ name, products: registration.products },
						registration.accountName
					)
				})
				.returning({ id: opportunities.id });
			opportunityId = created.id;
			await tx.insert(opportunityHistory).values({
				opportunityId,
				actorId: actor.id,
				field: 'created',
				toValue: 'qualification'
			});
		}

		await tx
			.update(dealRegistrations)
			.set({
				status: 'approved',
				reviewerId: actor.id,
				reviewedAt: sql`now()`,
				accountId: account.id,
				opportunityId,
				protectedUntil,
				updatedAt: sql`now()`
			})
			.where(eq(dealRegistrations.id, registration.id));
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: partner.id,
			action: 'registration.approved',
			objectType: 'deal_registration',
			objectId: registration.id,
			data: {
				opportunityId,
				accountId: account.id,
				linkedExistingOpportunity: Boolean(open),
				accountCreated: account.created,
				protectedUntil: protectedUntil.toISOString()
			},
			ip: context.ip ?? null
		});
		await recordActivity(tx, {
			actorId: actor.id,
			organisationId: partner.id,
			verb: 'registration_approved',
			objectType: 'deal_registration',
			objectId: registration.id,
			data: { account: registration.accountName, partner: partner.name }
		});
		await notify(tx, {
			userIds: await partnerRecipients(tx, partner.id, registration.submittedById),
			kind: 'registration_approved',
			data: { account: registration.accountName },
			link: link(registration.id)
		});
		return {
			opportunityId,
			accountId: account.id,
			linked: Boolean(open),
			accountCreated: account.created
		};
	});
}

/** Rejects a pending registration with the reason the partner will read. */
export async function rejectRegistration(
	db: Db,
	actor: Actor,
	input: { id: string; reason: string },
	context: CommandContext = {}
): Promise<void> {
	const reason = input.reason.trim();
	await db.transaction(async (tx) => {
		const registration = await lockForReview(tx, actor, input.id);
		if (!reason) throw new DomainError('REASON_REQUIRED');
		await tx
			.update(dealRegistrations)
			.set({
				status: 'rejected',
				reviewerId: actor.id,
				reviewedAt: sql`now()`,
				rejectionReason: reason,
				updatedAt: sql`now()`
			})
			.where(eq(dealRegistrations.id, registration.id));
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: registration.partnerId,
			action: 'registration.rejected',
			objectType: 'deal_registration',
			objectId: registration.id,
			data: { reason },
			ip: context.ip ?? null
		});
		await recordActivity(tx, {
			actorId: actor.id,
			organisationId: registration.partnerId,
			verb: 'registration_rejected',
			objectType: 'deal_registration',
			objectId: registration.id,
			data: { account: registration.accountName }
		});
		await notify(tx, {
			userIds: await partnerRecipients(tx, registration.partnerId, registration.submittedById),
			kind: 'registration_rejected',
			data: { account: registration.accountName },
			link: link(registration.id)
		});
	});
}
