import type { Locale, PlanActionStatus, PlanShareMode, PlanStatus } from '../../shared/enums.ts';
import type { Attitude, Influence, RichBlock, WhitespaceCell } from '../../shared/plan-doc.ts';
import { DEMO_ORGANISATIONS, DEMO_REGIONS, DEMO_USERS } from './demo.ts';
import {
	DEMO_ACCOUNTS,
	DEMO_CONTACTS,
	DEMO_OPPORTUNITIES,
	PARTNER_SETUP,
	REGION_MANAGERS,
	REGION_REPS,
	type DemoAccount
} from './demo-crm.ts';

// The demo plans: a living plan for every partner company and for seven key accounts, written
// the way Nordis's reps and their partners would (mostly French; Emma Clarke writes her accounts'
// plans in English). Everything is derived from the demo CRM (contacts become stakeholders, deals
// fill the whitespace grid and name the actions) with hand-written text, so every seed gives the
// same plans. People are e-mails; `…DaysAgo` and `dueInDays` count from the moment the seed runs.
// insert-plans.ts turns these into rows and Yjs documents.

export type DemoPlanAction = {
	title: string;
	owner: string;
	/** Days from today (negative: in the past); null = no due date. */
	dueInDays: number | null;
	status: PlanActionStatus;
};
export type DemoStakeholder = {
	person: string;
	role: string;
	influence: Influence;
	attitude: Attitude;
	owner: string;
};
export type DemoGoal = {
	title: string;
	metric: string;
	target: string;
	current: string;
	dueInDays: number;
};
export type DemoComment = {
	author: string;
	body: string;
	/** Mentions are tokens `@[user:<e-mail>]`: the insert puts the person's id in place. */
	daysAgo: number;
};
export type DemoThread = {
	document: 'shared' | 'internal';
	/** Quoted from the first paragraph of the summary (shared) or of the notes (internal). */
	quoteLength: number;
	comments: DemoComment[];
	resolved: { by: string; daysAgo: number } | null;
};
export type DemoPlan = {
	key: string;
	kind: 'account' | 'partner';
	/** Account key or partner organisation key. */
	subject: string;
	subjectName: string;
	title: string;
	locale: Locale;
	owner: string;
	share: { partner: string; mode: PlanShareMode } | null;
	status: PlanStatus;
	createdDaysAgo: number;
	publishedDaysAgo: number | null;
	reviewed: { by: string; daysAgo: number } | null;
	summary: RichBlock[];
	goals: DemoGoal[];
	stakeholders: DemoStakeholder[];
	actions: DemoPlanAction[];
	swot: Record<'strengths' | 'weaknesses' | 'opportunities' | 'threats', string[]>;
	whitespace: { products: string[]; units: string[]; cells: [number, number, WhitespaceCell][] };
	sections: { title: string; blocks: RichBlock[] }[];
	notes: RichBlock[];
	threads: DemoThread[];
};

const PRODUCT_GROUPS: Record<Locale, string[]> = {
	fr: ['Fours mixtes', 'Froid', 'Laverie', 'Cuisson', 'Maintenance'],
	en: ['Combi ovens', 'Refrigeration', 'Warewashing', 'Cooking', 'Maintenance']
};

/** Which product group a catalogue product belongs to (index in PRODUCT_GROUPS). */
function productGroup(product: string): number {
	if (product.startsWith('Four')) return 0;
	if (/froid|réfrigérée|Cellule/i.test(product)) return 1;
	if (/lavage|Lave-vaisselle/.test(product)) return 2;
	if (/Piano|Sauteuse/.test(product)) return 3;
	return 4;
}

const SEGMENTS: Record<Locale, string[]> = {
	fr: [
		'Hôtellerie',
		'Restauration commerciale',
		'Santé et médico-social',
		'Collectivités',
		'Boulangerie'
	],
	en: ['Hotels', 'Restaurants', 'Healthcare', 'Public catering', 'Bakeries']
};

function segmentOf(industry: string): number {
	if (industry.startsWith('Hôtellerie')) return 0;
	if (/Santé|Médico/.test(industry)) return 2;
	if (/collective|Enseignement/.test(industry)) return 3;
	if (industry.startsWith('Boulangerie')) return 4;
	return 1;
}

