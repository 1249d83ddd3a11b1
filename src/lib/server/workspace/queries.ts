import { partnerScopeOf } from '../access/policy.ts';
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { OrganisationKind, OrganisationStatus, Role, Tier } from '../../shared/enums.ts';
import type { Actor } from '../access/actor.ts';
import type { Db } from '../db/client.ts';
import { clampLimit, parseCursor } from '../db/keyset.ts';
import { invitations, managerRegions, organisations, regions, teams, users } from '../db/schema.ts';

// Reads of the people and organisation admin pages: plain objects out. The pages authorise;
// listPeople also narrows a partner person to their own company, so a forgotten check elsewhere
// still cannot show another partner's people.

export type Person = {
	id: string;
	name: string;
	email: string;
	role: Role;
	title: string | null;
	active: boolean;
	organisationId: string;
	organisationName: string;
	organisationKind: OrganisationKind;
	organisationStatus: OrganisationStatus;
	teamId: string | null;
	teamName: string | null;
	regionId: string | null;
	regionName: string | null;
	createdAt: Date;
	deactivatedAt: Date | null;
	lastSeenAt: Date | null;
};

export type PersonDetail = Person & { managedRegionIds: string[] };

export type PeopleFilter = {
	organisationId?: string | null;
	role?: Role | null;
	status?: 'active' | 'deactivated' | null;
	/** Part of a name or an e-mail address, any case. */
	q?: string | null;
	/** The previous page's `nextCursor`: the id of the last person shown. */
	after?: string | null;
	limit?: number;
};

/** Keyset pages in name order. `previous` is null on the first page; its cursor null = first page. */
export type PeoplePage = {
	items: Person[];
	nextCursor: string | null;
	previous: { cursor: string | null } | null;
};

const personColumns = {
	id: users.id,
	name: users.name,
	email: users.email,
	role: users.role,
	title: users.title,
	active: users.active,
	organisationId: users.organisationId,
	organisationName: organisations.name,
	organisationKind: organisations.kind,
	organisationStatus: organisations.status,
	teamId: users.teamId,
	teamName: teams.name,
	regionId: users.regionId,
	regionName: regions.name,
	createdAt: users.createdAt,
	deactivatedAt: users.deactivatedAt,
	lastSeenAt: users.lastSeenAt
};

const sortKey = sql`(lower(${users.name}), ${users.id})`;
const cursorKey = (id: string) => sql`(select lower(u.name), u.id from users u where u.id = ${id})`;

function peopleConditions(actor: Actor, filter: PeopleFilter): SQL | undefined {
	// A partner person only ever lists their own company, whatever the filter says.
	const organisationId = partnerScopeOf(actor) ?? filter.organisationId;
	const q = filter.q?.trim().toLowerCase();
	return and(
		organisationId ? eq(users.organisationId, organisationId) : undefined,
		filter.role ? eq(users.role, filter.role) : undefined,
		filter.status ? eq(users.active, filter.status === 'active') : undefined,
		q
			? sql`(position(${q} in lower(${users.name})) > 0 or position(${q} in lower(${users.email})) > 0)`
			: undefined
	);
}

function peopleQuery(db: Db) {
	return db
		.select(personColumns)
		.from(users)
		.innerJoin(organisations, eq(organisations.id, users.organisationId))
		.leftJoin(teams, eq(teams.id, users.teamId))
		.leftJoin(regions, eq(regions.id, users.regionId));
}

/** People of the workspace in name order, filtered, 50 a page by default. */
export async function listPeople(
	db: Db,
	actor: Actor,
	filter: PeopleFilter = {}
): Promise<PeoplePage> {
	const limit = clampLimit(filter.limit, 50);
	const after = parseCursor(filter.after, 'uuid');
	const where = peopleConditions(actor, filter);
	const rows = await peopleQuery(db)
		.where(and(where, after ? sql`${sortKey} > ${cursorKey(after)}` : undefined))
		.orderBy(sql`lower(${users.name})`, asc(users.id))
		.limit(limit + 1);
	const items = rows.slice(0, limit);
	const nextCursor = rows.length > limit ? items[items.length - 1].id : null;
	if (!after) return { items, nextCursor, previous: null };
	// The page before this one: the `limit` people just before the cursor, walking backwards.
	const before = await db
		.select({ id: users.id })
		.from(users)
		.where(and(where, sql`${sortKey} <= ${cursorKey(after)}`))
		.orderBy(desc(sql`lower(${users.name})`), desc(users.id))
		.limit(limit + 1);
	return {
		items,
		nextCursor,
		previous: { cursor: before.length > limit ? before[limit].id : null }
	};
}

/** One person with their organisation, team, region and managed regions, or null. */
export async function getPerson(db: Db, id: string): Promise<PersonDetail | null> {
	if (!parseCursor(id, 'uuid')) return null;
	const [row] = await peopleQuery(db).where(eq(users.id, id));
	if (!row) return null;
	const managed = await db
		.select({ regionId: managerRegions.regionId })
		.from(managerRegions)
		.where(eq(managerRegions.userId, id));
	return { ...row, managedRegionIds: managed.map((m) => m.regionId) };
}

