import { and, eq, exists, isNull, sql, type SQL } from 'drizzle-orm';
import { isHostActor, type Actor } from './actor.ts';
import {
	accountPartners,
	accounts,
	contacts,
	dealRegistrations,
	opportunities
} from '../db/schema.ts';

// The SQL twins of crm-policy.ts (`canViewCrmRecord`, `canViewRegistration`): every list, search and export of CRM data filters with these,
// so a partner person's queries can only ever return their own company's rows.

/** Accounts the person may see (not deleted). */
export function visibleAccounts(actor: Actor): SQL {
	const alive = isNull(accounts.deletedAt);
	if (isHostActor(actor)) return alive;
	return and(
		alive,
		exists(
			sql`(select 1 from ${accountPartners} where ${accountPartners.accountId} = ${accounts.id} and ${accountPartners.organisationId} = ${actor.organisationId})`
		)
	)!;
}

/** Contacts the person may see: the host sees all; a partner its own company's contacts. */
export function visibleContacts(actor: Actor): SQL {
	const alive = isNull(contacts.deletedAt);
	if (isHostActor(actor)) return alive;
	return and(alive, eq(contacts.organisationId, actor.organisationId))!;
}

/** Opportunities the person may see: the host sees all; a partner its own company's deals. */
export function visibleOpportunities(actor: Actor): SQL {
	const alive = isNull(opportunities.deletedAt);
	if (isHostActor(actor)) return alive;
	return and(alive, eq(opportunities.partnerId, actor.organisationId))!;
}

/** Deal registrations the person may see. */
export function visibleRegistrations(actor: Actor): SQL | undefined {
	if (isHostActor(actor)) return undefined;
	return eq(dealRegistrations.partnerId, actor.organisationId);
}