/** The buying units of an account, by what kind of kitchen it runs. */
function unitsOf(account: DemoAccount, locale: Locale): string[] {
	const fr = locale === 'fr';
	switch (segmentOf(account.industry)) {
		case 0:
			return fr
				? ['Restaurant', 'Banquets et séminaires', 'Petit-déjeuner', 'Bar et room service']
				: ['Restaurant', 'Banqueting', 'Breakfast', 'Bar and room service'];
		case 2:
			return fr
				? ['Cuisine centrale', 'Self du personnel', 'Offices de soins', 'Services techniques']
				: ['Central kitchen', 'Staff canteen', 'Ward pantries', 'Facilities'];
		case 3:
			return fr
				? ['Cuisine centrale', 'Satellites', 'Logistique', 'Services techniques']
				: ['Central kitchen', 'Satellite kitchens', 'Logistics', 'Facilities'];
		case 4:
			return fr
				? ['Fournil central', 'Laboratoire pâtisserie', 'Boutiques', 'Snacking']
				: ['Central bakehouse', 'Pastry lab', 'Shops', 'Food to go'];
		default:
			return fr
				? ['Cuisine', 'Plonge', 'Salle et bar', 'Réserves']
				: ['Kitchen', 'Dishwashing', 'Front of house', 'Stores'];
	}
}

/** Whitespace cells from the deals: won = owned, open = in progress, lost = still an opportunity. */
function cellsFrom(
	deals: { products: string; stage: string; unit: number }[],
	products: number,
	units: number,
	salt: number
): [number, number, WhitespaceCell][] {
	const cells = new Map<string, [number, number, WhitespaceCell]>();
	const rank: Record<WhitespaceCell, number> = {
		none: 0,
		opportunity: 1,
		in_progress: 2,
		owned: 3
	};
	for (const deal of deals) {
		const cell: WhitespaceCell =
			deal.stage === 'won' ? 'owned' : deal.stage === 'lost' ? 'opportunity' : 'in_progress';
		for (const product of deal.products.split(', ')) {
			const p = productGroup(product);
			const key = `${p}:${deal.unit}`;
			const before = cells.get(key);
			if (!before || rank[before[2]] < rank[cell]) cells.set(key, [p, deal.unit, cell]);
		}
	}
	// Blank space the team has spotted: a deterministic sprinkle of opportunities.
	for (let p = 0; p < products; p++) {
		for (let u = 0; u < units; u++) {
			if (!cells.has(`${p}:${u}`) && (p * 3 + u * 2 + salt) % 4 === 0) {
				cells.set(`${p}:${u}`, [p, u, 'opportunity']);
			}
		}
	}
	return [...cells.values()];
}

const user = (email: string) => {
	const found = DEMO_USERS.find((u) => u.email === email);
	if (!found) throw new Error(`Demo plans: unknown user ${email}`);
	return found;
};
const peopleOf = (org: string) => DEMO_USERS.filter((u) => u.organisation === org);
const adminOf = (org: string) => peopleOf(org).find((u) => u.role === 'partner_admin')!.email;
/** A partner's member (or its admin when it has none), the n-th one. */
const memberOf = (org: string, n = 0) => {
	const members = peopleOf(org).filter((u) => u.role === 'partner_member');
	return members.length ? members[n % members.length].email : adminOf(org);
};
const orgName = (key: string) => DEMO_ORGANISATIONS.find((o) => o.key === key)!.name;
const regionName = (code: string) => DEMO_REGIONS.find((r) => r.code === code)!.name;
const firstName = (email: string) => user(email).name.split(' ')[0];

const INFLUENCE_CYCLE: Influence[] = ['high', 'high', 'medium', 'low'];
const ATTITUDE_CYCLE: Attitude[] = ['champion', 'supporter', 'neutral', 'sceptic', 'supporter'];

// ---------------------------------------------------------------------------------------------
// Partner plans (French: the partners are French companies).

type PartnerFlavour = {
	owner?: string;
	status: PlanStatus;
	createdDaysAgo: number;
	publishedDaysAgo: number | null;
	reviewed: { by: 'owner' | 'partner'; daysAgo: number } | null;
	scale: number;
	line: string;
	strength: string;
	threat: string;
	training: string;
	prospects: string;
};

