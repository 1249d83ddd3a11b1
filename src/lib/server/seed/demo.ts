import type {
	Locale,
	OrganisationKind,
	OrganisationStatus,
	Role,
	Tier
} from '../../shared/enums.ts';

// The demo workspace: Nordis Équipements, a French maker of professional kitchen and refrigeration
// equipment that sells through installers and distributors. Fixed names only, so screenshots, tests
// and the README stay true; ids and invitation tokens are the only random parts. People, teams and
// organisations refer to each other by key (region code, team key, organisation key, e-mail);
// `daysAgo` places each event in the past weeks, relative to the moment the seed runs.

export const DEMO_PASSWORD = 'relais-demo';

export type DemoRegion = { code: string; name: string };
export type DemoTeam = { key: string; name: string; region: string | null };
export type DemoOrganisation = {
	key: string;
	name: string;
	kind: OrganisationKind;
	tier: Tier | null;
	region: string | null;
	status: OrganisationStatus;
	daysAgo: number;
};
export type DemoUser = {
	email: string;
	name: string;
	role: Role;
	organisation: string;
	title: string;
	locale: Locale;
	team?: string;
	region?: string;
	/** Regions a manager manages (manager_regions). */
	manages?: string[];
	daysAgo: number;
	lastSeenDaysAgo?: number;
};
export type DemoInvitation = {
	email: string;
	role: Role;
	organisation: string;
	team?: string;
	region?: string;
	invitedBy: string;
	daysAgo: number;
	/** Negative: the invitation has already expired. */
	expiresInDays: number;
};
export type DemoActivity = {
	verb: string;
	actor: string;
	/** The organisation whose world the event belongs to; null = the host company only. */
	organisation: string | null;
	object: { type: 'organisation' | 'user' | 'invitation'; ref: string };
	data: Record<string, unknown>;
	daysAgo: number;
};
export type DemoNotification = {
	to: string;
	kind: 'welcome' | 'invitation_accepted' | 'role_changed';
	data: Record<string, unknown>;
	daysAgo: number;
	read: boolean;
};

export const HOST = 'nordis';

export const DEMO_REGIONS: DemoRegion[] = [
	{ code: 'IDF', name: 'Île-de-France' },
	{ code: 'ARA', name: 'Auvergne-Rhône-Alpes' },
	{ code: 'NAQ', name: 'Nouvelle-Aquitaine' },
	{ code: 'HDF', name: 'Hauts-de-France' },
	{ code: 'GES', name: 'Grand Est' },
	{ code: 'OCC', name: 'Occitanie' }
];

export const DEMO_TEAMS: DemoTeam[] = [
	{ key: 'direction', name: 'Direction commerciale', region: null },
	{ key: 'paris-ouest', name: 'Équipe Paris Ouest', region: 'IDF' },
	{ key: 'paris-est', name: 'Équipe Paris Est', region: 'IDF' },
	{ key: 'lyon', name: 'Équipe Lyon Alpes', region: 'ARA' },
	{ key: 'bordeaux', name: 'Équipe Bordeaux Atlantique', region: 'NAQ' },
	{ key: 'lille', name: 'Équipe Lille Métropole', region: 'HDF' },
	{ key: 'strasbourg', name: 'Équipe Strasbourg Lorraine', region: 'GES' },
	{ key: 'toulouse', name: 'Équipe Toulouse Méditerranée', region: 'OCC' }
];

export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
	{
		key: HOST,
		name: 'Nordis Équipements',
		kind: 'host',
		tier: null,
		region: 'IDF',
		status: 'active',
		daysAgo: 60
	},
	{
		key: 'alpha',
		name: 'Alpha',
		kind: 'partner',
		tier: 'platinum',
		region: 'IDF',
		status: 'active',
		daysAgo: 56
	},
	{
		key: 'beta',
		name: 'Beta',
		kind: 'partner',
		tier: 'gold',
		region: 'ARA',
		status: 'active',
		daysAgo: 52
	},
	{
		key: 'vasseur',
		name: 'Groupe Vasseur Distribution',
		kind: 'partner',
		tier: 'gold',
		region: 'HDF',
		status: 'active',
		daysAgo: 45
	},
	{
		key: 'atlantique',
		name: 'Cuisines Pro Atlantique',
		kind: 'partner',
		tier: 'silver',
		region: 'NAQ',
		status: 'active',
		daysAgo: 38
	},
	{
		key: 'rhin',
		name: 'Rhin Froid Services',
		kind: 'partner',
		tier: 'silver',
		region: 'GES',
		status: 'suspended',
		daysAgo: 33
	},
	{
		key: 'mediterranee',
		name: "Équip'Hôtel Méditerranée",
		kind: 'partner',
		tier: 'registered',
		region: 'OCC',
		status: 'active',
		daysAgo: 12
	}
];

