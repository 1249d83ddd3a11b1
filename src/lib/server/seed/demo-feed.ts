import type { Reaction } from '../../shared/enums.ts';
import { foldText } from '../../shared/normalise.ts';
import { DEMO_OPPORTUNITIES, REGION_MANAGERS, REGION_REPS } from './demo-crm.ts';
import { DEMO_ORGANISATIONS, DEMO_USERS, HOST } from './demo.ts';

// The demo partner feed: two months of conversation in every kind of channel, hand-written in
// French like the rest of the seed. People are named by the folded first name (`thomas`,
// `sebastien`); in bodies, `@{thomas}` becomes a mention token, `#{account:halles}` a reference
// to that account and `#{deal:halles}` one to the channel partner's first deal on it (the insert
// resolves them to ids). Nobody writes before they joined, nor in a channel before it existed, and
// every mention names someone who may read the post (tests/integration/seed.test.ts checks both).

/** 'announcements', 'partner:<organisation key>', 'internal:<key>' or 'community:<key>'. */
export type ChannelRef = string;

export type DemoChannel = {
	ref: ChannelRef;
	kind: 'internal' | 'community';
	name: string;
	description: string;
	createdBy: string;
	daysAgo: number;
	/** Community channels: the partner companies that may read it. */
	partners?: string[];
	/** People who joined it (aliases). */
	members: string[];
};

/** [author alias, hours after the post, body]. */
export type DemoComment = [by: string, hoursLater: number, body: string];

export type DemoPost = {
	channel: ChannelRef;
	by: string;
	daysAgo: number;
	body: string;
	comments?: DemoComment[];
	reactions?: Partial<Record<Reaction, string[]>>;
	pinned?: true;
	/** Edited by its author an hour after posting. */
	edited?: true;
	/** An open report for the moderation queue. */
	report?: { by: string; reason: string };
};

/** Folded first name → e-mail: `sebastien` → partner.admin@alpha.test. */
export const PEOPLE: ReadonlyMap<string, string> = (() => {
	const map = new Map<string, string>();
	for (const u of DEMO_USERS) {
		const alias = foldText(u.name.split(' ')[0]);
		if (map.has(alias)) throw new Error(`Demo feed: two people answer to ${alias}`);
		map.set(alias, u.email);
	}
	return map;
})();

export function emailOf(alias: string): string {
	const email = PEOPLE.get(alias);
	if (!email) throw new Error(`Demo feed: nobody answers to ${alias}`);
	return email;
}

const aliasOf = (email: string): string => {
	for (const [alias, e] of PEOPLE) if (e === email) return alias;
	throw new Error(`Demo feed: no alias for ${email}`);
};

const hostPeople = DEMO_USERS.filter((u) => u.organisation === HOST);

export const DEMO_CHANNELS: DemoChannel[] = [
	{
		ref: 'internal:idf',
		kind: 'internal',
		name: 'Équipe Île-de-France',
		description:
			'Points hebdo, visites et sujets partenaires de l’Île-de-France et des Hauts-de-France.',
		createdBy: 'julien',
		daysAgo: 58,
		members: ['claire', 'julien', 'thomas', 'nadia', 'camille']
	},
	{
		ref: 'internal:avant-vente',
		kind: 'internal',
		name: 'Avant-vente',
		description: 'Questions techniques, dimensionnements et retours d’installation.',
		createdBy: 'sophie',
		daysAgo: 55,
		members: hostPeople.filter((u) => u.role !== 'admin').map((u) => aliasOf(u.email))
	},
	{
		ref: 'community:conseil',
		kind: 'community',
		name: 'Conseil des distributeurs',
		description: 'Le programme partenaires, discuté avec les distributeurs du conseil.',
		createdBy: 'claire',
		daysAgo: 30,
		partners: ['vasseur', 'atlantique'],
		members: ['claire', 'julien', 'marc', 'helene', 'pierre', 'james', 'yann', 'chloe']
	}
];