const PARTNER_FLAVOURS: Record<string, PartnerFlavour> = {
	alpha: {
		status: 'published',
		createdDaysAgo: 44,
		publishedDaysAgo: 38,
		reviewed: { by: 'partner', daysAgo: 6 },
		scale: 1.6,
		line: 'Alpha porte à lui seul un tiers de notre pipeline francilien : cliniques, hôtels du Rive Gauche et traiteurs. L’enjeu de l’année est de passer de la vente d’équipements au contrat de service multi-sites.',
		strength: 'Bureau d’études intégré : plans d’implantation livrés en 48 h',
		threat: 'Deux techniciens froid sur le départ en fin d’année',
		training: 'au four mixte 20 niveaux',
		prospects: 'des cliniques et hôtels parisiens'
	},
	beta: {
		status: 'published',
		createdDaysAgo: 47,
		publishedDaysAgo: 40,
		reviewed: { by: 'owner', daysAgo: 35 },
		scale: 1.2,
		line: 'Beta connaît chaque chef de la vallée du Rhône et des stations des Alpes. Priorité : transformer les saisons d’hiver en projets de rénovation signés avant l’été.',
		strength: 'Présence forte en montagne et dans les hôpitaux du Rhône',
		threat: 'Saisonnalité marquée : projets concentrés d’avril à juin',
		training: 'aux cellules de refroidissement rapide',
		prospects: 'des hôtels de station'
	},
	vasseur: {
		status: 'published',
		createdDaysAgo: 40,
		publishedDaysAgo: 33,
		reviewed: { by: 'owner', daysAgo: 10 },
		scale: 1.3,
		line: 'Groupe Vasseur distribue dans tout le Nord et vise l’export vers la Belgique. Nous construisons ensemble l’offre « cuisine hospitalière » pour les groupements d’achat régionaux.',
		strength: 'Logistique et stock régional : livraison en 72 h',
		threat: 'Centrales d’achat hospitalières qui renégocient les prix chaque année',
		training: 'au tunnel de lavage',
		prospects: 'des hôpitaux et EHPAD du Nord'
	},
	atlantique: {
		status: 'draft',
		createdDaysAgo: 20,
		publishedDaysAgo: null,
		reviewed: null,
		scale: 0.8,
		line: 'Cuisines Pro Atlantique a un atelier SAV reconnu sur la côte. Le plan vise à en faire notre relais maintenance en Gironde et dans les Landes.',
		strength: 'Atelier SAV réactif, reconnu par les chefs de la côte',
		threat: 'Conflit possible avec l’équipe directe sur les grands hôtels de Bordeaux',
		training: 'à la maintenance des groupes froids',
		prospects: 'des hôtels de la côte basque'
	},
	rhin: {
		status: 'published',
		createdDaysAgo: 31,
		publishedDaysAgo: 28,
		reviewed: { by: 'owner', daysAgo: 52 },
		scale: 0.7,
		line: 'Compte suspendu depuis une semaine (retards de paiement). Le plan reste ouvert pour préparer la reprise : assainir l’encours puis relancer la maintenance des winstubs.',
		strength: 'Expertise froid reconnue en Alsace',
		threat: 'Encours client et suspension en cours',
		training: 'au diagnostic des groupes froids R404A',
		prospects: 'des winstubs et brasseries alsaciennes'
	},
	mediterranee: {
		status: 'draft',
		createdDaysAgo: 8,
		publishedDaysAgo: null,
		reviewed: null,
		scale: 0.6,
		line: 'Nouveau partenaire, accord pas encore signé : premier plan pour cadrer les campings et l’hôtellerie de plein air du littoral.',
		strength: 'Réseau dans l’hôtellerie de plein air',
		threat: 'Accord partenaire toujours en attente de signature',
		training: 'à la mise en service des chambres froides',
		prospects: 'des campings du littoral'
	}
};

const euros = (value: number) =>
	`${Math.round(value / 1000) * 1000} €`.replace(/\B(?=(\d{3})+ )/g, ' ');

