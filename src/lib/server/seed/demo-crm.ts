import type { AccountSize, RegistrationStatus, Stage } from '../../shared/enums.ts';
import { foldText } from '../../shared/normalise.ts';
import { DEMO_USERS } from './demo.ts';

// The demo CRM: end customers of Nordis Équipements (restaurants, hotels, hospital kitchens, school
// catering, bakery chains) served by its partners or by its own reps, their people, a pipeline in
// every stage and deal registrations in every status. Hand-written names; what is derived (contact
// names, phones, SIRENs, amounts) comes from a seeded generator, so every seed gives the same data.
// `closeInDays` and `daysAgo` count from the moment the seed runs.

export type DemoAccount = {
	key: string;
	name: string;
	domain: string;
	siren: string | null;
	industry: string;
	region: string;
	size: AccountSize;
	/** Host rep who owns the account (e-mail). */
	owner: string;
	/** Serving partners (organisation keys); empty = served directly by the host. */
	partners: string[];
	daysAgo: number;
};
export type DemoContact = {
	account: string;
	/** Whose contact: a partner key, or null for the host's own. */
	organisation: string | null;
	name: string;
	jobTitle: string;
	email: string;
	phone: string;
};
export type DemoOpportunity = {
	key: string;
	account: string;
	partner: string | null;
	owner: string;
	name: string;
	stage: Stage;
	/** Stages passed through, oldest first, ending with `stage` (opportunity_history). */
	path: Stage[];
	amountEuros: number;
	closeInDays: number;
	nextStep: string | null;
	lostReason: string | null;
	products: string;
	daysAgo: number;
};
export type DemoRegistration = {
	key: string;
	partner: string;
	submittedBy: string;
	/** An account already in the CRM, or a new one described by name, domain and SIREN. */
	account: string | null;
	accountName: string;
	accountDomain: string | null;
	accountSiren: string | null;
	amountEuros: number;
	products: string;
	closeInDays: number;
	notes: string;
	status: RegistrationStatus;
	daysAgo: number;
	reviewer: string | null;
	reviewedDaysAgo: number | null;
	rejectionReason: string | null;
	/** Approved or expired: the opportunity it protects. */
	opportunity: string | null;
	/** What conflict detection found at submission: a direct-team opportunity on the same domain. */
	conflictsWith: string | null;
};

/** How long an approved registration protects its deal. */
export const PROTECTION_DAYS = 90;

/** Host reps (and the manager of the region) by partner region. */
export const REGION_REPS: Record<string, string> = {
	IDF: 'rep@relais.test',
	HDF: 'camille.roux@relais.test',
	ARA: 'emma.clarke@relais.test',
	GES: 'antoine.schmitt@relais.test',
	NAQ: 'lucas.martin@relais.test',
	OCC: 'ines.garcia@relais.test'
};
export const REGION_MANAGERS: Record<string, string> = {
	IDF: 'manager@relais.test',
	HDF: 'manager@relais.test',
	ARA: 'sophie.lambert@relais.test',
	GES: 'sophie.lambert@relais.test',
	NAQ: 'marc.dubois@relais.test',
	OCC: 'marc.dubois@relais.test'
};

/** Partner key → region, owner rep, days since the agreement was signed (null: not yet). */
export const PARTNER_SETUP: Record<string, { region: string; agreementDaysAgo: number | null }> = {
	alpha: { region: 'IDF', agreementDaysAgo: 55 },
	beta: { region: 'ARA', agreementDaysAgo: 50 },
	vasseur: { region: 'HDF', agreementDaysAgo: 44 },
	atlantique: { region: 'NAQ', agreementDaysAgo: 35 },
	rhin: { region: 'GES', agreementDaysAgo: 30 },
	mediterranee: { region: 'OCC', agreementDaysAgo: null }
};

/** The products Nordis sells, with a list price in euros. */
export const PRODUCTS: [string, number][] = [
	['Chambre froide positive', 18000],
	['Chambre froide négative', 24000],
	['Four mixte 10 niveaux', 14500],
	['Four mixte 20 niveaux', 26000],
	['Lave-vaisselle à capot', 7800],
	['Tunnel de lavage', 38000],
	['Cellule de refroidissement rapide', 9500],
	['Armoire réfrigérée 700 L', 3200],
	['Vitrine réfrigérée de présentation', 6400],
	['Piano de cuisson', 12000],
	['Sauteuse basculante', 11000],
	['Groupe froid centralisé', 21000],
	['Contrat de maintenance annuel', 4800]
];