export type PendingInvitation = {
	id: string;
	email: string;
	role: Role;
	organisationId: string;
	organisationName: string;
	organisationKind: OrganisationKind;
	teamName: string | null;
	regionName: string | null;
	invitedByName: string | null;
	createdAt: Date;
	expiresAt: Date;
	status: 'pending' | 'expired';
};

/** Invitations neither accepted nor revoked, newest first: pending, or expired (to resend). */
export async function listPendingInvitations(
	db: Db,
	options: { organisationId?: string | null; limit?: number } = {}
): Promise<PendingInvitation[]> {
	const rows = await db
		.select({
			id: invitations.id,
			email: invitations.email,
			role: invitations.role,
			organisationId: invitations.organisationId,
			organisationName: organisations.name,
			organisationKind: organisations.kind,
			teamName: teams.name,
			regionName: regions.name,
			invitedByName: users.name,
			createdAt: invitations.createdAt,
			expiresAt: invitations.expiresAt
		})
		.from(invitations)
		.innerJoin(organisations, eq(organisations.id, invitations.organisationId))
		.leftJoin(teams, eq(teams.id, invitations.teamId))
		.leftJoin(regions, eq(regions.id, invitations.regionId))
		.leftJoin(users, eq(users.id, invitations.invitedById))
		.where(
			and(
				isNull(invitations.acceptedAt),
				isNull(invitations.revokedAt),
				options.organisationId ? eq(invitations.organisationId, options.organisationId) : undefined
			)
		)
		.orderBy(desc(invitations.createdAt), desc(invitations.id))
		.limit(clampLimit(options.limit, 100, 200));
	const now = Date.now();
	return rows.map((row) => ({
		...row,
		status: row.expiresAt.getTime() <= now ? 'expired' : 'pending'
	}));
}

// Short lists are sorted here rather than in SQL: PGlite's C collation puts "Île-de-France" last.
const byName = new Intl.Collator('fr', { sensitivity: 'base' });

export type OrganisationRow = {
	id: string;
	name: string;
	kind: OrganisationKind;
	tier: Tier | null;
	regionId: string | null;
	regionName: string | null;
	status: OrganisationStatus;
	/** Active people. */
	peopleCount: number;
	createdAt: Date;
};

const peopleCount = sql<number>`(select count(*)::int from users u where u.organisation_id = ${organisations.id} and u.active)`;

function organisationQuery(db: Db) {
	return db
		.select({
			id: organisations.id,
			name: organisations.name,
			kind: organisations.kind,
			tier: organisations.tier,
			regionId: organisations.regionId,
			regionName: regions.name,
			status: organisations.status,
			peopleCount,
			createdAt: organisations.createdAt
		})
		.from(organisations)
		.leftJoin(regions, eq(regions.id, organisations.regionId));
}

/** The host company first, then every partner by name. */
export async function listOrganisations(
	db: Db,
	options: { kind?: OrganisationKind; status?: OrganisationStatus } = {}
): Promise<OrganisationRow[]> {
	const rows = await organisationQuery(db).where(
		and(
			options.kind ? eq(organisations.kind, options.kind) : undefined,
			options.status ? eq(organisations.status, options.status) : undefined
		)
	);
	return rows.sort(
		(a, b) =>
			Number(a.kind === 'partner') - Number(b.kind === 'partner') || byName.compare(a.name, b.name)
	);
}

export async function getOrganisation(db: Db, id: string): Promise<OrganisationRow | null> {
	if (!parseCursor(id, 'uuid')) return null;
	const [row] = await organisationQuery(db).where(eq(organisations.id, id));
	return row ?? null;
}

export type RegionRow = { id: string; code: string; name: string };
export type TeamRow = {
	id: string;
	name: string;
	regionId: string | null;
	regionName: string | null;
};

export async function listRegions(db: Db): Promise<RegionRow[]> {
	const rows = await db
		.select({ id: regions.id, code: regions.code, name: regions.name })
		.from(regions);
	return rows.sort((a, b) => byName.compare(a.name, b.name));
}

export async function listTeams(db: Db): Promise<TeamRow[]> {
	const rows = await db
		.select({ id: teams.id, name: teams.name, regionId: teams.regionId, regionName: regions.name })
		.from(teams)
		.leftJoin(regions, eq(regions.id, teams.regionId));
	return rows.sort((a, b) => byName.compare(a.name, b.name));
}

/** Names of these people (for labels of ids found in URLs), in no particular order. */
export async function peopleNames(db: Db, ids: string[]): Promise<Map<string, string>> {
	const valid = ids.filter((id) => parseCursor(id, 'uuid'));
	if (valid.length === 0) return new Map();
	const rows = await db
		.select({ id: users.id, name: users.name })
		.from(users)
		.where(inArray(users.id, valid));
	return new Map(rows.map((r) => [r.id, r.name]));
}