function partnerPlan(key: string): DemoPlan {
	const f = PARTNER_FLAVOURS[key];
	const region = PARTNER_SETUP[key].region;
	const owner = f.owner ?? REGION_REPS[region];
	const manager = REGION_MANAGERS[region];
	const admin = adminOf(key);
	const member = memberOf(key);
	const other = memberOf(key, 1);
	const name = orgName(key);
	const tier = DEMO_ORGANISATIONS.find((o) => o.key === key)!.tier ?? '';
	const accounts = DEMO_ACCOUNTS.filter((a) => a.partners.includes(key));
	const deals = DEMO_OPPORTUNITIES.filter((o) => o.partner === key);
	const won = deals.filter((d) => d.stage === 'won').reduce((s, d) => s + d.amountEuros, 0);
	const target = 300000 * f.scale;
	const units = SEGMENTS.fr;
	return {
		key: `partner-${key}`,
		kind: 'partner',
		subject: key,
		subjectName: name,
		title: `Plan partenaire — ${name}`,
		locale: 'fr',
		owner,
		share: { partner: key, mode: 'editor' },
		status: f.status,
		createdDaysAgo: f.createdDaysAgo,
		publishedDaysAgo: f.publishedDaysAgo,
		reviewed: f.reviewed
			? { by: f.reviewed.by === 'owner' ? owner : admin, daysAgo: f.reviewed.daysAgo }
			: null,
		summary: [
			{ type: 'heading', level: 2, text: `Plan partenaire — ${name}` },
			{ type: 'paragraph', text: f.line },
			{
				type: 'paragraph',
				text: `Partenaire ${tier} en ${regionName(region)}, ${accounts.length} comptes servis, ${deals.length} affaires suivies dans Relais. Responsable Nordis : ${user(owner).name} ; côté ${name} : ${user(admin).name}.`
			},
			{
				type: 'bulletList',
				items: [
					'Doubler les affaires enregistrées en hôtellerie et en santé',
					'Certifier l’équipe technique sur les fours mixtes 20 niveaux',
					'Proposer un contrat de maintenance sur chaque installation neuve'
				]
			}
		],
		goals: [
			{
				title: 'Chiffre d’affaires signé avec le partenaire',
				metric: '€ HT signés sur l’année',
				target: euros(target),
				current: euros(Math.min(won, target * 0.9)),
				dueInDays: 120
			},
			{
				title: 'Affaires enregistrées et approuvées',
				metric: 'enregistrements approuvés',
				target: String(Math.round(10 * f.scale)),
				current: String(Math.max(1, Math.round(4 * f.scale))),
				dueInDays: 90
			},
			{
				title: 'Techniciens certifiés fours mixtes',
				metric: 'techniciens certifiés',
				target: String(Math.max(2, Math.round(3 * f.scale))),
				current: '1',
				dueInDays: 60
			}
		],
		stakeholders: peopleOf(key).map((p, i) => ({
			person: p.name,
			role: p.title,
			influence: p.role === 'partner_admin' ? 'high' : INFLUENCE_CYCLE[(i + 1) % 4],
			attitude: p.role === 'partner_admin' ? 'champion' : ATTITUDE_CYCLE[(i + 1) % 5],
			owner: p.role === 'partner_admin' ? manager : owner
		})),
		actions: [
			{
				title: 'Organiser une démonstration four mixte au showroom de Rungis',
				owner,
				dueInDays: -20,
				status: 'done'
			},
			{
				title: `Former deux techniciens ${f.training}`,
				owner: member,
				dueInDays: -9,
				status: 'in_progress'
			},
			{
				title: 'Mettre à jour les contacts clés de chaque compte dans Relais',
				owner: other,
				dueInDays: -3,
				status: 'todo'
			},
			{
				title: `Partager la liste ${f.prospects} à prospecter`,
				owner: admin,
				dueInDays: 6,
				status: 'todo'
			},
			{
				title: 'Revue trimestrielle du pipeline avec la direction régionale',
				owner: manager,
				dueInDays: 18,
				status: 'todo'
			},
			{
				title: 'Préparer l’offre de maintenance groupée',
				owner,
				dueInDays: 30,
				status: 'in_progress'
			}
		],
		swot: {
			strengths: [f.strength, 'Relation de confiance avec les chefs de cuisine'],
			weaknesses: [
				'Devis trop lents : huit jours en moyenne',
				'Peu de références en restauration collective'
			],
			opportunities: [
				'Renouvellement des cuisines centrales (marchés publics de l’an prochain)',
				'Fin de vie des groupes froids au R404A chez les clients équipés avant 2015'
			],
			threats: [f.threat, 'Concurrent italien agressif sur le prix des fours']
		},
		whitespace: {
			products: PRODUCT_GROUPS.fr,
			units,
			cells: cellsFrom(
				deals.map((d) => ({
					products: d.products,
					stage: d.stage,
					unit: segmentOf(accounts.find((a) => a.key === d.account)!.industry)
				})),
				PRODUCT_GROUPS.fr.length,
				units.length,
				key.length
			)
		},
		sections: [
			{
				title: 'Contexte',
				blocks: [
					{
						type: 'paragraph',
						text: `${name} travaille avec Nordis depuis ${Math.max(1, Math.round(DEMO_ORGANISATIONS.find((o) => o.key === key)!.daysAgo / 30))} mois. Les comptes servis : ${accounts.map((a) => a.name).join(', ')}.`
					}
				]
			},
			{
				title: 'Prochaines étapes',
				blocks: [
					{
						type: 'taskList',
						items: [
							{ text: 'Valider le calendrier des formations', checked: true },
							{ text: 'Fixer la date de la revue trimestrielle', checked: false },
							{ text: 'Envoyer les supports de la démonstration', checked: false }
						]
					}
				]
			}
		],
		notes: [
			{ type: 'heading', level: 2, text: 'Notes internes' },
			{
				type: 'paragraph',
				text: `Remise partenaire ${tier} : 28 % sur le catalogue, 32 % sur le froid jusqu’à la fin du trimestre. Ne pas descendre sous 24 % de marge brute sur les fours.`
			},
			{
				type: 'bulletList',
				items: [
					`${user(admin).name} pousse pour l’exclusivité régionale : on ne la donne pas cette année.`,
					'Si les objectifs de certification sont tenus, proposer le passage au niveau supérieur en janvier.',
					'Surveiller les affaires en conflit avec l’équipe directe avant chaque approbation.'
				]
			}
		],
		threads:
			f.status === 'published'
				? [
						{
							document: 'shared',
							quoteLength: 60,
							comments: [
								{
									author: admin,
									body: `Pouvez-vous préciser les comptes visés pour le contrat multi-sites ? @[user:${owner}]`,
									daysAgo: 12
								},
								{
									author: owner,
									body: 'Les trois plus gros sites d’abord ; je mets la liste dans la section Contexte.',
									daysAgo: 11
								}
							],
							resolved: { by: owner, daysAgo: 10 }
						},
						{
							document: 'internal',
							quoteLength: 40,
							comments: [
								{
									author: manager,
									body: `D’accord pour 32 % sur le froid, pas plus. @[user:${owner}] tiens-moi au courant avant toute exception.`,
									daysAgo: 5
								}
							],
							resolved: null
						}
					]
				: []
	};
}