const host = (u: Omit<DemoUser, 'organisation'>): DemoUser => ({ ...u, organisation: HOST });

export const DEMO_USERS: DemoUser[] = [
	// The host company: one workspace admin, three regional managers, home-office reps.
	host({
		email: 'admin@relais.test',
		name: 'Claire Morel',
		role: 'admin',
		title: 'Responsable administration des ventes',
		locale: 'fr',
		team: 'direction',
		region: 'IDF',
		daysAgo: 60,
		lastSeenDaysAgo: 0
	}),
	host({
		email: 'manager@relais.test',
		name: 'Julien Fabre',
		role: 'manager',
		title: 'Directeur régional Île-de-France et Hauts-de-France',
		locale: 'fr',
		team: 'paris-ouest',
		region: 'IDF',
		manages: ['IDF', 'HDF'],
		daysAgo: 59,
		lastSeenDaysAgo: 1
	}),
	host({
		email: 'sophie.lambert@relais.test',
		name: 'Sophie Lambert',
		role: 'manager',
		title: 'Directrice régionale Est',
		locale: 'fr',
		team: 'lyon',
		region: 'ARA',
		manages: ['ARA', 'GES'],
		daysAgo: 58,
		lastSeenDaysAgo: 2
	}),
	host({
		email: 'marc.dubois@relais.test',
		name: 'Marc Dubois',
		role: 'manager',
		title: 'Directeur régional Sud-Ouest',
		locale: 'fr',
		team: 'bordeaux',
		region: 'NAQ',
		manages: ['NAQ', 'OCC'],
		daysAgo: 58,
		lastSeenDaysAgo: 4
	}),
	host({
		email: 'rep@relais.test',
		name: 'Thomas Girard',
		role: 'rep',
		title: 'Commercial terrain (télétravail)',
		locale: 'fr',
		team: 'paris-ouest',
		region: 'IDF',
		daysAgo: 55,
		lastSeenDaysAgo: 0
	}),
	host({
		email: 'nadia.haddad@relais.test',
		name: 'Nadia Haddad',
		role: 'rep',
		title: 'Chargée d’affaires partenaires',
		locale: 'fr',
		team: 'paris-est',
		region: 'IDF',
		daysAgo: 54,
		lastSeenDaysAgo: 1
	}),
	host({
		email: 'camille.roux@relais.test',
		name: 'Camille Roux',
		role: 'rep',
		title: 'Commerciale terrain (télétravail)',
		locale: 'fr',
		team: 'lille',
		region: 'HDF',
		daysAgo: 47,
		lastSeenDaysAgo: 3
	}),
	host({
		email: 'emma.clarke@relais.test',
		name: 'Emma Clarke',
		role: 'rep',
		title: 'Key account manager',
		locale: 'en',
		team: 'lyon',
		region: 'ARA',
		daysAgo: 50,
		lastSeenDaysAgo: 2
	}),
	host({
		email: 'antoine.schmitt@relais.test',
		name: 'Antoine Schmitt',
		role: 'rep',
		title: 'Commercial terrain (télétravail)',
		locale: 'fr',
		team: 'strasbourg',
		region: 'GES',
		daysAgo: 44
	}),
	host({
		email: 'lucas.martin@relais.test',
		name: 'Lucas Martin',
		role: 'rep',
		title: 'Technico-commercial',
		locale: 'fr',
		team: 'bordeaux',
		region: 'NAQ',
		daysAgo: 40,
		lastSeenDaysAgo: 5
	}),
	host({
		email: 'ines.garcia@relais.test',
		name: 'Inès Garcia',
		role: 'rep',
		title: 'Commerciale terrain (télétravail)',
		locale: 'fr',
		team: 'toulouse',
		region: 'OCC',
		daysAgo: 20,
		lastSeenDaysAgo: 1
	}),

	// Alpha (platinum, Île-de-France).
	{
		email: 'partner.admin@alpha.test',
		name: 'Sébastien Leroy',
		role: 'partner_admin',
		organisation: 'alpha',
		title: 'Directeur général',
		locale: 'fr',
		daysAgo: 56,
		lastSeenDaysAgo: 0
	},
	{
		email: 'marie.petit@alpha.test',
		name: 'Marie Petit',
		role: 'partner_member',
		organisation: 'alpha',
		title: 'Technico-commerciale',
		locale: 'fr',
		daysAgo: 9,
		lastSeenDaysAgo: 2
	},
	{
		email: 'karim.benali@alpha.test',
		name: 'Karim Benali',
		role: 'partner_member',
		organisation: 'alpha',
		title: 'Chef de projet installation',
		locale: 'fr',
		daysAgo: 30
	},

	// Beta (gold, Auvergne-Rhône-Alpes).
	{
		email: 'franck.meyer@beta.test',
		name: 'Franck Meyer',
		role: 'partner_admin',
		organisation: 'beta',
		title: 'Gérant',
		locale: 'fr',
		daysAgo: 52,
		lastSeenDaysAgo: 3
	},
	{
		email: 'partner@beta.test',
		name: 'Pauline Chevalier',
		role: 'partner_member',
		organisation: 'beta',
		title: 'Commerciale sédentaire',
		locale: 'fr',
		daysAgo: 27,
		lastSeenDaysAgo: 1
	},

	// Groupe Vasseur Distribution (gold, Hauts-de-France).
	{
		email: 'h.vasseur@vasseur-distribution.test',
		name: 'Hélène Vasseur',
		role: 'partner_admin',
		organisation: 'vasseur',
		title: 'Présidente',
		locale: 'fr',
		daysAgo: 45
	},
	{
		email: 'p.lefebvre@vasseur-distribution.test',
		name: 'Pierre Lefebvre',
		role: 'partner_member',
		organisation: 'vasseur',
		title: 'Responsable des achats',
		locale: 'fr',
		daysAgo: 41
	},
	{
		email: 'a.dumont@vasseur-distribution.test',
		name: 'Aurélie Dumont',
		role: 'partner_member',
		organisation: 'vasseur',
		title: 'Commerciale grands comptes',
		locale: 'fr',
		daysAgo: 35
	},
	{
		email: 'j.wilson@vasseur-distribution.test',
		name: 'James Wilson',
		role: 'partner_member',
		organisation: 'vasseur',
		title: 'Export sales manager',
		locale: 'en',
		daysAgo: 21
	},

	// Cuisines Pro Atlantique (silver, Nouvelle-Aquitaine).
	{
		email: 'gerant@cuisinespro-atlantique.test',
		name: 'Yann Le Gall',
		role: 'partner_admin',
		organisation: 'atlantique',
		title: 'Gérant',
		locale: 'fr',
		daysAgo: 38
	},
	{
		email: 'atelier@cuisinespro-atlantique.test',
		name: 'Chloé Bernard',
		role: 'partner_member',
		organisation: 'atlantique',
		title: 'Responsable atelier et SAV',
		locale: 'fr',
		daysAgo: 36
	},

	// Rhin Froid Services (silver, Grand Est, suspended).
	{
		email: 'contact@rhinfroid.test',
		name: 'Michel Koenig',
		role: 'partner_admin',
		organisation: 'rhin',
		title: 'Directeur technique',
		locale: 'fr',
		daysAgo: 33
	},

	// Équip'Hôtel Méditerranée (registered, Occitanie).
	{
		email: 'direction@equiphotel-med.test',
		name: 'Laura Fernandez',
		role: 'partner_admin',
		organisation: 'mediterranee',
		title: 'Directrice commerciale',
		locale: 'fr',
		daysAgo: 12,
		lastSeenDaysAgo: 6
	},
	{
		email: 'commercial@equiphotel-med.test',
		name: 'Rémi Vidal',
		role: 'partner_member',
		organisation: 'mediterranee',
		title: 'Commercial itinérant',
		locale: 'fr',
		daysAgo: 10
	}
];

