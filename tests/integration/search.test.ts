import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import { searchVector } from '../../src/lib/server/crm/scope.ts';
import { parseCsv } from '../../src/lib/server/csv/index.ts';
import { tables, type Db } from '../../src/lib/server/db/index.ts';
import { exportCsvText } from '../../src/lib/server/exports/index.ts';
import { searchAll } from '../../src/lib/server/search/index.ts';
import { normaliseCompanyName } from '../../src/lib/shared/normalise.ts';
import { GET as exportRoute } from '../../src/routes/(app)/export/[kind]/+server.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';
import { createTestOrganisation, createTestUser, type TestUser } from '../support/factories.ts';

const actorOf = ({ user, organisation }: TestUser): Actor => ({
	id: user.id,
	role: user.role,
	organisationId: organisation.id,
	organisationKind: organisation.kind
});

async function account(
	db: Db,
	name: string,
	partnerId: string | null,
	domain: string | null = null
) {
	const [row] = await db
		.insert(tables.accounts)
		.values({
			name,
			normalisedName: normaliseCompanyName(name),
			domain,
			search: searchVector(name, domain)
		})
		.returning();
	if (partnerId)
		await db
			.insert(tables.accountPartners)
			.values({ accountId: row.id, organisationId: partnerId });
	return row;
}

async function contact(
	db: Db,
	accountId: string,
	organisationId: string | null,
	name: string,
	email: string
) {
	await db
		.insert(tables.contacts)
		.values({ accountId, organisationId, name, email, search: searchVector(name, email) });
}

async function deal(db: Db, accountId: string, partnerId: string | null, name: string) {
	await db
		.insert(tables.opportunities)
		.values({ accountId, partnerId, name, amountCents: 100_000, search: searchVector(name) });
}