type AccountLine = [
	key: string,
	name: string,
	domain: string,
	industry: string,
	size: AccountSize,
	partners: string[]
];

// prettier-ignore
const ACCOUNT_LINES: AccountLine[] = [
	// Alpha, Île-de-France.
	['halles', 'Brasserie des Halles Saint-Honoré', 'brasserie-halles-sthonore.fr', 'Restauration commerciale', '10-49', ['alpha']],
	['rivegauche', 'Hôtel Rive Gauche Montparnasse', 'hotel-rivegauche-paris.fr', 'Hôtellerie', '50-249', ['alpha']],
	['genevieve', 'Clinique Sainte-Geneviève', 'clinique-saintegenevieve.fr', 'Santé – cuisine hospitalière', '250-999', ['alpha']],
	['creteil', 'Restauration scolaire de Créteil', 'restoscolaire-creteil.fr', 'Restauration collective', '50-249', ['alpha']],
	['vincennes', 'Le Comptoir de Vincennes', 'comptoir-vincennes.fr', 'Restauration commerciale', '10-49', ['alpha']],
	['receptions', 'Saint-Germain Réceptions SARL', 'stgermain-receptions.fr', 'Traiteur événementiel', '10-49', ['alpha']],
	// Served by Alpha (Paris shops) and Beta (Lyon shops): the one shared account.
	['delorme', 'Boulangeries Maison Delorme', 'maison-delorme.fr', 'Boulangerie-pâtisserie', '250-999', ['alpha', 'beta']],
	// Beta, Auvergne-Rhône-Alpes.
	['canuts', 'Bouchon Les Canuts', 'lescanuts-lyon.fr', 'Restauration commerciale', '10-49', ['beta']],
	['annecy', 'Hôtel du Parc Annecy', 'hotelduparc-annecy.fr', 'Hôtellerie', '50-249', ['beta']],
	['villefranche', 'Centre hospitalier de Villefranche', 'ch-villefranche-cuisine.fr', 'Santé – cuisine hospitalière', '1000+', ['beta']],
	['fournil', 'Le Fournil des Alpes', 'fournil-des-alpes.fr', 'Boulangerie-pâtisserie', '50-249', ['beta']],
	['combe', "Restaurant d'altitude La Grande Combe", 'lagrandecombe.fr', 'Restauration commerciale', '10-49', ['beta']],
	['grenoble', 'Cuisine centrale Grenoble Métropole', 'cuisinecentrale-grenoble.fr', 'Restauration collective', '250-999', ['beta']],
	// Groupe Vasseur Distribution, Hauts-de-France.
	['vieuxlille', 'Brasserie du Vieux-Lille', 'brasserie-vieuxlille.fr', 'Restauration commerciale', '10-49', ['vasseur']],
	['dunes', 'Hôtel Les Dunes Le Touquet', 'hotel-lesdunes-letouquet.fr', 'Hôtellerie', '50-249', ['vasseur']],
	['roubaix', 'Groupe hospitalier Roubaix-Tourcoing', 'gh-roubaix-tourcoing.fr', 'Santé – cuisine hospitalière', '1000+', ['vasseur']],
	['devaux', 'Boulangeries Devaux SAS', 'boulangeries-devaux.fr', 'Boulangerie-pâtisserie', '50-249', ['vasseur']],
	['amiens', 'Restauration scolaire Amiens Métropole', 'restoscolaire-amiens.fr', 'Restauration collective', '50-249', ['vasseur']],
	['friterie', 'Friterie & Co', 'friterie-et-co.fr', 'Restauration rapide', '10-49', ['vasseur']],
	// Cuisines Pro Atlantique, Nouvelle-Aquitaine.
	['chartrons', 'Le Chai des Chartrons', 'chai-des-chartrons.fr', 'Restauration commerciale', '10-49', ['atlantique']],
	['biarritz', 'Hôtel Océan Biarritz', 'hotel-ocean-biarritz.fr', 'Hôtellerie', '50-249', ['atlantique']],
	['pins', 'EHPAD Les Pins de Gironde', 'ehpad-lespins-gironde.fr', 'Médico-social', '50-249', ['atlantique']],
	['talence', 'Lycée hôtelier de Talence', 'lycee-hotelier-talence.fr', 'Enseignement', '250-999', ['atlantique']],
	['landaise', 'La Fournée Landaise', 'fournee-landaise.fr', 'Boulangerie-pâtisserie', '10-49', ['atlantique']],
	// Rhin Froid Services, Grand Est (suspended: its accounts stay).
	['kougelhopf', 'Winstub Le Petit Kougelhopf', 'petit-kougelhopf.fr', 'Restauration commerciale', '1-9', ['rhin']],
	['cathedrale', 'Hôtel de la Cathédrale Strasbourg', 'hotel-cathedrale-strasbourg.fr', 'Hôtellerie', '10-49', ['rhin']],
	['colmar', 'Hôpitaux civils de Colmar', 'hc-colmar-restauration.fr', 'Santé – cuisine hospitalière', '1000+', ['rhin']],
	['stanislas', 'Brasserie Stanislas Nancy', 'brasserie-stanislas.fr', 'Restauration commerciale', '10-49', ['rhin']],
	// Équip'Hôtel Méditerranée, Occitanie.
	['terrasses', 'Hôtel Les Terrasses de Montpellier', 'terrasses-montpellier.fr', 'Hôtellerie', '50-249', ['mediterranee']],
	['capitole', 'Le Capitole Gourmand', 'capitole-gourmand.fr', 'Restauration commerciale', '10-49', ['mediterranee']],
	['languedoc', 'Clinique du Languedoc', 'clinique-languedoc.fr', 'Santé – cuisine hospitalière', '250-999', ['mediterranee']],
	['flamants', 'Camping-club Les Flamants', 'lesflamants-camping.fr', 'Hôtellerie de plein air', '10-49', ['mediterranee']],
	['perpignan', 'Cuisine centrale de Perpignan', 'cuisinecentrale-perpignan.fr', 'Restauration collective', '50-249', ['mediterranee']],
	// Served directly by the host's own reps.
	['lutece', 'Groupe Hôtelier Lutèce', 'lutece-hotels.fr', 'Hôtellerie', '1000+', []],
	['brioche', 'Brioche & Compagnie', 'brioche-compagnie.fr', 'Boulangerie-pâtisserie', '250-999', []],
	['majestic', 'Hôtel Majestic Bordeaux', 'majestic-bordeaux.fr', 'Hôtellerie', '50-249', []],
	['exupery', 'Hôpital Saint-Exupéry', 'hopital-saintexupery.fr', 'Santé – cuisine hospitalière', '1000+', []],
];