/** Host people who follow each partner channel: the region's rep and manager, and the admin on Alpha. */
export function partnerChannelFollowers(partner: string): string[] {
	const org = DEMO_ORGANISATIONS.find((o) => o.key === partner);
	if (!org?.region) throw new Error(`Demo feed: unknown partner ${partner}`);
	const followers = [REGION_REPS[org.region], REGION_MANAGERS[org.region]];
	if (partner === 'alpha') followers.push('admin@relais.test', 'nadia.haddad@relais.test');
	return [...new Set(followers)].map(aliasOf);
}

/**
 * Where some demo logins stopped reading (days ago), so their channel list shows unread counts;
 * every other membership is read up to the moment of the seed.
 */
export const READ_UP_TO: Record<string, Record<ChannelRef, number>> = {
	thomas: { 'partner:alpha': 5, 'internal:idf': 3 },
	julien: { 'partner:vasseur': 7, 'internal:avant-vente': 5 },
	claire: { 'community:conseil': 5 },
	sebastien: { 'partner:alpha': 3.5, announcements: 7 },
	marie: { 'partner:alpha': 8, announcements: 7 },
	pauline: { 'partner:beta': 6, announcements: 7 }
};

/** The deal of `partner` on `account` that `#{deal:<account>}` names in that partner's channel. */
export function dealOn(account: string, partner: string | null) {
	const deal = DEMO_OPPORTUNITIES.find((o) => o.account === account && o.partner === partner);
	if (!deal) throw new Error(`Demo feed: no deal of ${partner} on ${account}`);
	return deal;
}

const post =
	(channel: ChannelRef) =>
	(daysAgo: number, by: string, body: string, more: Partial<DemoPost> = {}): DemoPost => ({
		channel,
		by,
		daysAgo,
		body,
		...more
	});
const alpha = post('partner:alpha');
const beta = post('partner:beta');
const vasseur = post('partner:vasseur');
const atlantique = post('partner:atlantique');
const rhin = post('partner:rhin');
const med = post('partner:mediterranee');
const news = post('announcements');
const idf = post('internal:idf');
const presales = post('internal:avant-vente');
const council = post('community:conseil');

