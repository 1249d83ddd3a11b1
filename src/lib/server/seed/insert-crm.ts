import { randomUUID } from 'node:crypto';
import { accountSearch, contactSearch, opportunitySearch } from '../crm/search-documents.ts';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import {
	accountPartners,
	accounts,
	activities,
	contacts,
	dealRegistrations,
	opportunities,
	opportunityHistory,
	organisations
} from '../db/schema.ts';
import { accountKeys, matchReasons } from '../deals/conflicts.ts';
import { STAGE_PROBABILITY } from '../../shared/enums.ts';
import { normaliseCompanyName, normaliseDomain, normaliseSiren } from '../../shared/normalise.ts';
import {
	DEMO_ACCOUNTS,
	DEMO_CONTACTS,
	DEMO_OPPORTUNITIES,
	DEMO_REGISTRATIONS,
	PARTNER_SETUP,
	PROTECTION_DAYS,
	REGION_REPS,
	type DemoOpportunity
} from './demo-crm.ts';

export type CrmSeedSummary = {
	accounts: number;
	contacts: number;
	opportunities: number;
	registrations: number;
};

type Context = {
	ago: (days: number, index?: number) => Date;
	now: Date;
	orgIds: Map<string, string>;
	userIds: Map<string, string>;
	regionIds: Map<string, string>;
	orgName: Map<string, string>;
};

const DAY = 24 * 60 * 60 * 1000;
const cents = (euros: number) => Math.round(euros * 100);

function lookup(map: Map<string, string>, key: string, what: string): string {
	const id = map.get(key);
	if (!id) throw new Error(`Demo CRM seed: unknown ${what} ${key}`);
	return id;
}

/**
 * Writes the demo CRM (partner owners, accounts, contacts, pipeline with history, registrations,
 * activities) inside the seed's transaction. Ids are made here, so the opportunities and the
 * registrations that protect them can point at each other in one insert each.
 */