/** Regions of the directly served accounts (partner accounts take their partner's region). */
const DIRECT_REGIONS: Record<string, string> = {
	lutece: 'IDF',
	brioche: 'HDF',
	majestic: 'NAQ',
	exupery: 'OCC'
};

const FIRST_NAMES = [
	'Nathalie',
	'Philippe',
	'Isabelle',
	'Laurent',
	'Sandrine',
	'Stéphane',
	'Valérie',
	'Olivier',
	'Céline',
	'Frédéric',
	'Aurélien',
	'Émilie',
	'Guillaume',
	'Hélène',
	'Jérôme',
	'Léa',
	'Maxime',
	'Océane',
	'Benoît',
	'Agnès',
	'Thierry',
	'Manon',
	'Romain',
	'Françoise'
];
const LAST_NAMES = [
	'Rousseau',
	'Blanc',
	'Guérin',
	'Muller',
	'Henry',
	'Roussel',
	'Nicolas',
	'Perrin',
	'Morin',
	'Mathieu',
	'Clément',
	'Gauthier',
	'Dumas',
	'Lemoine',
	'Fontaine',
	'Chevallier',
	'Robin',
	'Masson',
	'Sanchez',
	'Noël',
	'Brunet',
	'Picard',
	'Lefèvre',
	'Caron',
	'Mercier',
	'Bertin'
];
const JOB_TITLES = [
	'Chef de cuisine',
	'Directeur de la restauration',
	'Responsable des achats',
	'Directrice générale',
	'Responsable technique et maintenance',
	'Gérant',
	'Directeur administratif et financier',
	'Économe'
];
const NEXT_STEPS = [
	'Visite technique sur site',
	'Envoyer le devis révisé',
	'Rendez-vous avec le chef de cuisine',
	'Démonstration du four mixte au showroom',
	'Relance après le comité de direction',
	'Valider le plan d’implantation',
	'Chiffrer la dépose de l’ancien matériel'
];
const LOST_REASONS = [
	'Prix trop élevé face à la concurrence',
	'Projet reporté à l’an prochain',
	'Budget d’investissement non validé',
	'Le client a choisi un concurrent déjà installé'
];
// Landline prefix by region (01 Île-de-France, 03 north-east, 04 south-east, 05 south-west).
const PHONE_PREFIX: Record<string, string> = {
	IDF: '01',
	HDF: '03',
	GES: '03',
	ARA: '04',
	OCC: '04',
	NAQ: '05'
};