describe.each(drivers())('search and exports on %s', (driver) => {
	let database: TestDatabase;
	let host: TestUser;
	let alphaUser: TestUser;
	let betaUser: TestUser;

	beforeAll(async () => {
		database = await freshDatabase(driver);
		const db = database.db;
		host = await createTestUser(db, { role: 'manager' });
		const alpha = await createTestOrganisation(db, { name: 'Alpha Conseil' });
		const beta = await createTestOrganisation(db, { name: 'Bêta Réseaux' });
		alphaUser = await createTestUser(db, { role: 'partner_member', organisation: alpha });
		betaUser = await createTestUser(db, { role: 'partner_member', organisation: beta });

		const ag = await account(db, 'Société Générale', alpha.id, 'societegenerale.fr');
		await contact(db, ag.id, alpha.id, 'Émilie Dupré', 'emilie@societegenerale.fr');
		await deal(db, ag.id, alpha.id, 'Renouvellement du parc');
		const injected = await account(db, "=cmd|' /C calc'!A0", alpha.id);
		await contact(db, injected.id, alpha.id, '@SUM(1+1)', '+33@example.fr');

		const bs = await account(db, 'Société Bêta Industrie', beta.id, 'beta-industrie.fr');
		await contact(db, bs.id, beta.id, 'Émile Secret', 'emile@beta-industrie.fr');
		await deal(db, bs.id, beta.id, 'Renouvellement Bêta');
		// Beta's contact on an account Alpha also serves stays Beta's.
		await contact(db, ag.id, beta.id, 'Sébastien Beta', 'sebastien@societegenerale.fr');
		const direct = await account(db, 'Sociétal Direct', null);
		await deal(db, direct.id, null, 'Renouvellement direct');
	}, 60_000);
	afterAll(() => database.drop());

	const titles = (results: Awaited<ReturnType<typeof searchAll>>, kind: string) =>
		results.groups
			.find((g) => g.kind === kind)
			?.hits.map((h) => h.title)
			.sort() ?? null;

	it('ignores accents: "societe" finds "Société"', async () => {
		const results = await searchAll(database.db, actorOf(host), 'societe');
		expect(titles(results, 'accounts')).toEqual(['Société Bêta Industrie', 'Société Générale']);
		const upper = await searchAll(database.db, actorOf(host), 'SOCIÉTÉ');
		expect(titles(upper, 'accounts')).toEqual(['Société Bêta Industrie', 'Société Générale']);
	});

	it('matches the beginnings of every word typed', async () => {
		const results = await searchAll(database.db, actorOf(host), 'soc gén');
		expect(titles(results, 'accounts')).toEqual(['Société Générale']);
		const people = await searchAll(database.db, actorOf(host), 'emil');
		expect(titles(people, 'contacts')).toEqual(['Émile Secret', 'Émilie Dupré']);
		const domain = await searchAll(database.db, actorOf(host), 'societegenerale');
		expect(titles(domain, 'accounts')).toEqual(['Société Générale']);
	});

	it('gives the host everything, partners included, with counts', async () => {
		const results = await searchAll(database.db, actorOf(host), 'renouvellement');
		expect(titles(results, 'opportunities')).toEqual([
			'Renouvellement Bêta',
			'Renouvellement direct',
			'Renouvellement du parc'
		]);
		expect(results.groups.find((g) => g.kind === 'opportunities')?.total).toBe(3);
		const partners = await searchAll(database.db, actorOf(host), 'reseaux');
		expect(titles(partners, 'partners')).toEqual(['Bêta Réseaux']);
		expect(partners.groups.find((g) => g.kind === 'partners')?.hits[0].href).toMatch(
			/^\/partners\//
		);
		const limited = await searchAll(database.db, actorOf(host), 'renouvellement', {
			limitPerKind: 1
		});
		expect(limited.groups.find((g) => g.kind === 'opportunities')).toMatchObject({ total: 3 });
		expect(limited.groups.find((g) => g.kind === 'opportunities')?.hits).toHaveLength(1);
	});

	it("never shows Alpha's people anything of Beta's", async () => {
		const alpha = actorOf(alphaUser);
		for (const q of ['societe', 'renouvellement', 'emil', 'beta', 'sebastien', 'reseaux']) {
			const results = await searchAll(database.db, alpha, q);
			const all = results.groups.flatMap((g) => g.hits.map((h) => h.title));
			expect(all.filter((t) => /b[eê]ta|secret|s[ée]bastien|direct/i.test(t))).toEqual([]);
			expect(results.groups.map((g) => g.kind)).not.toContain('partners');
		}
		const own = await searchAll(database.db, alpha, 'societe');
		expect(titles(own, 'accounts')).toEqual(['Société Générale']);
		const beta = await searchAll(database.db, actorOf(betaUser), 'societe generale');
		// Beta does not serve Société Générale: its contact there is not enough to see the account.
		expect(titles(beta, 'accounts')).toEqual([]);
	});

	it('answers an empty or unsearchable query with no groups', async () => {
		expect(await searchAll(database.db, actorOf(host), '   ')).toEqual({
			query: '',
			total: 0,
			groups: []
		});
		expect((await searchAll(database.db, actorOf(host), "'&|!:*")).groups).toEqual([]);
	});

	it("exports Alpha's accounts, contacts and deals without any of Beta's rows", async () => {
		const alpha = actorOf(alphaUser);
		const accounts = await exportCsvText(database.db, alpha, 'accounts');
		expect(accounts.startsWith('\uFEFFid,external id,name,')).toBe(true);
		const names = parseCsv(accounts)
			.slice(1)
			.map((r) => r.cells[2]);
		expect(names.sort()).toEqual(["'=cmd|' /C calc'!A0", 'Société Générale']);
		// The serving partners column only ever names the reader's own company.
		expect(accounts).not.toMatch(/Bêta/);

		const contacts = await exportCsvText(database.db, alpha, 'contacts');
		expect(contacts).not.toMatch(/Secret|Sébastien|Bêta/);
		const contactCells = parseCsv(contacts)
			.slice(1)
			.map((r) => r.cells[2]);
		expect(contactCells.sort()).toEqual(["'@SUM(1+1)", 'Émilie Dupré']);
		expect(contacts).toContain("'+33@example.fr");

		const deals = await exportCsvText(database.db, alpha, 'opportunities');
		expect(
			parseCsv(deals)
				.slice(1)
				.map((r) => r.cells[2])
		).toEqual(['Renouvellement du parc']);
		const registrations = await exportCsvText(database.db, alpha, 'registrations');
		expect(parseCsv(registrations)).toHaveLength(1);
	});

	it('streams the export route with the filters of the list, and keeps the partner list to the host', async () => {
		const call = async (user: TestUser, kind: string, query = '') =>
			exportRoute({
				locals: {
					user: { ...user.user, organisationKind: user.organisation.kind },
					runtime: { db: database.db }
				},
				params: { kind },
				url: new URL(`http://relais.test/export/${kind}${query}`)
			} as unknown as Parameters<typeof exportRoute>[0]);

		const response = await call(host, 'opportunities', '?partner=direct');
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('content-disposition')).toMatch(
			/^attachment; filename="opportunities-\d{4}-\d{2}-\d{2}\.csv"$/
		);
		const rows = parseCsv(await response.text()).slice(1);
		expect(rows.map((r) => r.cells[2])).toEqual(['Renouvellement direct']);

		const searched = parseCsv(await (await call(host, 'accounts', '?q=soc%20gen')).text()).slice(1);
		expect(searched.map((r) => r.cells[2])).toEqual(['Société Générale']);

		const partners = parseCsv(await (await call(host, 'partners')).text()).slice(1);
		expect(partners.map((r) => r.cells[2]).sort()).toEqual(['Alpha Conseil', 'Bêta Réseaux']);
		await expect(call(alphaUser, 'partners')).rejects.toMatchObject({ status: 403 });
		await expect(call(alphaUser, 'users')).rejects.toMatchObject({ status: 404 });
	});

	it('exports a list larger than one batch in full', async () => {
		const db = database.db;
		const rows = Array.from({ length: 2_345 }, (_, i) => ({
			name: `Batch ${i}`,
			normalisedName: `batch ${i}`,
			search: searchVector(`Batch ${i}`)
		}));
		await db.insert(tables.accounts).values(rows);
		const text = await exportCsvText(db, actorOf(host), 'accounts', new URLSearchParams('q=batch'));
		const ids = parseCsv(text)
			.slice(1)
			.map((r) => r.cells[0]);
		expect(ids).toHaveLength(2_345);
		expect(new Set(ids).size).toBe(2_345);
	});
});
