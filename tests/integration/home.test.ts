import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleUsers } from '../../src/lib/server/access/people-scope.ts';
import { canViewUser } from '../../src/lib/server/access/policy.ts';
import type { SessionUser } from '../../src/lib/server/auth/sessions.ts';
import { tables } from '../../src/lib/server/db/index.ts';
import { getHome, listHostContacts } from '../../src/lib/server/workspace/home.ts';
import type { OrganisationKind, Role } from '../../src/lib/shared/enums.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';

// The home page's people lists come from the access module (`visibleUsers`, the SQL twin of
// `canViewUser`): a partner person sees their own company and their host contacts — never another
// partner's people, never the host's whole staff; host people see their team (or their company).

const { organisations, users, regions, teams, managerRegions } = tables;

type Org = { id: string; name: string; kind: OrganisationKind; regionId: string | null };

describe.each(drivers())('the home page’s people on %s', (driver) => {
	let database: TestDatabase;
	const people: Record<string, SessionUser & { active: boolean }> = {};
	const orgs: Record<string, Org> = {};

	async function addPerson(
		name: string,
		org: Org,
		role: Role,
		place: { teamId?: string; regionId?: string; active?: boolean } = {}
	) {
		const [row] = await database.db
			.insert(users)
			.values({
				email: `${name.toLowerCase()}@${org.name.toLowerCase()}.test`,
				name,
				organisationId: org.id,
				role,
				locale: 'en',
				teamId: place.teamId ?? null,
				regionId: place.regionId ?? null,
				active: place.active ?? true
			})
			.returning();
		people[name] = {
			id: row.id,
			email: row.email,
			name,
			locale: 'en',
			timeZone: null,
			role,
			organisationId: org.id,
			organisationKind: org.kind,
			organisationName: org.name,
			teamId: row.teamId,
			regionId: row.regionId,
			active: row.active
		};
	}

	const names = (list: { name: string }[]) => list.map((p) => p.name);

	beforeAll(async () => {
		database = await freshDatabase(driver);
		const db = database.db;
		const [idf, ara] = await db
			.insert(regions)
			.values([
				{ code: 'IDF', name: 'Île-de-France' },
				{ code: 'ARA', name: 'Auvergne-Rhône-Alpes' }
			])
			.returning({ id: regions.id });
		const [paris, lyon] = await db
			.insert(teams)
			.values([
				{ name: 'Paris Ouest', regionId: idf.id },
				{ name: 'Lyon', regionId: ara.id }
			])
			.returning({ id: teams.id });
		const rows = await db
			.insert(organisations)
			.values([
				{ name: 'Nordis', kind: 'host' },
				{ name: 'Alpha', kind: 'partner', tier: 'gold', regionId: idf.id },
				{ name: 'Beta', kind: 'partner', tier: 'silver', regionId: ara.id },
				{ name: 'Gamma', kind: 'partner', tier: 'registered' }
			])
			.returning({
				id: organisations.id,
				name: organisations.name,
				kind: organisations.kind,
				regionId: organisations.regionId
			});
		for (const org of rows) orgs[org.name] = org;
		const { Nordis, Alpha, Beta, Gamma } = orgs;

		// The host: an admin without a team, a Paris team (region IDF), a Lyon team (region ARA),
		// and a manager with no region of her own who manages IDF.
		await addPerson('Ada', Nordis, 'admin');
		await addPerson('Marc', Nordis, 'manager', { teamId: paris.id, regionId: idf.id });
		await addPerson('Rita', Nordis, 'rep', { teamId: paris.id, regionId: idf.id });
		await addPerson('Remi', Nordis, 'rep', { teamId: paris.id, regionId: idf.id, active: false });
		await addPerson('Ines', Nordis, 'admin', { teamId: paris.id, regionId: idf.id });
		await addPerson('Bob', Nordis, 'rep', { teamId: lyon.id, regionId: ara.id });
		await addPerson('Manon', Nordis, 'manager');
		await db.insert(managerRegions).values({ userId: people.Manon.id, regionId: idf.id });

		await addPerson('Alice', Alpha, 'partner_admin');
		await addPerson('Arno', Alpha, 'partner_member');
		await addPerson('Aline', Alpha, 'partner_member', { active: false });
		await addPerson('Bea', Beta, 'partner_admin');
		await addPerson('Basile', Beta, 'partner_member');
		await addPerson('Gus', Gamma, 'partner_member');
		await addPerson('Gaby', Gamma, 'partner_admin');
	});

	afterAll(async () => {
		await database?.drop();
	});

	it('shows an Alpha member only Alpha colleagues and Alpha’s host contacts', async () => {
		const home = await getHome(database.db, people.Arno);
		expect(home.organisation).toMatchObject({ name: 'Alpha', kind: 'partner' });
		// Not Beta's or Gamma's people, not the host's; not the deactivated Aline, not Arno himself.
		expect(names(home.colleagues)).toEqual(['Alice']);
		// The reps and managers of IDF and the manager who manages IDF: not Ada or Ines (admins),
		// not Bob (Lyon), not Remi (deactivated), and nobody of another partner.
		expect(names(home.hostContacts)).toEqual(['Manon', 'Marc', 'Rita']);
	});

	it('shows an Alpha admin the same company, and never the host’s whole staff', async () => {
		const home = await getHome(database.db, people.Alice);
		expect(names(home.colleagues)).toEqual(['Arno']);
		expect(names(home.hostContacts)).toEqual(['Manon', 'Marc', 'Rita']);
		expect(names(await listHostContacts(database.db, people.Alice))).toEqual([
			'Manon',
			'Marc',
			'Rita'
		]);
	});

	it('gives each partner its own region’s contacts, and none without a region', async () => {
		const beta = await getHome(database.db, people.Basile);
		expect(names(beta.colleagues)).toEqual(['Bea']);
		expect(names(beta.hostContacts)).toEqual(['Bob']);
		const gamma = await getHome(database.db, people.Gus);
		expect(names(gamma.colleagues)).toEqual(['Gaby']);
		expect(gamma.hostContacts).toEqual([]);
	});

	it('shows a host rep and a host manager their team, with no host-contact list', async () => {
		const rep = await getHome(database.db, people.Rita);
		expect(rep.teamName).toBe('Paris Ouest');
		expect(names(rep.colleagues)).toEqual(['Ines', 'Marc']);
		expect(rep.hostContacts).toEqual([]);
		const manager = await getHome(database.db, people.Marc);
		expect(names(manager.colleagues)).toEqual(['Ines', 'Rita']);
		expect(await listHostContacts(database.db, people.Marc)).toEqual([]);
	});

	it('shows a host person without a team their whole company, never partner people', async () => {
		const home = await getHome(database.db, people.Ada);
		expect(names(home.colleagues)).toEqual(['Bob', 'Ines', 'Manon', 'Marc', 'Rita']);
	});

	it('selects with visibleUsers exactly the people canViewUser lets each person see', async () => {
		// Host contacts written out by hand: the facts canViewUser is given for a partner actor.
		const contactsOf: Record<string, string[]> = {
			Alpha: ['Manon', 'Marc', 'Rita'],
			Beta: ['Bob'],
			Gamma: []
		};
		for (const actor of Object.values(people)) {
			const rows = await database.db
				.select({ name: users.name })
				.from(users)
				.where(visibleUsers(actor));
			const expected = Object.values(people)
				.filter((target) =>
					canViewUser(actor, {
						...target,
						isHostContact: (contactsOf[actor.organisationName] ?? []).includes(target.name)
					})
				)
				.map((p) => p.name);
			expect(names(rows).sort(), `${actor.name} (${actor.role})`).toEqual(expected.sort());
		}
	});
});