export const DEMO_POSTS: DemoPost[] = [
	// ── Alpha ────────────────────────────────────────────────────────────────────────────────
	alpha(
		54.8,
		'thomas',
		'Bienvenue sur votre canal Alpha ! Ici on échange sur les affaires en cours, les visites et le SAV. Pour les questions commerciales, @{sebastien} reste votre point d’entrée chez vous.',
		{
			comments: [
				[
					'sebastien',
					2,
					'Merci Thomas, ravi de démarrer. On a déjà trois dossiers à vous présenter.'
				]
			],
			reactions: { '🎉': ['sebastien', 'julien'] }
		}
	),
	alpha(
		52,
		'sebastien',
		'Premier point sur nos dossiers :\n- #{account:halles} : remplacement du piano de cuisson\n- #{account:genevieve} : projet de cuisine centrale, gros volume\n- #{account:creteil} : appel d’offres en préparation\n\nOn cale un point la semaine prochaine ?',
		{
			comments: [
				['thomas', 1, 'Mardi 10 h en visio ?'],
				['sebastien', 3, 'Parfait, je vous envoie l’invitation.']
			],
			reactions: { '👍': ['thomas'] }
		}
	),
	alpha(
		48,
		'julien',
		'**Rappel** : les enregistrements d’affaires doivent être déposés *avant* le premier rendez-vous client pour bénéficier de la protection de 90 jours.',
		{
			reactions: { '👍': ['sebastien'], '🙏': ['thomas'] }
		}
	),
	alpha(
		44,
		'thomas',
		'Fiches techniques du four mixte 20 niveaux mises à jour : [catalogue technique](https://www.nordis-equipements.example/catalogue). Les dimensions ont changé sur la version gaz.',
		{
			comments: [['sebastien', 5, 'Bien noté, je transmets à l’équipe installation.']]
		}
	),
	alpha(
		40,
		'sebastien',
		'Visite à la #{account:genevieve} ce matin avec le chef de cuisine. Ils veulent une cellule de refroidissement rapide en plus des fours. Je mets à jour #{deal:genevieve}.',
		{
			comments: [
				['thomas', 1, 'Top. Je peux venir à la prochaine visite si besoin.'],
				['julien', 4, 'Belle avancée, bravo.']
			],
			reactions: { '🎉': ['thomas', 'julien'] }
		}
	),
	alpha(
		36,
		'nadia',
		'Petit rappel logistique : les livraisons sur Paris intra-muros passent désormais par le dépôt de Gennevilliers, comptez 48 h de plus.',
		{
			comments: [['sebastien', 2, 'Merci, c’est important pour le planning de Créteil.']]
		}
	),
	alpha(
		29.8,
		'sebastien',
		'Bienvenue à @{karim} qui rejoint l’équipe comme chef de projet installation !',
		{
			comments: [['karim', 1, 'Merci à tous, hâte de travailler avec vous.']],
			reactions: { '🎉': ['thomas', 'nadia', 'julien'] }
		}
	),
	alpha(
		27,
		'karim',
		'Question technique : pour la chambre froide négative de #{account:halles}, le groupe froid peut-il être déporté en toiture (12 m de liaison) ?',
		{
			comments: [
				['thomas', 2, 'Oui, jusqu’à 20 m sans souci. Je t’envoie le schéma de raccordement.'],
				['karim', 3, 'Parfait, merci.']
			]
		}
	),
	alpha(
		22,
		'thomas',
		'Les tarifs du contrat de maintenance annuel évoluent au 1er du mois prochain (+3 %). Les devis signés avant restent au tarif actuel.',
		{
			reactions: { '👀': ['sebastien', 'karim'] }
		}
	),
	alpha(
		18,
		'sebastien',
		'Bonne nouvelle : #{account:vincennes} a validé le devis ! Commande passée ce matin.',
		{
			comments: [['julien', 2, 'Bravo à toute l’équipe Alpha !']],
			reactions: { '🎉': ['thomas', 'julien', 'karim'] }
		}
	),
	alpha(
		14,
		'karim',
		'Installation terminée à l’#{account:rivegauche}. Mise en service demain avec le technicien Nordis.',
		{
			comments: [['thomas', 1, 'Merci Karim, je préviens le SAV.']]
		}
	),
	alpha(
		10,
		'julien',
		'Revue trimestrielle : pouvez-vous préparer vos prévisions pour le mois prochain ? Format libre, une ligne par affaire.',
		{
			comments: [['sebastien', 6, 'Je vous envoie ça vendredi.']]
		}
	),
	alpha(
		8.5,
		'sebastien',
		'Bienvenue à @{marie}, technico-commerciale, qui suivra les comptes de restauration scolaire.',
		{
			reactions: { '🎉': ['thomas', 'karim'] }
		}
	),
	alpha(
		6,
		'marie',
		'Bonjour à tous ! Première question : avons-nous une documentation en anglais du lave-vaisselle à capot pour un client hôtelier ?',
		{
			comments: [
				['thomas', 2, 'Oui, je te l’envoie demain.'],
				['nadia', 3, 'Elle est aussi sur l’extranet, rubrique *Documentation*.']
			]
		}
	),
	alpha(
		4,
		'thomas',
		'Point sur #{deal:creteil} : le cahier des charges est publié, réponse attendue dans trois semaines. @{marie}, tu peux prendre la partie technique ?',
		{
			comments: [['marie', 1, 'Oui, je m’en occupe.']],
			reactions: { '👍': ['marie', 'sebastien'] }
		}
	),
	alpha(
		2,
		'karim',
		'Retour de #{account:receptions} : ils sont très contents de la sauteuse basculante et envisagent une deuxième unité.',
		{
			reactions: { '❤️': ['thomas'], '😄': ['marie'] }
		}
	),
	alpha(
		1,
		'marie',
		'J’ai commencé le chiffrage technique pour Créteil. **Trois points à valider** :\n1. alimentation électrique des fours\n2. évacuation des buées\n3. accès livraison\n\nOn en parle jeudi ?',
		{
			comments: [['thomas', 2, 'Jeudi 14 h, ça te va ?']],
			edited: true
		}
	),
	alpha(0.2, 'sebastien', 'Nous serons au salon sur le stand Nordis mardi : passez nous voir !'),

	// ── Beta ─────────────────────────────────────────────────────────────────────────────────
	beta(
		49,
		'emma',
		'Hello Beta team! I am your contact at Nordis for Auvergne-Rhône-Alpes. I write in English but read French perfectly, so feel free to write in French.',
		{
			comments: [['franck', 3, 'Bienvenue Emma, on écrira en français alors.']],
			reactions: { '😄': ['sophie', 'franck'] }
		}
	),
	beta(
		47,
		'franck',
		'Nos priorités du trimestre :\n- **#{account:villefranche}** : rénovation complète de la cuisine centrale\n- #{account:annecy} : remplacement des chambres froides\n- #{account:fournil} : fours pour le nouveau laboratoire',
		{
			comments: [
				['sophie', 2, 'Belle liste. Villefranche mérite une visite commune.'],
				['franck', 5, 'D’accord, proposez-nous des dates.']
			],
			edited: true
		}
	),
	beta(
		43,
		'sophie',
		'Le showroom de Lyon accueille une démonstration du four mixte le 15 : idéal pour vos clients restaurateurs. Inscriptions auprès d’@{emma}.',
		{
			comments: [['franck', 4, 'On viendra avec le chef des Canuts.']],
			reactions: { '👍': ['franck'] }
		}
	),
	beta(
		39,
		'emma',
		'Quick reminder: the registration for #{account:grenoble} must be submitted **before** the site visit to be protected.',
		{
			comments: [['franck', 2, 'Fait ce matin.']]
		}
	),
	beta(
		34,
		'franck',
		'#{account:combe} est fermé jusqu’en décembre : projet repoussé, je garde le contact.'
	),
	beta(26.9, 'franck', 'Bienvenue à @{pauline} qui rejoint l’équipe commerciale sédentaire !', {
		comments: [['pauline', 1, 'Merci ! Ravie d’être là.']],
		reactions: { '🎉': ['emma', 'sophie'] }
	}),
	beta(
		24,
		'pauline',
		'#{account:canuts} demande un délai de livraison pour une armoire réfrigérée 700 L : quelqu’un a l’info ?',
		{
			comments: [
				['emma', 1, 'Three weeks from the Lyon warehouse, two if it is in stock.'],
				['pauline', 2, 'Merci Emma !']
			]
		}
	),
	beta(
		19,
		'emma',
		'Price list update: the *cellule de refroidissement rapide* is 4 % cheaper until the end of the month.',
		{
			reactions: { '👀': ['pauline', 'franck'] }
		}
	),
	beta(
		15,
		'franck',
		'Réunion de chantier au #{account:villefranche} : le planning glisse de deux semaines côté maçonnerie. Rien de bloquant pour nous.',
		{
			comments: [['sophie', 3, 'Merci pour le suivi.']]
		}
	),
	beta(11, 'pauline', 'Devis envoyé pour #{deal:fournil}, relance prévue vendredi.', {
		reactions: { '👍': ['emma'] }
	}),
	beta(
		8,
		'sophie',
		'Beau trimestre pour Beta : vous êtes à 80 % de l’objectif. Encore un effort sur la restauration collective !',
		{
			reactions: { '🎉': ['franck', 'pauline'] }
		}
	),
	beta(
		5,
		'emma',
		'Could you share the floor plan of #{account:annecy}? The installer needs it before the site visit.',
		{
			comments: [['franck', 1, 'Envoyé par e-mail à l’instant.']]
		}
	),
	beta(2, 'pauline', '#{account:canuts} a signé pour l’armoire réfrigérée !', {
		reactions: { '🎉': ['emma', 'franck', 'sophie'] }
	}),
	beta(
		0.5,
		'franck',
		'Qui vient au salon Sirha ? On pourrait organiser un déjeuner avec nos clients hôteliers.',
		{
			comments: [['emma', 1, 'Count me in!']]
		}
	),

	// ── Groupe Vasseur Distribution ──────────────────────────────────────────────────────────
	vasseur(
		44,
		'camille',
		'Bienvenue au Groupe Vasseur Distribution ! Je suis votre interlocutrice pour les Hauts-de-France.',
		{
			comments: [['helene', 2, 'Merci Camille, toute l’équipe va vous rejoindre ici.']]
		}
	),
	vasseur(
		40,
		'pierre',
		'Pouvez-vous nous transmettre les conditions d’achat au-delà de 10 unités sur l’armoire réfrigérée 700 L ?',
		{
			comments: [['camille', 3, 'Je vous envoie la grille de remises volume d’ici demain.']]
		}
	),
	vasseur(
		33,
		'aurelie',
		'Rendez-vous au #{account:roubaix} la semaine prochaine pour la restauration du personnel. Qui m’accompagne ?',
		{
			comments: [
				['camille', 1, 'Moi, et @{julien} si son agenda le permet.'],
				['julien', 4, 'Je serai là.']
			]
		}
	),
	vasseur(
		26,
		'helene',
		'Nous ouvrons une agence à Amiens en janvier. Objectif : la restauration scolaire, à commencer par #{account:amiens}.',
		{
			reactions: { '🎉': ['camille', 'julien'] }
		}
	),
	vasseur(
		20,
		'james',
		'Hello all, I handle our export customers in Belgium. Can we quote Nordis equipment for a hotel in Brussels?',
		{
			comments: [['julien', 5, 'Yes: Camille will send you the export terms this week.']]
		}
	),
	vasseur(
		12,
		'camille',
		'Nouvelle fiche produit : le tunnel de lavage compact, idéal pour les cuisines scolaires.',
		{
			reactions: { '👀': ['aurelie', 'helene'] }
		}
	),
	vasseur(
		5.5,
		'aurelie',
		'L’#{account:dunes} veut une démonstration du four mixte avant de signer.',
		{
			comments: [
				['camille', 1, 'Showroom de Lille, mardi ou jeudi ?'],
				['aurelie', 2, 'Jeudi, parfait.']
			]
		}
	),
	vasseur(3, 'pierre', 'Commande groupée de 12 armoires passée, merci pour la remise !', {
		reactions: { '🙏': ['camille'] }
	}),

	// ── Cuisines Pro Atlantique ──────────────────────────────────────────────────────────────
	atlantique(
		37,
		'lucas',
		'Bienvenue Cuisines Pro Atlantique ! Ce canal sert aux affaires, au SAV et aux questions techniques.',
		{
			comments: [['yann', 2, 'Merci Lucas !']]
		}
	),
	atlantique(
		31,
		'chloe',
		'SAV : une porte de chambre froide positive ne ferme plus correctement à l’#{account:pins}. La pièce est-elle disponible ?',
		{
			comments: [
				['lucas', 1, 'Le joint est en stock à Bordeaux, envoi aujourd’hui.'],
				['chloe', 28, 'Reçu et remplacé. Merci !']
			]
		}
	),
	atlantique(
		24,
		'yann',
		'Le #{account:talence} renouvelle sa cuisine pédagogique : 6 pianos de cuisson et 2 fours mixtes.',
		{
			reactions: { '🎉': ['lucas', 'marc'] }
		}
	),
	atlantique(
		16,
		'marc',
		'Le lycée hôtelier est un beau dossier : pensez à déposer l’enregistrement avant la visite technique.',
		{
			comments: [['yann', 2, 'C’est fait.']]
		}
	),
	atlantique(
		9,
		'lucas',
		'Salon Sirha : nous aurons un stand commun avec les partenaires de la région, vous êtes les bienvenus.'
	),
	atlantique(
		3,
		'chloe',
		'Formation SAV sur les groupes froids centralisés : peut-on en organiser une à Bordeaux ?',
		{
			comments: [['lucas', 3, 'Oui, je vois avec le service formation.']]
		}
	),

	// ── Rhin Froid Services (suspended a week ago) ───────────────────────────────────────────
	rhin(32, 'antoine', 'Bienvenue Rhin Froid Services ! Je reste votre contact pour le Grand Est.', {
		comments: [['michel', 3, 'Merci Antoine.']]
	}),
	rhin(
		25,
		'michel',
		'Intervention urgente à l’#{account:cathedrale} : compresseur hors service sur la chambre froide négative.',
		{
			comments: [['antoine', 1, 'Je préviens le SAV Nordis, un technicien passe demain matin.']]
		}
	),
	rhin(
		12,
		'sophie',
		'Michel, nous attendons toujours votre attestation d’assurance à jour. Sans elle, nous devrons suspendre le compte partenaire.'
	),

	// ── Équip'Hôtel Méditerranée ─────────────────────────────────────────────────────────────
	med(
		11,
		'ines',
		'Bienvenue Équip’Hôtel Méditerranée ! Votre accord partenaire est en cours de signature ; en attendant, on peut déjà travailler ensemble.',
		{
			comments: [['laura', 2, 'Merci Inès, nous avons hâte.']]
		}
	),
	med(
		8,
		'remi',
		'Le #{account:flamants} prépare la saison : ils veulent trois vitrines réfrigérées.',
		{
			comments: [['ines', 4, 'Je te prépare un devis indicatif.']]
		}
	),
	med(
		4,
		'laura',
		'Quand pouvons-nous signer l’accord ? #{account:terrasses} attend notre proposition.',
		{
			comments: [['marc', 2, 'Cette semaine, promis. @{ines} vous envoie le contrat.']]
		}
	),

	// ── Announcements: host posts; a partner's comment is seen by the host and that partner ─
	news(
		57,
		'claire',
		'**Bienvenue sur Relais**, l’espace d’échange entre Nordis Équipements et son réseau de partenaires.\n\nVous y trouverez :\n- les annonces du réseau\n- un canal par partenaire, avec vos affaires\n- l’actualité de vos enregistrements et de vos plans',
		{
			pinned: true,
			comments: [
				['sebastien', 30, 'Merci, très pratique !'],
				['franck', 130, 'Enfin un outil commun.']
			],
			reactions: { '🎉': ['julien', 'thomas', 'sebastien', 'franck'], '👍': ['helene'] }
		}
	),
	news(
		49,
		'julien',
		'Le nouveau catalogue est disponible : [télécharger le catalogue](https://www.nordis-equipements.example/catalogue-2025). Nouveautés : four mixte compact et cellule de refroidissement connectée.',
		{
			comments: [
				['franck', 3, 'Les tarifs sont-ils déjà à jour dans le catalogue ?'],
				['julien', 5, 'Oui, depuis lundi.']
			],
			reactions: { '👀': ['sebastien', 'helene'] }
		}
	),
	news(
		42,
		'sophie',
		'Formation produits à Lyon le 12 : *les fours mixtes de A à Z*. Places limitées, inscrivez-vous en commentaire.',
		{
			comments: [
				['franck', 2, 'Deux personnes pour Beta.'],
				['sebastien', 4, 'Une personne pour Alpha, si ce n’est pas trop loin !']
			]
		}
	),
	news(
		35,
		'claire',
		'Rappel : la **protection d’affaire** dure 90 jours à partir de l’approbation de l’enregistrement. Déposez vos enregistrements tôt !',
		{
			reactions: { '👍': ['sebastien', 'franck', 'yann'] }
		}
	),
	news(
		28,
		'marc',
		'Le Grand Prix partenaires est lancé : les trois meilleurs partenaires du réseau gagnent une visite de l’usine de Lille et un dîner au restaurant d’application.',
		{
			comments: [
				['helene', 6, 'On est dans la course !'],
				['yann', 8, 'Challenge accepté.']
			],
			reactions: { '🎉': ['julien', 'sebastien', 'franck', 'helene', 'yann'] }
		}
	),
	news(
		21,
		'claire',
		'Maintenance de la plateforme samedi de 8 h à 10 h : Relais sera indisponible pendant ce créneau.'
	),
	news(
		15,
		'julien',
		'Hausse des prix de l’inox : les tables et plonges augmentent de 5 % au 1er du mois prochain.',
		{
			comments: [
				['karim', 2, 'Les devis en cours sont-ils concernés ?'],
				['julien', 3, 'Non, les devis émis avant restent valables 30 jours.'],
				['pauline', 5, 'Merci pour l’anticipation.']
			]
		}
	),
	news(
		9,
		'sophie',
		'Les fiches techniques sont maintenant disponibles en anglais et en allemand.',
		{
			reactions: { '🙏': ['james', 'emma'] }
		}
	),
	news(
		5,
		'claire',
		'Enquête de satisfaction partenaires : cinq minutes pour nous dire ce qui fonctionne et ce qui ne fonctionne pas. [Répondre à l’enquête](https://www.nordis-equipements.example/enquete)',
		{
			comments: [
				['marie', 3, 'Réponse envoyée !'],
				['laura', 9, 'Fait aussi.']
			]
		}
	),
	news(
		1,
		'julien',
		'Le salon Sirha approche : retrouvez Nordis hall 5, stand 5B12. Des invitations sont disponibles pour vos clients, demandez-les à votre commercial.',
		{
			comments: [
				['sebastien', 2, 'Il nous en faudrait dix pour Alpha.'],
				['pauline', 3, 'Cinq pour Beta, s’il vous plaît.']
			],
			reactions: { '🎉': ['sebastien', 'franck', 'pauline'] }
		}
	),

	// ── Internal: Île-de-France team ─────────────────────────────────────────────────────────
	idf(
		57,
		'julien',
		'Canal de l’équipe Île-de-France et Hauts-de-France : points hebdo, coordination des visites, sujets sensibles sur les partenaires.'
	),
	idf(
		50,
		'thomas',
		'Alpha monte en puissance : trois dossiers qualifiés en deux semaines. Je propose de les inscrire en priorité à la formation.',
		{
			comments: [['julien', 2, 'D’accord, inscris-les.']]
		}
	),
	idf(
		43,
		'nadia',
		'Qui couvre le #{account:lutece} pendant mes congés ? Le client attend une relance sur le devis.',
		{
			comments: [['thomas', 1, 'Je prends.']]
		}
	),
	idf(
		36,
		'camille',
		'Vasseur demande des remises volume agressives. Je propose 12 % au-delà de 10 unités, qu’en penses-tu @{julien} ?',
		{
			comments: [['julien', 3, 'OK jusqu’à 12 %, au-delà on en parle.']]
		}
	),
	idf(
		29,
		'julien',
		'Objectifs du trimestre :\n1. 15 affaires partenaires gagnées\n2. un plan publié pour chaque partenaire\n3. zéro conflit d’enregistrement non traité',
		{
			reactions: { '👍': ['thomas', 'nadia', 'camille'] }
		}
	),
	idf(
		22,
		'thomas',
		'Conflit potentiel sur un enregistrement d’Alpha : même domaine qu’une affaire directe. Je regarde avant la validation.',
		{
			comments: [['julien', 1, 'Bien vu, tiens-moi au courant.']]
		}
	),
	idf(
		15,
		'nadia',
		'Compte rendu de la réunion partenaires de Paris : bonne dynamique, attente forte sur la formation SAV.'
	),
	idf(8, 'camille', '#{account:brioche} repousse sa décision à janvier.'),
	idf(2, 'julien', 'Point hebdo décalé à jeudi 9 h.', { reactions: { '👍': ['thomas', 'nadia'] } }),
	idf(
		0.6,
		'nadia',
		'J’ai mis à jour le pipeline Île-de-France : les prévisions sont prêtes pour la revue.'
	),

	// ── Internal: pre-sales ──────────────────────────────────────────────────────────────────
	presales(
		54,
		'sophie',
		'Canal avant-vente : questions techniques, dimensionnements, retours d’installation. Partagez vos schémas !'
	),
	presales(
		38,
		'lucas',
		'Règle de dimensionnement utile : comptez **1 m³ de chambre froide pour 100 couverts par jour** en restauration commerciale.',
		{
			reactions: { '🙏': ['thomas', 'emma', 'camille'] }
		}
	),
	presales(
		39,
		'emma',
		'Does anyone have a reference site for a 20-level combi oven in a hospital kitchen? A customer wants to visit one.',
		{
			comments: [
				['thomas', 2, 'La Clinique Sainte-Geneviève bientôt ; sinon l’hôpital Saint-Exupéry.'],
				['marc', 4, 'Saint-Exupéry accepte les visites, je m’en occupe.']
			]
		}
	),
	presales(
		31,
		'antoine',
		'Retour d’expérience : pour une installation en sous-sol, prévoyez une extraction renforcée pour les groupes froids.'
	),
	presales(
		24,
		'marc',
		'Nouveau configurateur d’implantation en test : [configurateur](https://intranet.nordis-equipements.example/configurateur).',
		{
			reactions: { '👀': ['lucas', 'thomas'] }
		}
	),
	presales(
		17,
		'ines',
		'Première visite technique en Occitanie : l’#{account:exupery} veut changer toute sa laverie.',
		{
			comments: [['marc', 2, 'Beau dossier, je t’accompagne.']]
		}
	),
	presales(
		10,
		'thomas',
		'Tunnel de lavage ou lave-vaisselle à capot ? Au-delà de 400 repas par service, le tunnel est rentabilisé en moins de 3 ans.',
		{
			reactions: { '👍': ['lucas', 'nadia'] }
		}
	),
	presales(
		4,
		'sophie',
		'Rappel sécurité : toute intervention sur un groupe froid au R290 demande l’habilitation. Vérifiez celles de vos partenaires.',
		{
			reactions: { '🙏': ['antoine'] }
		}
	),

	// ── Community: Conseil des distributeurs (Vasseur + Atlantique) ──────────────────────────
	council(
		29.9,
		'claire',
		'Bienvenue au **Conseil des distributeurs** : un espace d’échange entre Nordis, le Groupe Vasseur Distribution et Cuisines Pro Atlantique sur l’évolution du programme partenaires.',
		{
			reactions: { '👍': ['helene', 'yann'] }
		}
	),
	council(
		28,
		'helene',
		'Première proposition : harmoniser les délais de livraison entre le Nord et l’Ouest. Chez nous, c’est trois semaines en moyenne.',
		{
			comments: [
				['yann', 2, 'Chez nous plutôt quatre semaines, surtout pour l’inox.'],
				['julien', 5, 'Merci, on regarde avec la logistique.']
			]
		}
	),
	council(
		22,
		'yann',
		'Pourrait-on mutualiser les formations SAV ? @{helene}, vous seriez partante ?',
		{
			comments: [
				['helene', 3, 'Oui, avec plaisir. Lille ou Bordeaux ?'],
				['chloe', 6, 'Bordeaux, au printemps ?']
			]
		}
	),
	council(
		18,
		'marc',
		'Retour de la direction : les délais seront harmonisés à trois semaines dès le prochain trimestre.',
		{
			reactions: { '🎉': ['helene', 'yann', 'pierre'] }
		}
	),
	council(
		13,
		'pierre',
		'Un paiement à 60 jours serait un vrai plus pour nos clients collectivités.',
		{
			comments: [['claire', 4, 'Sujet inscrit à l’ordre du jour du prochain conseil.']]
		}
	),
	council(
		9,
		'james',
		'**Special offer**: refurbished second-hand equipment at unbeatable prices, contact me directly!',
		{
			report: { by: 'yann', reason: 'Publicité hors sujet pour le conseil.' }
		}
	),
	council(
		6,
		'claire',
		'Prochain conseil mardi à 14 h en visio. Ordre du jour :\n1. délais de livraison\n2. formations SAV communes\n3. conditions de paiement',
		{
			comments: [
				['helene', 2, 'Présente.'],
				['yann', 3, 'Présent.']
			]
		}
	),
	council(
		2,
		'chloe',
		'Compte rendu de la formation commune : 14 techniciens formés, très bons retours.',
		{
			reactions: { '❤️': ['helene', 'claire'], '🎉': ['marc'] }
		}
	)
];