/** Pending invitations: one to the host company, two to partners, one of them expired. */
export const DEMO_INVITATIONS: DemoInvitation[] = [
	{
		email: 'julie.renard@relais.test',
		role: 'rep',
		organisation: HOST,
		team: 'lille',
		region: 'HDF',
		invitedBy: 'admin@relais.test',
		daysAgo: 2,
		expiresInDays: 5
	},
	{
		email: 'nicolas.faure@alpha.test',
		role: 'partner_member',
		organisation: 'alpha',
		invitedBy: 'partner.admin@alpha.test',
		daysAgo: 1,
		expiresInDays: 6
	},
	{
		email: 'olivier.brun@beta.test',
		role: 'partner_member',
		organisation: 'beta',
		invitedBy: 'franck.meyer@beta.test',
		daysAgo: 10,
		expiresInDays: -3
	}
];

function organisationName(key: string): string {
	const organisation = DEMO_ORGANISATIONS.find((o) => o.key === key);
	if (!organisation) throw new Error(`Unknown demo organisation ${key}`);
	return organisation.name;
}

export const DEMO_ACTIVITIES: DemoActivity[] = [
	...DEMO_ORGANISATIONS.filter((o) => o.kind === 'partner').map((o): DemoActivity => ({
		verb: 'partner.joined',
		actor: 'admin@relais.test',
		organisation: o.key,
		object: { type: 'organisation', ref: o.key },
		data: { name: o.name, organisationName: o.name, tier: o.tier },
		daysAgo: o.daysAgo
	})),
	{
		verb: 'user.joined',
		actor: 'karim.benali@alpha.test',
		organisation: 'alpha',
		object: { type: 'user', ref: 'karim.benali@alpha.test' },
		data: { name: 'Karim Benali', organisationName: 'Alpha' },
		daysAgo: 30
	},
	{
		verb: 'user.joined',
		actor: 'partner@beta.test',
		organisation: 'beta',
		object: { type: 'user', ref: 'partner@beta.test' },
		data: { name: 'Pauline Chevalier', organisationName: 'Beta' },
		daysAgo: 27
	},
	{
		verb: 'user.joined',
		actor: 'ines.garcia@relais.test',
		organisation: null,
		object: { type: 'user', ref: 'ines.garcia@relais.test' },
		data: { name: 'Inès Garcia', organisationName: 'Nordis Équipements' },
		daysAgo: 20
	},
	{
		verb: 'user.joined',
		actor: 'marie.petit@alpha.test',
		organisation: 'alpha',
		object: { type: 'user', ref: 'marie.petit@alpha.test' },
		data: { name: 'Marie Petit', organisationName: 'Alpha' },
		daysAgo: 9
	},
	...DEMO_INVITATIONS.map((i): DemoActivity => ({
		verb: 'user.invited',
		actor: i.invitedBy,
		organisation: i.organisation === HOST ? null : i.organisation,
		object: { type: 'invitation', ref: i.email },
		data: { email: i.email, role: i.role, organisationName: organisationName(i.organisation) },
		daysAgo: i.daysAgo
	}))
];

