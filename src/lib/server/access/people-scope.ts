import { sql, type SQL } from 'drizzle-orm';
import { managerRegions, organisations, users } from '../db/schema.ts';
import { isHostActor, type Actor } from './actor.ts';

// The SQL twin of `canViewUser` (policy.ts), for lists of people (the home page): a query over
// `users` filtered with `visibleUsers(actor)` returns exactly the people the policy lets the actor
// see. tests/integration/home.test.ts checks that the two agree, person by person.

/** The actor's company's region, as SQL (null when it has none: then no host contacts). */
const regionOf = (actor: Actor) =>
	sql`(select ${organisations.regionId} from ${organisations} where ${organisations.id} = ${actor.organisationId})`;

/**
 * Whether a `users` row is one of this partner person's host contacts (`UserRef.isHostContact`):
 * an active rep or manager of the host who works in the partner's region, or a manager who
 * manages that region.
 */
export function isHostContactOf(actor: Actor): SQL {
	const region = regionOf(actor);
	return sql`(${users.organisationId} = (select ${organisations.id} from ${organisations} where ${organisations.kind} = 'host')
		and ${users.active}
		and ${users.role} in ('manager', 'rep')
		and (${users.regionId} = ${region}
			or ${users.id} in (select ${managerRegions.userId} from ${managerRegions} where ${managerRegions.regionId} = ${region})))`;
}

/**
 * People (rows of `users`) this person may see: host people see everyone; a partner person their
 * own company and their host contacts — never another partner's people, never the host's directory.
 */
export function visibleUsers(actor: Actor): SQL {
	if (isHostActor(actor)) return sql`true`;
	return sql`(${users.organisationId} = ${actor.organisationId} or ${isHostContactOf(actor)})`;
}