/** mulberry32: a small seeded generator, so the demo is the same on every seed. */
function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Nine digits whose Luhn sum is right, as real SIRENs are. */
function siren(rand: () => number): string {
	const digits = Array.from({ length: 8 }, (_, i) => (i === 0 ? 1 : 0) + Math.floor(rand() * 9));
	const sum = (check: number) =>
		[...digits, check].reduce((s, d, i) => {
			const v = i % 2 === 1 ? d * 2 : d;
			return s + (v > 9 ? v - 9 : v);
		}, 0);
	const check = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].find((c) => sum(c) % 10 === 0) ?? 0;
	return [...digits, check].join('');
}

const two = (rand: () => number) => String(Math.floor(rand() * 100)).padStart(2, '0');

function phone(rand: () => number, region: string): string {
	const prefix = rand() < 0.3 ? (rand() < 0.5 ? '06' : '07') : (PHONE_PREFIX[region] ?? '01');
	return `+33 ${prefix.slice(1)} ${two(rand)} ${two(rand)} ${two(rand)} ${two(rand)}`;
}

const slug = (text: string) =>
	foldText(text)
		.replace(/[^a-z]+/g, '-')
		.replace(/^-|-$/g, '');

// Stages of the pipeline, cycled over the opportunities so every stage has several deals.
const STAGE_CYCLE: Stage[] = [
	'prospecting',
	'qualification',
	'proposal',
	'negotiation',
	'won',
	'proposal',
	'lost',
	'qualification',
	'negotiation',
	'won'
];
const OPEN_PATH: Stage[] = ['prospecting', 'qualification', 'proposal', 'negotiation'];

function pathTo(stage: Stage, rand: () => number): Stage[] {
	if (stage === 'won') return [...OPEN_PATH, 'won'];
	if (stage === 'lost') return [...OPEN_PATH.slice(0, 2 + Math.floor(rand() * 3)), 'lost'];
	return OPEN_PATH.slice(0, OPEN_PATH.indexOf(stage) + 1);
}

