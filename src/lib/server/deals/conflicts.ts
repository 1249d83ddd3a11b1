import { and, eq, gt, inArray, isNull, ne, or, sql, type Column, type SQL } from 'drizzle-orm';
import { OPEN_STAGES } from '../../shared/enums.ts';
import { normaliseCompanyName, normaliseDomain, normaliseSiren } from '../../shared/normalise.ts';
import type { Db } from '../db/client.ts';
import { runPrepared, Shape } from '../db/prepared.ts';
import { accounts, dealRegistrations, opportunities } from '../db/schema.ts';

// Conflict detection: is someone else — another partner or the direct team — already on this
// account? "The same account" is the same normalised name, the same web domain or the same SIREN.

/** How far back another partner's registration still counts (the issue says 90 days). */
export const CONFLICT_WINDOW_DAYS = 90;

export type AccountKeys = {
	normalisedName: string;
	domain: string | null;
	siren: string | null;
};

export type MatchReason = 'name' | 'domain' | 'siren';

/** What is stored in deal_registrations.conflicts: ids only, never the other party's data. */
export type ConflictRef = {
	kind: 'opportunity' | 'registration';
	id: string;
	reasons: MatchReason[];
};

/** The comparable keys of an account as typed or stored (name, domain or URL, SIREN/SIRET/VAT). */
export function accountKeys(account: {
	name: string;
	domain?: string | null;
	siren?: string | null;
}): AccountKeys {
	return {
		normalisedName: normaliseCompanyName(account.name),
		domain: normaliseDomain(account.domain),
		siren: normaliseSiren(account.siren)
	};
}

/** Why two accounts are the same (empty: they are not). Pure: the unit tests pin the rules. */
export function matchReasons(a: AccountKeys, b: AccountKeys): MatchReason[] {
	const reasons: MatchReason[] = [];
	if (a.normalisedName && a.normalisedName === b.normalisedName) reasons.push('name');
	if (a.domain && a.domain === b.domain) reasons.push('domain');
	if (a.siren && a.siren === b.siren) reasons.push('siren');
	return reasons;
}

export function sameAccount(a: AccountKeys, b: AccountKeys): boolean {
	return matchReasons(a, b).length > 0;
}

/**
 * SQL: the keys match these columns (null keys never match). Which keys are known is part of the
 * statement's shape; their values are placeholders (the same three for both tables).
 */
function keysMatch(
	shape: Shape,
	keys: AccountKeys,
	name: Column,
	domain: Column,
	siren: Column
): SQL {
	const clauses: SQL[] = [];
	if (keys.normalisedName) clauses.push(sql`${name} = ${shape.bind('name', keys.normalisedName)}`);
	if (keys.domain) clauses.push(sql`${domain} = ${shape.bind('domain', keys.domain)}`);
	if (keys.siren) clauses.push(sql`${siren} = ${shape.bind('siren', keys.siren)}`);
	return clauses.length ? or(...clauses)! : sql`false`;
}

export type FindConflictsInput = {
	/** The registering partner: its own deals and registrations are never conflicts. */
	partnerId: string;
	keys: AccountKeys;
	/** The registration under review, which must not conflict with itself. */
	excludeRegistrationId?: string | null;
};

/**
 * Open opportunities of other partners or of the direct team on the same account, and pending or
 * still-protected approved registrations of other partners from the last 90 days, in one query.
 */
export async function findConflicts(db: Db, input: FindConflictsInput): Promise<ConflictRef[]> {
	const { keys } = input;
	// Prepared once per shape (which keys are known, whether a registration is excluded): the check
	// runs at every submission and review (bench/crm.ts).
	const shape = new Shape('deal_conflicts');
	const partnerId = shape.bind('partner', input.partnerId);
	const opportunityKeys = keysMatch(
		shape,
		keys,
		accounts.normalisedName,
		accounts.domain,
		accounts.siren
	);
	const registrationKeys = keysMatch(
		shape,
		keys,
		dealRegistrations.normalisedName,
		dealRegistrations.accountDomain,
		dealRegistrations.accountSiren
	);
	const excluded = input.excludeRegistrationId
		? ne(dealRegistrations.id, shape.bind('excluded', input.excludeRegistrationId))
		: undefined;
	const rows = await runPrepared(db, shape, (name) => {
		const openOpportunities = db
			.select({
				kind: sql<'opportunity' | 'registration'>`'opportunity'`.as('kind'),
				id: opportunities.id,
				normalisedName: accounts.normalisedName,
				domain: accounts.domain,
				siren: accounts.siren
			})
			.from(opportunities)
			.innerJoin(accounts, eq(accounts.id, opportunities.accountId))
			.where(
				and(
					isNull(opportunities.deletedAt),
					isNull(accounts.deletedAt),
					inArray(opportunities.stage, [...OPEN_STAGES]),
					or(isNull(opportunities.partnerId), ne(opportunities.partnerId, partnerId)),
					opportunityKeys
				)
			);
		const window = sql`now() - ${CONFLICT_WINDOW_DAYS}::integer * interval '1 day'`;
		const liveRegistrations = db
			.select({
				kind: sql<'opportunity' | 'registration'>`'registration'`.as('kind'),
				id: dealRegistrations.id,
				normalisedName: dealRegistrations.normalisedName,
				domain: dealRegistrations.accountDomain,
				siren: dealRegistrations.accountSiren
			})
			.from(dealRegistrations)
			.where(
				and(
					ne(dealRegistrations.partnerId, partnerId),
					excluded,
					gt(dealRegistrations.createdAt, window),
					or(
						eq(dealRegistrations.status, 'pending'),
						and(
							eq(dealRegistrations.status, 'approved'),
							or(
								isNull(dealRegistrations.protectedUntil),
								gt(dealRegistrations.protectedUntil, sql`now()`)
							)
						)
					),
					registrationKeys
				)
			);
		return openOpportunities.unionAll(liveRegistrations).prepare(name);
	});
	return rows.map((row) => ({
		kind: row.kind,
		id: row.id,
		reasons: matchReasons(keys, {
			normalisedName: row.normalisedName,
			domain: row.domain,
			siren: row.siren
		})
	}));
}
