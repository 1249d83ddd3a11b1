// Data of bench/crm.ts: 1,000 partners, 200,000 accounts (with their serving partners and one
// contact each), 1,000,000 opportunities and 50,000 deal registrations, generated inside
// PostgreSQL with generate_series. Every value is a function of the row number (a multiplicative
// hash where it must look random), so every run builds the same data.
import type postgres from 'postgres';
import { foldText, normaliseCompanyName } from '../src/lib/shared/normalise.ts';

export type Scale = {
	partners: number;
	accounts: number;
	opportunities: number;
	registrations: number;
	reps: number;
};

const KINDS = [
	'Hôtel',
	'Brasserie',
	'Restaurant',
	'Boulangerie',
	'Clinique',
	'Cuisine centrale',
	'Traiteur',
	'EHPAD',
	'Lycée hôtelier',
	'Camping'
];
const INDUSTRIES = [
	'Hôtellerie',
	'Restauration commerciale',
	'Restauration commerciale',
	'Boulangerie-pâtisserie',
	'Santé',
	'Restauration collective',
	'Traiteur',
	'Médico-social',
	'Enseignement',
	'Hôtellerie de plein air'
];
// prettier-ignore
const PLACES = [
	'Lyon', 'Marseille', 'Toulouse', 'Bordeaux', 'Lille', 'Nantes', 'Strasbourg', 'Montpellier',
	'Rennes', 'Reims', 'Saint-Étienne', 'Le Havre', 'Grenoble', 'Dijon', 'Angers', 'Nîmes',
	'Villeurbanne', 'Clermont-Ferrand', 'Aix-en-Provence', 'Brest', 'Tours', 'Amiens', 'Limoges',
	'Annecy', 'Perpignan', 'Metz', 'Besançon', 'Orléans', 'Rouen', 'Mulhouse', 'Caen', 'Nancy',
	'Argenteuil', 'Montreuil', 'Roubaix', 'Tourcoing', 'Avignon', 'Poitiers', 'Pau', 'La Rochelle'
];
// prettier-ignore
const FIRST = ['Nathalie', 'Philippe', 'Isabelle', 'Laurent', 'Céline', 'Frédéric', 'Émilie',
	'Jérôme', 'Léa', 'Océane', 'Benoît', 'Agnès', 'Thierry', 'Manon', 'Romain', 'Françoise'];
// prettier-ignore
const LAST = ['Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Perrin', 'Morin',
	'Mathieu', 'Clément', 'Gauthier', 'Dumas', 'Lemoine', 'Fontaine', 'Noël', 'Lefèvre', 'Caron'];
const JOBS = [
	'Chef de cuisine',
	'Directeur de la restauration',
	'Responsable des achats',
	'Gérant'
];
const PRODUCTS = [
	'Chambre froide positive',
	'Four mixte 10 niveaux',
	'Lave-vaisselle à capot',
	'Tunnel de lavage',
	'Cellule de refroidissement rapide',
	'Piano de cuisson',
	'Groupe froid centralisé'
];
// 20 slots: the share of each stage among the deals (open 65 %, won 20 %, lost 15 %).
// prettier-ignore
const STAGE_SLOTS = ['prospecting', 'prospecting', 'prospecting', 'prospecting', 'qualification',
	'qualification', 'qualification', 'qualification', 'proposal', 'proposal', 'proposal',
	'negotiation', 'negotiation', 'won', 'won', 'won', 'won', 'lost', 'lost', 'lost'];
const PROBABILITY: Record<string, number> = {
	prospecting: 10,
	qualification: 25,
	proposal: 50,
	negotiation: 75,
	won: 100,
	lost: 0
};

const lit = (values: (string | number)[]) =>
	`array[${values.map((v) => (typeof v === 'number' ? v : `'${v.replace(/'/g, "''")}'`)).join(',')}]`;
const pick = (values: string[], index: string) =>
	`(${lit(values)})[1 + (${index}) % ${values.length}]`;