function buildCrm() {
	const rand = seeded(0xc4a1);
	const accounts: DemoAccount[] = ACCOUNT_LINES.map(
		([key, name, domain, industry, size, partners], i) => {
			const region = partners.length ? PARTNER_SETUP[partners[0]].region : DIRECT_REGIONS[key];
			return {
				key,
				name,
				domain,
				// Two accounts in three have a SIREN on file.
				siren: i % 3 === 2 ? null : siren(rand),
				industry,
				region,
				size,
				owner: REGION_REPS[region],
				partners,
				daysAgo: 50 - (i % 40)
			};
		}
	);

	const contacts: DemoContact[] = [];
	let person = 0;
	for (const account of accounts) {
		// The partner's contacts (or the host's for direct accounts), plus one of the host's own on
		// the larger partner accounts.
		const owners: (string | null)[] = account.partners.length ? [...account.partners] : [null];
		if (account.partners.length && ['250-999', '1000+'].includes(account.size)) owners.push(null);
		const count = account.partners.length ? 2 : 3;
		for (let k = 0; k < Math.max(count, owners.length); k++) {
			const first = FIRST_NAMES[(person * 7 + 3) % FIRST_NAMES.length];
			const last = LAST_NAMES[(person * 5 + 1) % LAST_NAMES.length];
			person++;
			contacts.push({
				account: account.key,
				organisation: owners[k % owners.length],
				name: `${first} ${last}`,
				jobTitle: JOB_TITLES[(person + k) % JOB_TITLES.length],
				email: `${slug(first)}.${slug(last)}@${account.domain}`,
				phone: phone(rand, account.region)
			});
		}
	}

	const opportunities: DemoOpportunity[] = [];
	let n = 0;
	for (const account of accounts) {
		// Each serving partner has deals on its accounts; direct accounts have the host's own.
		const sellers: (string | null)[] = account.partners.length ? account.partners : [null];
		for (const partner of sellers) {
			const deals = account.size === '1-9' || account.size === '10-49' ? 1 : 2;
			for (let d = 0; d < deals; d++) {
				const stage = STAGE_CYCLE[n % STAGE_CYCLE.length];
				const main = PRODUCTS[(n * 5 + d) % PRODUCTS.length];
				const extra = PRODUCTS[(n * 3 + 7) % PRODUCTS.length];
				const chosen = main[0] === extra[0] || n % 3 === 0 ? [main] : [main, extra];
				const quantity = account.size === '1000+' ? 3 : account.size === '250-999' ? 2 : 1;
				const amount = chosen.reduce((s, [, price]) => s + price * quantity, 0);
				const discount = 0.85 + rand() * 0.15;
				const closed = stage === 'won' || stage === 'lost';
				opportunities.push({
					key: `opp-${n}`,
					account: account.key,
					partner,
					owner: account.owner,
					name: `${account.name} – ${main[0]}`,
					stage,
					path: pathTo(stage, rand),
					amountEuros: Math.round((amount * discount) / 100) * 100,
					// Closed deals last quarter, open ones this quarter and next.
					closeInDays: closed ? -3 - Math.floor(rand() * 85) : 5 + Math.floor(rand() * 115),
					nextStep: closed ? null : NEXT_STEPS[n % NEXT_STEPS.length],
					lostReason: stage === 'lost' ? LOST_REASONS[n % LOST_REASONS.length] : null,
					products: chosen.map(([p]) => p).join(', '),
					daysAgo: closed ? 100 + (n % 40) : 10 + (n % 60)
				});
				n++;
			}
		}
	}
	// The direct team's open deal that a partner's registration will collide with.
	const majestic = opportunities.find((o) => o.account === 'majestic' && o.partner === null);
	if (majestic) {
		Object.assign(majestic, {
			stage: 'proposal',
			path: pathTo('proposal', rand),
			closeInDays: 40,
			nextStep: 'Présenter l’offre au directeur technique',
			lostReason: null,
			name: 'Hôtel Majestic Bordeaux – Rénovation de la cuisine',
			products: 'Four mixte 20 niveaux, Tunnel de lavage, Chambre froide positive',
			amountEuros: 78000,
			daysAgo: 25
		} satisfies Partial<DemoOpportunity>);
	}
	return { accounts, contacts, opportunities };
}

export const {
	accounts: DEMO_ACCOUNTS,
	contacts: DEMO_CONTACTS,
	opportunities: DEMO_OPPORTUNITIES
} = buildCrm();

/** The first open (or won) deal of a partner: the one its approved registration protects. */
function protectedDeal(partner: string, stage: 'open' | 'won'): DemoOpportunity {
	const deal = DEMO_OPPORTUNITIES.find(
		(o) =>
			o.partner === partner &&
			(stage === 'won' ? o.stage === 'won' : !['won', 'lost'].includes(o.stage))
	);
	if (!deal) throw new Error(`Demo seed: no ${stage} deal for ${partner}`);
	return deal;
}

function accountOf(key: string): DemoAccount {
	const account = DEMO_ACCOUNTS.find((a) => a.key === key);
	if (!account) throw new Error(`Demo seed: unknown account ${key}`);
	return account;
}

type RegistrationInput = Pick<DemoRegistration, 'partner' | 'submittedBy' | 'status' | 'daysAgo'> &
	Partial<DemoRegistration>;

