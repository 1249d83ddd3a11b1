import { hasHostContacts } from '../access/policy.ts';
import { and, asc, eq, ne } from 'drizzle-orm';
import { visibleUsers } from '../access/people-scope.ts';
import { type Actor, isHostActor } from '../access/actor.ts';
import type { SessionUser } from '../auth/sessions.ts';
import type { Db } from '../db/client.ts';
import { organisations, regions, teams, users } from '../db/schema.ts';
import type { OrganisationKind, OrganisationStatus, Tier } from '../../shared/enums.ts';
import type { Person } from '../../shared/people.ts';

export type { Person };

export type HomeView = {
	organisation: {
		name: string;
		kind: OrganisationKind;
		tier: Tier | null;
		status: OrganisationStatus;
		regionName: string | null;
	};
	teamName: string | null;
	regionName: string | null;
	colleagues: Person[];
	hostContacts: Person[];
};

const personColumns = {
	id: users.id,
	name: users.name,
	email: users.email,
	role: users.role,
	title: users.title,
	organisationName: organisations.name
};

const COLLEAGUES_SHOWN = 24;

/**
 * Day-one home page: who I am, my organisation, my colleagues. A partner person sees only their
 * own company and their host contacts (the host's people of their region), never the directory:
 * both lists are filtered by the access module's `visibleUsers` (the SQL twin of `canViewUser`).
 */
export async function getHome(db: Db, me: SessionUser): Promise<HomeView> {
	const [org] = await db
		.select({
			name: organisations.name,
			kind: organisations.kind,
			tier: organisations.tier,
			status: organisations.status,
			regionName: regions.name
		})
		.from(organisations)
		.leftJoin(regions, eq(organisations.regionId, regions.id))
		.where(eq(organisations.id, me.organisationId));

	const [place] = await db
		.select({ teamName: teams.name, regionName: regions.name })
		.from(users)
		.leftJoin(teams, eq(users.teamId, teams.id))
		.leftJoin(regions, eq(users.regionId, regions.id))
		.where(eq(users.id, me.id));

	// Host people: their team first (or their whole company when they have no team).
	const sameGroup =
		isHostActor(me) && me.teamId
			? eq(users.teamId, me.teamId)
			: eq(users.organisationId, me.organisationId);
	const colleagues = await db
		.select(personColumns)
		.from(users)
		.innerJoin(organisations, eq(users.organisationId, organisations.id))
		.where(and(sameGroup, visibleUsers(me), eq(users.active, true), ne(users.id, me.id)))
		.orderBy(asc(users.name))
		.limit(COLLEAGUES_SHOWN);

	const hostContacts = hasHostContacts(me) ? await listHostContacts(db, me) : [];

	return {
		organisation: {
			name: org?.name ?? me.organisationName,
			kind: org?.kind ?? me.organisationKind,
			tier: org?.tier ?? null,
			status: org?.status ?? 'active',
			regionName: org?.regionName ?? null
		},
		teamName: place?.teamName ?? null,
		regionName: place?.regionName ?? null,
		colleagues,
		hostContacts
	};
}

/**
 * A partner person's host contacts: the host people the access module lets them see (the host's
 * reps of their region and the managers who manage it). Host people have none: they see everyone.
 */
export async function listHostContacts(db: Db, actor: Actor): Promise<Person[]> {
	if (!hasHostContacts(actor)) return [];
	return db
		.select(personColumns)
		.from(users)
		.innerJoin(organisations, eq(users.organisationId, organisations.id))
		.where(and(eq(organisations.kind, 'host'), visibleUsers(actor), eq(users.active, true)))
		.orderBy(asc(users.name));
}