const slug = (s: string) => normaliseCompanyName(s).replace(/ /g, '-');

/** Ids: a fixed prefix per table and the row number, so rows can point at each other in SQL. */
export const ids = {
	host: '00000000-0000-4000-8000-000000000000',
	partner: (n: string) => `('00000000-0000-4000-8000-' || lpad((${n})::text, 12, '0'))::uuid`,
	hostUser: (n: string) => `('00000000-0000-4000-9000-' || lpad((${n})::text, 12, '0'))::uuid`,
	partnerUser: (n: string) => `('00000000-0000-4000-a000-' || lpad((${n})::text, 12, '0'))::uuid`,
	account: (n: string) => `('00000000-0000-4000-b000-' || lpad((${n})::text, 12, '0'))::uuid`,
	contact: (n: string) => `('00000000-0000-4000-c000-' || lpad((${n})::text, 12, '0'))::uuid`,
	opportunity: (n: string) => `('00000000-0000-4000-d000-' || lpad((${n})::text, 12, '0'))::uuid`,
	registration: (n: string) => `('00000000-0000-4000-e000-' || lpad((${n})::text, 12, '0'))::uuid`
};
export const partnerId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
export const hostUserId = (n: number) => `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;
export const accountId = (n: number) => `00000000-0000-4000-b000-${String(n).padStart(12, '0')}`;
export const partnerUserId = (n: number) =>
	`00000000-0000-4000-a000-${String(n).padStart(12, '0')}`;

/** A well-spread non-negative hash of a row number (Knuth's multiplicative one), with a salt. */
const hash = (n: string, salt: number) =>
	`((((${n})::bigint + ${salt}) * 2654435761) % 4294967296 / 4096)`;

// Account i: "<kind i%10> <place (i/10)%40> <i>"; the same parts folded and normalised.
const kind = (arrayOf: (k: string) => string, i = 'i') => pick(KINDS.map(arrayOf), i);
const place = (arrayOf: (p: string) => string, i = 'i') => pick(PLACES.map(arrayOf), `(${i}) / 10`);
const accountName = (i = 'i') =>
	`${kind((k) => k, i)} || ' ' || ${place((p) => p, i)} || ' ' || ${i}`;
const accountFolded = (i = 'i') =>
	`${kind(foldText, i)} || ' ' || ${place(foldText, i)} || ' ' || ${i}`;
const accountNormalised = (i = 'i') =>
	`${kind(normaliseCompanyName, i)} || ' ' || ${place(normaliseCompanyName, i)} || ' ' || ${i}`;
const accountDomain = (i = 'i') =>
	`${kind(slug, i)} || '-' || ${place(slug, i)} || '-' || ${i} || '.fr'`;
const accountSiren = (i = 'i') =>
	`case when (${i}) % 3 <> 2 then lpad((100000000 + (${i}) * 7)::text, 9, '0') end`;
/** Partner serving account i (1-based partner number), or null for the direct team. */
const servingPartner = (i: string, partners: number) =>
	`case when (${i}) % 10 < 7 then 1 + (${i}) % ${partners} end`;

/** The statements, in order, with a label each. */
export function generationSql(scale: Scale): [string, string][] {
	const { partners, accounts, opportunities, registrations, reps } = scale;
	const stage = pick(STAGE_SLOTS, hash('j', 1));
	const probability = pick(
		STAGE_SLOTS.map((s) => String(PROBABILITY[s])),
		hash('j', 1)
	);
	return [
		[
			'regions, organisations, users',
			`insert into regions (code, name) select 'R' || g, 'Région ' || g from generate_series(1, 6) g;
			insert into organisations (id, name, kind, status) values ('${ids.host}', 'Nordis Bench', 'host', 'active');
			insert into organisations (id, name, kind, tier, status, region_id)
				select ${ids.partner('g')}, 'Partenaire ' || g, 'partner', ${pick(['platinum', 'gold', 'silver', 'registered'], 'g')},
					'active', (select id from regions where code = 'R' || (1 + g % 6))
				from generate_series(1, ${partners}) g;
			insert into users (id, email, name, organisation_id, role, locale)
				select ${ids.hostUser('g')}, 'rep' || g || '@bench.test', 'Commercial ' || g, '${ids.host}',
					case when g = 0 then 'admin' when g <= 10 then 'manager' else 'rep' end, 'fr'
				from generate_series(0, ${reps}) g;
			insert into users (id, email, name, organisation_id, role, locale)
				select ${ids.partnerUser('g')}, 'user' || g || '@partner.test', 'Personne ' || g,
					${ids.partner(`1 + g % ${partners}`)},
					case when g < ${partners} then 'partner_admin' else 'partner_member' end, 'fr'
				from generate_series(0, ${2 * partners - 1}) g`
		],
		[
			`${accounts.toLocaleString('en')} accounts`,
			`insert into accounts (id, name, normalised_name, siren, domain, industry, region_id, size, owner_id, search, created_at, updated_at)
				select ${ids.account('i')}, ${accountName()}, ${accountNormalised()}, ${accountSiren()}, ${accountDomain()},
					${pick(INDUSTRIES, 'i')}, (select id from regions where code = 'R' || (1 + i % 6)),
					${pick(['1-9', '10-49', '50-249', '250-999', '1000+'], 'i / 7')},
					${ids.hostUser(`11 + i % ${reps - 10}`)},
					to_tsvector('simple', ${accountFolded()} || ' ' || ${accountDomain()} || ' '
						|| coalesce(${accountSiren()}, '') || ' ' || ${pick(INDUSTRIES.map(foldText), 'i')}),
					now() - (i % 7000) * interval '1 hour', now() - (i % 7000) * interval '1 hour'
				from generate_series(0, ${accounts - 1}) i`
		],
		[
			'account partners (7 in 10 accounts; 1 in 20 with a second partner)',
			`insert into account_partners (account_id, organisation_id)
				select ${ids.account('i')}, ${ids.partner(servingPartner('i', partners))}
				from generate_series(0, ${accounts - 1}) i where i % 10 < 7
				union all
				select ${ids.account('i')}, ${ids.partner(`1 + (i + 1) % ${partners}`)}
				from generate_series(0, ${accounts - 1}) i where i % 20 = 0`
		],
		[
			`${accounts.toLocaleString('en')} contacts`,
			`insert into contacts (id, account_id, organisation_id, name, job_title, email, phone, search)
				select ${ids.contact('i')}, ${ids.account('i')}, ${ids.partner(servingPartner('i', partners))},
					${pick(FIRST, 'i')} || ' ' || ${pick(LAST, 'i / 3')}, ${pick(JOBS, 'i / 5')},
					lower(${pick(FIRST.map(slug), 'i')} || '.' || ${pick(LAST.map(slug), 'i / 3')}) || '@' || ${accountDomain()},
					'+33 1 ' || lpad((i % 100000000)::text, 8, '0'),
					to_tsvector('simple', ${pick(FIRST.map(foldText), 'i')} || ' ' || ${pick(LAST.map(foldText), 'i / 3')} || ' '
						|| lower(${pick(FIRST.map(slug), 'i')} || '.' || ${pick(LAST.map(slug), 'i / 3')}) || '@' || ${accountDomain()}
						|| ' ' || ${pick(JOBS.map(foldText), 'i / 5')} || ' ' || ${accountFolded()})
				from generate_series(0, ${accounts - 1}) i`
		],
		[
			`${opportunities.toLocaleString('en')} opportunities`,
			`insert into opportunities (id, account_id, partner_id, owner_id, name, stage, amount_cents, close_date,
					probability, products, closed_at, deleted_at, search, created_at, updated_at)
				select ${ids.opportunity('j')}, ${ids.account('i')}, ${ids.partner(servingPartner('i', partners))},
					${ids.hostUser(`11 + i % ${reps - 10}`)},
					${accountName()} || ' – ' || ${pick(PRODUCTS, hash('j', 2))}, stage,
					(2000 + ${hash('j', 3)} % 150000) * 100,
					case when stage in ('won', 'lost') then current_date - (${hash('j', 4)} % 180)::int
						else current_date + (${hash('j', 4)} % 270 - 30)::int end,
					probability, ${pick(PRODUCTS, hash('j', 2))},
					case when stage in ('won', 'lost') then now() - (${hash('j', 4)} % 180) * interval '1 day' end,
					case when ${hash('j', 5)} % 100 = 0 then now() end,
					to_tsvector('simple', ${accountFolded()} || ' ' || ${pick(PRODUCTS.map(foldText), hash('j', 2))}
						|| ' ' || ${accountFolded()} || ' ' || ${pick(PRODUCTS.map(foldText), hash('j', 2))}),
					now() - (j % 9000) * interval '1 hour', now() - (j % 900) * interval '1 hour'
				from (select j, j % ${accounts} as i, ${stage} as stage, ${probability}::int as probability
					from generate_series(0, ${opportunities - 1}) j) s`
		],
		[
			`${registrations.toLocaleString('en')} deal registrations`,
			`insert into deal_registrations (id, partner_id, submitted_by_id, account_id, account_name, normalised_name,
					account_domain, account_siren, amount_cents, products, expected_close_date, status,
					protected_until, created_at, updated_at)
				select ${ids.registration('r')}, ${ids.partner(`1 + r % ${partners}`)}, ${ids.partnerUser(`r % ${partners}`)},
					${ids.account('i')}, ${accountName()}, ${accountNormalised()}, ${accountDomain()}, ${accountSiren()},
					(5000 + r % 90000) * 100, ${pick(PRODUCTS, 'r')}, current_date + (r % 120),
					${pick(['pending', 'approved', 'rejected', 'expired'], 'r')},
					case when r % 4 in (1, 3) then now() - (r % 180) * interval '1 day' + interval '90 days' end,
					now() - (r % 180) * interval '1 day', now() - (r % 180) * interval '1 day'
				from (select r, (r * 37) % ${accounts} as i from generate_series(0, ${registrations - 1}) r) s`
		]
	];
}

/** Tables that get the bulk load (their secondary indexes are rebuilt once, after it). */
export const BULK_TABLES = [
	'accounts',
	'account_partners',
	'contacts',
	'opportunities',
	'deal_registrations'
];

/**
 * Loads the data: drops the bulk tables' secondary indexes, inserts (triggers off), rebuilds the
 * indexes and the pipeline's stage totals, analyses.
 */
export async function generate(raw: postgres.Sql, scale: Scale, log: (line: string) => void) {
	const indexes = await raw<{ indexname: string; indexdef: string }[]>`
		select indexname, indexdef from pg_indexes
		where schemaname = 'public' and tablename in ${raw(BULK_TABLES)} and indexname not in (select conname from pg_constraint)`;
	const timed = async (label: string, run: () => Promise<unknown>) => {
		const t0 = performance.now();
		await run();
		log(`  ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
	};
	const started = performance.now();
	await raw.begin(async (tx) => {
		for (const i of indexes) await tx.unsafe(`drop index "${i.indexname}"`);
		// Foreign keys are right by construction; their per-row triggers would double the load time.
		await tx.unsafe('set local session_replication_role = replica');
		for (const [label, text] of generationSql(scale)) {
			await timed(label, () => tx.unsafe(text).simple());
		}
	});
	await timed(`${indexes.length} secondary indexes rebuilt`, async () => {
		await raw.unsafe("set maintenance_work_mem = '256MB'");
		for (const i of indexes) await raw.unsafe(i.indexdef);
	});
	// The triggers that keep pipeline_stage_totals did not fire (replica role): build it once.
	await timed('pipeline stage totals rebuilt', () =>
		raw.unsafe('select pipeline_stage_totals_rebuild()')
	);
	await timed('vacuum analyze', () => raw.unsafe('vacuum analyze'));
	log(`  generation total: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