function registration(key: string, input: RegistrationInput): DemoRegistration {
	const deal = input.opportunity
		? DEMO_OPPORTUNITIES.find((o) => o.key === input.opportunity)
		: undefined;
	const account = input.account ? accountOf(input.account) : deal ? accountOf(deal.account) : null;
	const region = PARTNER_SETUP[input.partner].region;
	const reviewed = input.status !== 'pending';
	return {
		key,
		account: account?.key ?? null,
		accountName: account?.name ?? '',
		accountDomain: account?.domain ?? null,
		accountSiren: account?.siren ?? null,
		amountEuros: deal?.amountEuros ?? 20000,
		products: deal?.products ?? 'Chambre froide positive',
		closeInDays: deal?.closeInDays ?? 60,
		notes: '',
		reviewer: reviewed ? REGION_MANAGERS[region] : null,
		reviewedDaysAgo: reviewed ? input.daysAgo - 2 : null,
		rejectionReason: null,
		opportunity: null,
		conflictsWith: null,
		...input
	};
}

export const DEMO_REGISTRATIONS: DemoRegistration[] = [
	// Alpha: every status.
	registration('alpha-approved', {
		partner: 'alpha',
		submittedBy: 'partner.admin@alpha.test',
		status: 'approved',
		daysAgo: 21,
		opportunity: protectedDeal('alpha', 'open').key,
		notes: 'Remplacement complet de la laverie, chantier pendant la fermeture estivale.'
	}),
	registration('alpha-pending', {
		partner: 'alpha',
		submittedBy: 'marie.petit@alpha.test',
		status: 'pending',
		daysAgo: 2,
		accountName: 'Bistrot des Batignolles',
		accountDomain: 'bistrot-batignolles.fr',
		accountSiren: '532184077',
		amountEuros: 32500,
		products: 'Four mixte 10 niveaux, Cellule de refroidissement rapide',
		closeInDays: 75,
		notes:
			'Ouverture d’un second établissement au printemps ; le gérant veut un devis avant fin de mois.'
	}),
	registration('alpha-rejected', {
		partner: 'alpha',
		submittedBy: 'karim.benali@alpha.test',
		status: 'rejected',
		daysAgo: 30,
		account: 'lutece',
		amountEuros: 64000,
		products: 'Groupe froid centralisé',
		closeInDays: 45,
		notes: 'Le directeur des achats nous a consultés pour trois hôtels.',
		rejectionReason:
			'Compte suivi en direct par Nordis depuis deux ans : l’appel d’offres est déjà en cours.'
	}),
	registration('alpha-expired', {
		partner: 'alpha',
		submittedBy: 'partner.admin@alpha.test',
		status: 'expired',
		daysAgo: 130,
		opportunity: protectedDeal('alpha', 'won').key,
		notes: 'Cuisine centrale, lot froid.'
	}),
	// Beta.
	registration('beta-approved', {
		partner: 'beta',
		submittedBy: 'franck.meyer@beta.test',
		status: 'approved',
		daysAgo: 34,
		opportunity: protectedDeal('beta', 'open').key,
		notes: 'Projet suivi avec le bureau d’études du client.'
	}),
	registration('beta-pending', {
		partner: 'beta',
		submittedBy: 'partner@beta.test',
		status: 'pending',
		daysAgo: 1,
		accountName: 'Auberge du Vieux Pérouges',
		accountDomain: 'auberge-perouges.fr',
		amountEuros: 18700,
		products: 'Piano de cuisson, Armoire réfrigérée 700 L',
		closeInDays: 50,
		notes: 'Rénovation de la cuisine avant la saison touristique.'
	}),
	registration('beta-rejected', {
		partner: 'beta',
		submittedBy: 'partner@beta.test',
		status: 'rejected',
		daysAgo: 19,
		account: 'delorme',
		amountEuros: 41000,
		products: 'Vitrine réfrigérée de présentation',
		closeInDays: 30,
		rejectionReason: 'Déjà enregistrée par un autre partenaire pour les boutiques de Paris.'
	}),
	// Groupe Vasseur Distribution.
	registration('vasseur-approved', {
		partner: 'vasseur',
		submittedBy: 'a.dumont@vasseur-distribution.test',
		status: 'approved',
		daysAgo: 40,
		opportunity: protectedDeal('vasseur', 'open').key
	}),
	registration('vasseur-pending', {
		partner: 'vasseur',
		submittedBy: 'p.lefebvre@vasseur-distribution.test',
		status: 'pending',
		daysAgo: 4,
		accountName: 'Estaminet Au Beffroi',
		accountDomain: 'estaminet-beffroi.fr',
		accountSiren: '448312960',
		amountEuros: 12400,
		products: 'Lave-vaisselle à capot, Armoire réfrigérée 700 L',
		closeInDays: 35,
		notes: 'Reprise de l’établissement par un nouveau gérant.'
	}),
	registration('vasseur-rejected', {
		partner: 'vasseur',
		submittedBy: 'h.vasseur@vasseur-distribution.test',
		status: 'rejected',
		daysAgo: 26,
		accountName: 'Brioche & Compagnie',
		accountDomain: 'brioche-compagnie.fr',
		account: 'brioche',
		amountEuros: 90000,
		products: 'Chambre froide négative',
		rejectionReason: 'Compte national négocié par la direction commerciale.'
	}),
	// Cuisines Pro Atlantique: its pending registration collides with the direct team's deal.
	registration('atlantique-approved', {
		partner: 'atlantique',
		submittedBy: 'gerant@cuisinespro-atlantique.test',
		status: 'approved',
		daysAgo: 15,
		opportunity: protectedDeal('atlantique', 'open').key
	}),
	registration('atlantique-conflict', {
		partner: 'atlantique',
		submittedBy: 'atelier@cuisinespro-atlantique.test',
		status: 'pending',
		daysAgo: 3,
		accountName: 'Hôtel Majestic Bordeaux SAS',
		accountDomain: 'majestic-bordeaux.fr',
		amountEuros: 72000,
		products: 'Four mixte 20 niveaux, Tunnel de lavage',
		closeInDays: 55,
		notes: 'Le chef nous a demandé une étude pour la rénovation complète de la cuisine.',
		conflictsWith: 'majestic'
	}),
	registration('atlantique-rejected', {
		partner: 'atlantique',
		submittedBy: 'gerant@cuisinespro-atlantique.test',
		status: 'rejected',
		daysAgo: 45,
		accountName: 'Restaurant La Conche',
		accountDomain: null,
		amountEuros: 5200,
		products: 'Contrat de maintenance annuel',
		rejectionReason: 'Contrat de maintenance seul : pas éligible à l’enregistrement.'
	}),
	// Rhin Froid Services (suspended): an old registration whose protection has run out.
	registration('rhin-expired', {
		partner: 'rhin',
		submittedBy: 'contact@rhinfroid.test',
		status: 'expired',
		daysAgo: 125,
		opportunity: protectedDeal('rhin', 'won').key
	}),
	// Équip'Hôtel Méditerranée.
	registration('mediterranee-approved', {
		partner: 'mediterranee',
		submittedBy: 'direction@equiphotel-med.test',
		status: 'approved',
		daysAgo: 10,
		opportunity: protectedDeal('mediterranee', 'open').key
	}),
	registration('mediterranee-pending', {
		partner: 'mediterranee',
		submittedBy: 'commercial@equiphotel-med.test',
		status: 'pending',
		daysAgo: 2,
		accountName: 'Hôtel Le Cap d’Agde Marina',
		accountDomain: 'capdagde-marina.fr',
		amountEuros: 27800,
		products: 'Chambre froide positive, Lave-vaisselle à capot',
		closeInDays: 90
	}),
	registration('mediterranee-rejected', {
		partner: 'mediterranee',
		submittedBy: 'direction@equiphotel-med.test',
		status: 'rejected',
		daysAgo: 9,
		account: 'exupery',
		amountEuros: 150000,
		products: 'Tunnel de lavage, Four mixte 20 niveaux',
		rejectionReason: 'Marché public en cours : Nordis répond directement.'
	})
];

// A registration is submitted by one of its partner's people and names an account.
for (const r of DEMO_REGISTRATIONS) {
	const person = DEMO_USERS.find((u) => u.email === r.submittedBy);
	if (person?.organisation !== r.partner || !r.accountName) {
		throw new Error(`Demo seed: registration ${r.key} is inconsistent`);
	}
}