export const DEMO_NOTIFICATIONS: DemoNotification[] = [
	{
		to: 'admin@relais.test',
		kind: 'welcome',
		data: { name: 'Claire Morel', organisationName: 'Nordis Équipements' },
		daysAgo: 60,
		read: true
	},
	{
		to: 'admin@relais.test',
		kind: 'invitation_accepted',
		data: { name: 'Inès Garcia', organisationName: 'Nordis Équipements' },
		daysAgo: 20,
		read: true
	},
	{
		to: 'admin@relais.test',
		kind: 'invitation_accepted',
		data: { name: 'Marie Petit', organisationName: 'Alpha' },
		daysAgo: 9,
		read: false
	},
	{
		to: 'manager@relais.test',
		kind: 'welcome',
		data: { name: 'Julien Fabre', organisationName: 'Nordis Équipements' },
		daysAgo: 59,
		read: true
	},
	{
		to: 'manager@relais.test',
		kind: 'role_changed',
		data: { name: 'Claire Morel', role: 'manager' },
		daysAgo: 14,
		read: false
	},
	{
		to: 'rep@relais.test',
		kind: 'welcome',
		data: { name: 'Thomas Girard', organisationName: 'Nordis Équipements' },
		daysAgo: 55,
		read: false
	},
	{
		to: 'partner.admin@alpha.test',
		kind: 'welcome',
		data: { name: 'Sébastien Leroy', organisationName: 'Alpha' },
		daysAgo: 56,
		read: true
	},
	{
		to: 'partner.admin@alpha.test',
		kind: 'invitation_accepted',
		data: { name: 'Karim Benali', organisationName: 'Alpha' },
		daysAgo: 30,
		read: true
	},
	{
		to: 'partner.admin@alpha.test',
		kind: 'invitation_accepted',
		data: { name: 'Marie Petit', organisationName: 'Alpha' },
		daysAgo: 9,
		read: false
	},
	{
		to: 'partner@beta.test',
		kind: 'welcome',
		data: { name: 'Pauline Chevalier', organisationName: 'Beta' },
		daysAgo: 27,
		read: false
	},
	{
		to: 'franck.meyer@beta.test',
		kind: 'invitation_accepted',
		data: { name: 'Pauline Chevalier', organisationName: 'Beta' },
		daysAgo: 27,
		read: false
	}
];

/** The manager was promoted from rep two weeks ago: one audit row and one notification tell it. */
export const DEMO_ROLE_CHANGE = {
	actor: 'admin@relais.test',
	user: 'manager@relais.test',
	from: 'rep' as Role,
	to: 'manager' as Role,
	daysAgo: 14
};

/** The suspended partner was suspended a week ago. */
export const DEMO_SUSPENSION = { actor: 'admin@relais.test', organisation: 'rhin', daysAgo: 7 };

export type DemoLogin = { email: string; role: Role; organisation: string };

const REQUIRED_LOGINS = [
	'admin@relais.test',
	'manager@relais.test',
	'rep@relais.test',
	'partner.admin@alpha.test',
	'partner@beta.test'
];

/** The logins the README lists, all with DEMO_PASSWORD. */
export const DEMO_LOGINS: DemoLogin[] = REQUIRED_LOGINS.map((email) => {
	const user = DEMO_USERS.find((u) => u.email === email);
	if (!user) throw new Error(`Demo login ${email} is missing from the seed`);
	return { email, role: user.role, organisation: organisationName(user.organisation) };
});