export async function insertDemoCrm(tx: Db, ctx: Context): Promise<CrmSeedSummary> {
	const { ago, now, orgIds, userIds, regionIds, orgName } = ctx;
	const day = (offset: number) => new Date(now.getTime() + offset * DAY).toISOString().slice(0, 10);
	const user = (email: string) => lookup(userIds, email, 'user');
	const org = (key: string) => lookup(orgIds, key, 'organisation');

	// Every partner gets the rep of its region as owner; all but the newest signed their agreement.
	for (const [key, setup] of Object.entries(PARTNER_SETUP)) {
		await tx
			.update(organisations)
			.set({
				ownerId: user(REGION_REPS[setup.region]),
				agreementSignedAt: setup.agreementDaysAgo === null ? null : ago(setup.agreementDaysAgo)
			})
			.where(eq(organisations.id, org(key)));
	}

	const accountIds = new Map(DEMO_ACCOUNTS.map((a) => [a.key, randomUUID()]));
	const accountById = new Map(DEMO_ACCOUNTS.map((a) => [a.key, a]));
	const account = (key: string) => {
		const found = accountById.get(key);
		if (!found) throw new Error(`Demo CRM seed: unknown account ${key}`);
		return found;
	};
	await tx.insert(accounts).values(
		DEMO_ACCOUNTS.map((a, i) => ({
			id: lookup(accountIds, a.key, 'account'),
			name: a.name,
			normalisedName: normaliseCompanyName(a.name),
			siren: normaliseSiren(a.siren),
			domain: normaliseDomain(a.domain),
			industry: a.industry,
			regionId: lookup(regionIds, a.region, 'region'),
			size: a.size,
			ownerId: user(a.owner),
			search: accountSearch(a),
			createdAt: ago(a.daysAgo, i),
			updatedAt: ago(a.daysAgo, i)
		}))
	);
	await tx.insert(accountPartners).values(
		DEMO_ACCOUNTS.flatMap((a, i) =>
			a.partners.map((p) => ({
				accountId: lookup(accountIds, a.key, 'account'),
				organisationId: org(p),
				createdAt: ago(a.daysAgo, i)
			}))
		)
	);

	await tx.insert(contacts).values(
		DEMO_CONTACTS.map((c, i) => {
			const a = account(c.account);
			return {
				accountId: lookup(accountIds, c.account, 'account'),
				organisationId: c.organisation ? org(c.organisation) : null,
				name: c.name,
				jobTitle: c.jobTitle,
				email: c.email,
				phone: c.phone,
				search: contactSearch(c, a.name),
				createdAt: ago(a.daysAgo, i + 1),
				updatedAt: ago(a.daysAgo, i + 1)
			};
		})
	);

	// Registrations first in memory: an approved one stamps its opportunity.
	const oppIds = new Map(DEMO_OPPORTUNITIES.map((o) => [o.key, randomUUID()]));
	const regIds = new Map(DEMO_REGISTRATIONS.map((r) => [r.key, randomUUID()]));
	const protection = new Map<string, { registrationId: string; until: Date }>();
	for (const r of DEMO_REGISTRATIONS) {
		if (r.opportunity && r.reviewedDaysAgo !== null) {
			protection.set(r.opportunity, {
				registrationId: lookup(regIds, r.key, 'registration'),
				until: new Date(ago(r.reviewedDaysAgo).getTime() + PROTECTION_DAYS * DAY)
			});
		}
	}

	const closedAt = (o: DemoOpportunity) =>
		o.stage === 'won' || o.stage === 'lost' ? new Date(`${day(o.closeInDays)}T16:00:00Z`) : null;
	await tx.insert(opportunities).values(
		DEMO_OPPORTUNITIES.map((o, i) => {
			const a = account(o.account);
			const guard = protection.get(o.key);
			return {
				id: lookup(oppIds, o.key, 'opportunity'),
				accountId: lookup(accountIds, o.account, 'account'),
				partnerId: o.partner ? org(o.partner) : null,
				ownerId: user(o.owner),
				name: o.name,
				stage: o.stage,
				amountCents: cents(o.amountEuros),
				closeDate: day(o.closeInDays),
				probability: STAGE_PROBABILITY[o.stage],
				nextStep: o.nextStep,
				lostReason: o.lostReason,
				products: o.products,
				registrationId: guard?.registrationId ?? null,
				protectedUntil: guard?.until ?? null,
				closedAt: closedAt(o),
				// One move per stage passed: the version counts the edits.
				version: o.path.length,
				search: opportunitySearch(o, a.name),
				createdAt: ago(o.daysAgo, i),
				updatedAt: closedAt(o) ?? ago(Math.max(0, o.daysAgo - 3 * (o.path.length - 1)), i)
			};
		})
	);

	// History: created, then each stage move a few days apart (the last at close for closed deals).
	const history = DEMO_OPPORTUNITIES.flatMap((o, i) => {
		const id = lookup(oppIds, o.key, 'opportunity');
		const actorId = user(o.owner);
		const created = ago(o.daysAgo, i);
		const end = closedAt(o)?.getTime() ?? Math.min(now.getTime(), created.getTime() + 30 * DAY);
		const step = (end - created.getTime()) / Math.max(1, o.path.length - 1);
		return [
			{
				opportunityId: id,
				actorId,
				field: 'created' as const,
				fromValue: null,
				toValue: o.path[0],
				createdAt: created
			},
			...o.path.slice(1).map((stage, k) => ({
				opportunityId: id,
				actorId,
				field: 'stage' as const,
				fromValue: o.path[k],
				toValue: stage,
				createdAt: new Date(created.getTime() + step * (k + 1))
			}))
		];
	});
	history.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
	await tx.insert(opportunityHistory).values(history);

	await tx.insert(dealRegistrations).values(
		DEMO_REGISTRATIONS.map((r, i) => {
			const served = r.account !== null && account(r.account).partners.includes(r.partner);
			const conflict = r.conflictsWith
				? DEMO_OPPORTUNITIES.find((o) => o.account === r.conflictsWith && o.partner === null)
				: undefined;
			const reviewedAt = r.reviewedDaysAgo === null ? null : ago(r.reviewedDaysAgo, i);
			const guarded = r.opportunity ? protection.get(r.opportunity) : undefined;
			return {
				id: lookup(regIds, r.key, 'registration'),
				partnerId: org(r.partner),
				submittedById: user(r.submittedBy),
				// Only an account the partner already serves is linked; otherwise it is what they typed.
				accountId: served && r.account ? lookup(accountIds, r.account, 'account') : null,
				accountName: r.accountName,
				normalisedName: normaliseCompanyName(r.accountName),
				accountDomain: normaliseDomain(r.accountDomain),
				accountSiren: normaliseSiren(r.accountSiren),
				amountCents: cents(r.amountEuros),
				products: r.products,
				expectedCloseDate: day(r.closeInDays),
				notes: r.notes || null,
				status: r.status,
				// The shape findConflicts stores: ids and why they match, never the other party's data.
				conflicts: conflict
					? [
							{
								kind: 'opportunity',
								id: lookup(oppIds, conflict.key, 'opportunity'),
								reasons: matchReasons(
									accountKeys({
										name: r.accountName,
										domain: r.accountDomain,
										siren: r.accountSiren
									}),
									accountKeys(account(conflict.account))
								)
							}
						]
					: [],
				reviewerId: r.reviewer ? user(r.reviewer) : null,
				reviewedAt,
				rejectionReason: r.rejectionReason,
				opportunityId: r.opportunity ? lookup(oppIds, r.opportunity, 'opportunity') : null,
				protectedUntil: guarded?.until ?? null,
				createdAt: ago(r.daysAgo, i),
				updatedAt: reviewedAt ?? ago(r.daysAgo, i)
			};
		})
	);

	// The partner's feed: its won deals and its registrations (submitted, then the decision), with
	// the verbs, object types and labels the deal and opportunity commands record.
	const feed = [
		...DEMO_OPPORTUNITIES.filter((o) => o.stage === 'won').map((o) => ({
			actorId: user(o.owner),
			organisationId: o.partner ? org(o.partner) : null,
			verb: 'deal_won',
			objectType: 'opportunity',
			objectId: lookup(oppIds, o.key, 'opportunity'),
			data: {
				name: o.name,
				accountName: account(o.account).name,
				amountCents: cents(o.amountEuros)
			},
			createdAt: closedAt(o) ?? now
		})),
		...DEMO_REGISTRATIONS.flatMap((r, i) => {
			const base = {
				organisationId: org(r.partner),
				objectType: 'deal_registration',
				objectId: lookup(regIds, r.key, 'registration'),
				data: { account: r.accountName, partner: orgName.get(r.partner) }
			};
			const submitted = {
				...base,
				actorId: user(r.submittedBy),
				verb: 'registration_submitted',
				createdAt: ago(r.daysAgo, i)
			};
			if (r.reviewer === null || r.reviewedDaysAgo === null) return [submitted];
			const decision = r.status === 'rejected' ? 'registration_rejected' : 'registration_approved';
			return [
				submitted,
				{ ...base, actorId: user(r.reviewer), verb: decision, createdAt: ago(r.reviewedDaysAgo, i) }
			];
		})
	].filter((a) => a.createdAt.getTime() <= now.getTime());
	await tx.insert(activities).values(feed);

	return {
		accounts: DEMO_ACCOUNTS.length,
		contacts: DEMO_CONTACTS.length,
		opportunities: DEMO_OPPORTUNITIES.length,
		registrations: DEMO_REGISTRATIONS.length
	};
}