// ---------------------------------------------------------------------------------------------
// Account plans.

type AccountFlavour = {
	locale: Locale;
	share: { partner: string; mode: PlanShareMode } | null;
	status: PlanStatus;
	createdDaysAgo: number;
	publishedDaysAgo: number | null;
	reviewed: { by: 'owner' | 'manager' | 'partner'; daysAgo: number } | null;
	line: string;
};

const ACCOUNT_FLAVOURS: Record<string, AccountFlavour> = {
	genevieve: {
		locale: 'fr',
		share: { partner: 'alpha', mode: 'editor' },
		status: 'published',
		createdDaysAgo: 36,
		publishedDaysAgo: 30,
		reviewed: { by: 'owner', daysAgo: 4 },
		line: 'La clinique rénove sa cuisine centrale en deux tranches pendant l’été. Alpha installe, Nordis fournit le froid et les fours ; le contrat de maintenance se décide en comité de direction.'
	},
	delorme: {
		locale: 'fr',
		share: { partner: 'alpha', mode: 'viewer' },
		status: 'published',
		createdDaysAgo: 58,
		publishedDaysAgo: 50,
		reviewed: { by: 'manager', daysAgo: 41 },
		line: 'Compte national suivi par la direction : Alpha équipe les boutiques de Paris et suit le plan en lecture. Le fournil central passe au froid négatif l’an prochain.'
	},
	annecy: {
		locale: 'en',
		share: { partner: 'beta', mode: 'editor' },
		status: 'published',
		createdDaysAgo: 30,
		publishedDaysAgo: 25,
		reviewed: { by: 'partner', daysAgo: 12 },
		line: 'The hotel reopens its lakeside restaurant next spring. Beta leads the installation; we own the refrigeration and combi-oven scope and want the maintenance contract for both buildings.'
	},
	villefranche: {
		locale: 'en',
		share: null,
		status: 'draft',
		createdDaysAgo: 38,
		publishedDaysAgo: null,
		reviewed: null,
		line: 'Public tender expected in the spring for the central kitchen. Draft for the internal team only until we know whether Beta answers with us.'
	},
	roubaix: {
		locale: 'fr',
		share: { partner: 'vasseur', mode: 'viewer' },
		status: 'published',
		createdDaysAgo: 34,
		publishedDaysAgo: 27,
		reviewed: { by: 'owner', daysAgo: 20 },
		line: 'Le groupe hospitalier regroupe ses deux cuisines sur le site de Tourcoing. Vasseur suit le plan en lecture et prépare la logistique du chantier.'
	},
	lutece: {
		locale: 'fr',
		share: null,
		status: 'published',
		createdDaysAgo: 55,
		publishedDaysAgo: 48,
		reviewed: { by: 'owner', daysAgo: 3 },
		line: 'Compte direct stratégique : douze hôtels en Île-de-France, un appel d’offres froid en cours. Plan interne, aucun partenaire ne le voit.'
	},
	biarritz: {
		locale: 'fr',
		share: { partner: 'atlantique', mode: 'editor' },
		status: 'draft',
		createdDaysAgo: 9,
		publishedDaysAgo: null,
		reviewed: null,
		line: 'Premier plan commun avec Cuisines Pro Atlantique : rénovation de la cuisine du restaurant panoramique avant la saison.'
	}
};

const ACCOUNT_TEXT = {
	fr: {
		title: (name: string) => `Plan de compte — ${name}`,
		facts: (a: DemoAccount, open: number, owner: string) =>
			`${a.industry}, ${a.size} salariés, ${open} affaires ouvertes. Responsable du compte : ${owner}.`,
		priorities: [
			'Sécuriser la tranche froid avant l’été',
			'Faire référencer le four mixte 20 niveaux',
			'Signer la maintenance sur l’ensemble du parc'
		],
		goals: (deal: string) => [
			{
				title: `Signer « ${deal} »`,
				metric: 'affaire gagnée',
				target: 'signée',
				current: 'en négociation',
				dueInDays: 45
			},
			{
				title: 'Part de Nordis dans les achats d’équipement',
				metric: '% des achats de l’année',
				target: '60 %',
				current: '35 %',
				dueInDays: 200
			},
			{
				title: 'Parc sous contrat de maintenance',
				metric: 'équipements couverts',
				target: '40',
				current: '12',
				dueInDays: 150
			}
		],
		actions: (contact: string, product: string, unit: string, installer: string, units: number) => [
			{ title: `Relancer ${contact} sur ${product.toLowerCase()}`, dueInDays: -5, status: 'todo' },
			{
				title: `Visite technique (${unit.toLowerCase()}) avec ${installer}`,
				dueInDays: 6,
				status: 'todo'
			},
			{
				title: 'Envoyer la proposition révisée (remise volume)',
				dueInDays: 12,
				status: 'in_progress'
			},
			{
				title: 'Point d’avancement avec la direction de la restauration',
				dueInDays: -15,
				status: 'done'
			},
			{ title: `Chiffrer la maintenance de ${units} équipements`, dueInDays: 25, status: 'todo' },
			{
				title: 'Préparer la démonstration du four mixte 20 niveaux',
				dueInDays: -2,
				status: 'in_progress'
			}
		],
		swot: {
			strengths: [
				'Équipements Nordis déjà en place depuis 2016',
				'Chef de cuisine convaincu par nos fours'
			],
			weaknesses: ['Pas de contact à la direction financière', 'Historique de SAV lent en 2023'],
			opportunities: ['Renouvellement du parc froid', 'Nouveau site prévu dans deux ans'],
			threats: [
				'Appel d’offres ouvert aux concurrents',
				'Budget d’investissement gelé au second semestre'
			]
		},
		sections: [
			{
				title: 'Contexte',
				blocks: (line: string): RichBlock[] => [{ type: 'paragraph', text: line }]
			},
			{
				title: 'Prochaines étapes',
				blocks: (): RichBlock[] => [
					{
						type: 'taskList',
						items: [
							{ text: 'Valider le plan d’implantation', checked: true },
							{ text: 'Confirmer le calendrier du chantier', checked: false },
							{ text: 'Présenter l’offre de maintenance', checked: false }
						]
					}
				]
			}
		],
		notes: (name: string): RichBlock[] => [
			{ type: 'heading', level: 2, text: 'Notes internes' },
			{
				type: 'paragraph',
				text: `Marge visée sur ${name} : 31 % sur le froid, 26 % sur les fours. Plancher de négociation : 22 %.`
			},
			{
				type: 'bulletList',
				items: [
					'Le concurrent a proposé 15 % de remise : ne pas s’aligner, vendre le coût total sur dix ans.',
					'Garder la maintenance en direct si le partenaire ne tient pas les délais d’intervention.'
				]
			}
		]
	},
	en: {
		title: (name: string) => `Account plan — ${name}`,
		facts: (a: DemoAccount, open: number, owner: string) =>
			`${a.industry}, ${a.size} staff, ${open} open deals. Account owner: ${owner}.`,
		priorities: [
			'Secure the refrigeration package before summer',
			'Get the 20-level combi oven on the approved list',
			'Sign maintenance for the whole estate'
		],
		goals: (deal: string) => [
			{
				title: `Win “${deal}”`,
				metric: 'deal won',
				target: 'signed',
				current: 'negotiating',
				dueInDays: 45
			},
			{
				title: 'Nordis share of equipment spend',
				metric: '% of this year’s purchases',
				target: '60%',
				current: '30%',
				dueInDays: 200
			},
			{
				title: 'Equipment under maintenance contract',
				metric: 'units covered',
				target: '35',
				current: '8',
				dueInDays: 150
			}
		],
		actions: (contact: string, product: string, unit: string, installer: string, units: number) => [
			{
				title: `Follow up with ${contact} on the ${product.toLowerCase()}`,
				dueInDays: -5,
				status: 'todo'
			},
			{
				title: `Site survey (${unit.toLowerCase()}) with ${installer}`,
				dueInDays: 6,
				status: 'todo'
			},
			{
				title: 'Send the revised proposal (volume discount)',
				dueInDays: 12,
				status: 'in_progress'
			},
			{ title: 'Progress meeting with the catering director', dueInDays: -15, status: 'done' },
			{ title: `Price maintenance for ${units} units`, dueInDays: 25, status: 'todo' },
			{ title: 'Prepare the 20-level combi oven demo', dueInDays: -2, status: 'in_progress' }
		],
		swot: {
			strengths: ['Nordis equipment in place since 2016', 'Head chef sold on our ovens'],
			weaknesses: ['No contact in the finance team', 'Slow service history in 2023'],
			opportunities: ['Refrigeration estate due for renewal', 'New site planned in two years'],
			threats: ['Tender open to competitors', 'Capital budget frozen in the second half']
		},
		sections: [
			{
				title: 'Context',
				blocks: (line: string): RichBlock[] => [{ type: 'paragraph', text: line }]
			},
			{
				title: 'Next steps',
				blocks: (): RichBlock[] => [
					{
						type: 'taskList',
						items: [
							{ text: 'Approve the kitchen layout', checked: true },
							{ text: 'Confirm the works schedule', checked: false },
							{ text: 'Present the maintenance offer', checked: false }
						]
					}
				]
			}
		],
		notes: (name: string): RichBlock[] => [
			{ type: 'heading', level: 2, text: 'Internal notes' },
			{
				type: 'paragraph',
				text: `Target margin on ${name}: 31% on refrigeration, 26% on ovens. Floor: 22%.`
			},
			{
				type: 'bulletList',
				items: [
					'The competitor offered 15% off: do not match it, sell the ten-year cost of ownership.',
					'Keep maintenance direct if the partner cannot meet the response times.'
				]
			}
		]
	}
} as const;

function accountPlan(key: string): DemoPlan {
	const f = ACCOUNT_FLAVOURS[key];
	const account = DEMO_ACCOUNTS.find((a) => a.key === key);
	if (!account) throw new Error(`Demo plans: unknown account ${key}`);
	const text = ACCOUNT_TEXT[f.locale];
	const owner = account.owner;
	const manager = REGION_MANAGERS[account.region];
	const partner = f.share?.partner ?? null;
	// Partner people own actions only on plans they may edit.
	const partnerEditor = f.share?.mode === 'editor' ? f.share.partner : null;
	const helpers = partnerEditor
		? [adminOf(partnerEditor), memberOf(partnerEditor)]
		: [manager, owner];
	const deals = DEMO_OPPORTUNITIES.filter((o) => o.account === key);
	const open = deals.filter((d) => d.stage !== 'won' && d.stage !== 'lost');
	const focus = open[0] ?? deals[0];
	const contacts = DEMO_CONTACTS.filter((c) => c.account === key);
	const units = unitsOf(account, f.locale);
	const actionOwners = [owner, helpers[0], owner, manager, helpers[0], helpers[1]];
	const reviewer = f.reviewed
		? f.reviewed.by === 'owner'
			? owner
			: f.reviewed.by === 'manager'
				? manager
				: adminOf(partner!)
		: null;
	const firstThreadAuthor = partner
		? partnerEditor
			? memberOf(partner)
			: adminOf(partner)
		: manager;
	return {
		key: `account-${key}`,
		kind: 'account',
		subject: key,
		subjectName: account.name,
		title: text.title(account.name),
		locale: f.locale,
		owner,
		share: f.share,
		status: f.status,
		createdDaysAgo: f.createdDaysAgo,
		publishedDaysAgo: f.publishedDaysAgo,
		reviewed: reviewer && f.reviewed ? { by: reviewer, daysAgo: f.reviewed.daysAgo } : null,
		summary: [
			{ type: 'heading', level: 2, text: text.title(account.name) },
			{ type: 'paragraph', text: f.line },
			{ type: 'paragraph', text: text.facts(account, open.length, user(owner).name) },
			{ type: 'bulletList', items: [...text.priorities] }
		],
		goals: text.goals(focus.name).map((g) => ({ ...g })),
		stakeholders: contacts.map((c, i) => ({
			person: c.name,
			role: c.jobTitle,
			influence: INFLUENCE_CYCLE[i % 4],
			attitude: ATTITUDE_CYCLE[(i + key.length) % 5],
			owner: i % 2 === 0 ? owner : helpers[0]
		})),
		actions: text
			.actions(
				contacts[0]?.name ?? firstName(owner),
				focus.products.split(', ')[0],
				units[0],
				partner ? orgName(partner) : f.locale === 'fr' ? 'le SAV Nordis' : 'Nordis service',
				8 + deals.length * 6 + key.length
			)
			.map((a, i) => ({ ...a, status: a.status as PlanActionStatus, owner: actionOwners[i] })),
		swot: {
			strengths: [...text.swot.strengths],
			weaknesses: [...text.swot.weaknesses],
			opportunities: [...text.swot.opportunities],
			threats: [...text.swot.threats]
		},
		whitespace: {
			products: PRODUCT_GROUPS[f.locale],
			units,
			cells: cellsFrom(
				deals.map((d, i) => ({ products: d.products, stage: d.stage, unit: i % units.length })),
				PRODUCT_GROUPS[f.locale].length,
				units.length,
				key.length
			)
		},
		sections: text.sections.map((s) => ({ title: s.title, blocks: s.blocks(f.line) })),
		notes: text.notes(account.name),
		threads:
			f.status === 'published'
				? [
						{
							document: 'shared',
							quoteLength: 48,
							comments: [
								{
									author: firstThreadAuthor,
									body:
										f.locale === 'fr'
											? `Le calendrier du chantier tient-il toujours ? @[user:${owner}]`
											: `Is the works schedule still on track? @[user:${owner}]`,
									daysAgo: 8
								},
								{
									author: owner,
									body:
										f.locale === 'fr'
											? 'Oui, confirmé par le directeur technique hier.'
											: 'Yes, confirmed by the facilities manager yesterday.',
									daysAgo: 7
								}
							],
							resolved: key === 'delorme' ? { by: owner, daysAgo: 6 } : null
						}
					]
				: []
	};
}

export const DEMO_PLANS: DemoPlan[] = [
	...Object.keys(PARTNER_FLAVOURS).map(partnerPlan),
	...Object.keys(ACCOUNT_FLAVOURS).map(accountPlan)
];
