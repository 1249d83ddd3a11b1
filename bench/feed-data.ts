// Data of bench/feed.ts: 950 partners, 5,000 people (500 host, 4,500 partner), 1,000 channels
// (950 partner channels, 40 internal, 9 community of three partners, the announcements channel of
// the migration), 1,000,000 posts over a year, ~200,000 comments, ~700,000 reactions and
// memberships, generated inside PostgreSQL with generate_series. Every value is a function of the
// row number, so every run builds the same data.
import type postgres from 'postgres';

export type FeedScale = { posts: number; comments: number };

export const PARTNERS = 950;
export const INTERNAL = 40;
export const COMMUNITY = 9;
export const HOST_USERS = 500;
export const PARTNER_USERS = 4500;

const id = (prefix: string) => (n: string) =>
	`('00000000-0000-4000-${prefix}-' || lpad((${n})::text, 12, '0'))::uuid`;
const lit = (prefix: string) => (n: number) =>
	`00000000-0000-4000-${prefix}-${String(n).padStart(12, '0')}`;

export const ids = {
	host: '00000000-0000-4000-8000-000000000000',
	partner: id('8000'),
	hostUser: id('9000'),
	partnerUser: id('a000'),
	channel: id('f000'),
	post: id('d000')
};
export const partnerId = lit('8000');
export const hostUserId = lit('9000');
export const partnerUserId = lit('a000');
export const channelId = lit('f000');

/** Partner user j belongs to partner 1 + (j - 1) % PARTNERS; partner p's k-th person is p + k·PARTNERS. */
const partnerOfUser = (j: string) => `1 + ((${j}) - 1) % ${PARTNERS}`;
const partnerUser = (p: string, k: string) => `(${p}) + ${PARTNERS} * ((${k}) % 4)`;

/** A well-spread non-negative hash of a row number, with a salt. */
const hash = (n: string, salt: number) =>
	`((((${n})::bigint + ${salt}) * 2654435761) % 4294967296 / 4096)`;

// Post i's channel: 0.2 % announcements, 8 % internal, 1 % community, the rest a partner's channel.
const slot = (i: string) => `((${i}) % 1000)`;
const channelOf = (i: string) => `case
	when ${slot(i)} < 2 then (select id from feed_channels where kind = 'announcements' limit 1)
	when ${slot(i)} < 82 then ${ids.channel(`${PARTNERS + 1} + ((${i}) / 1000) % ${INTERNAL}`)}
	when ${slot(i)} < 92 then ${ids.channel(`${PARTNERS + INTERNAL + 1} + ((${i}) / 1000) % ${COMMUNITY}`)}
	else ${ids.channel(`1 + ${hash(i, 7)} % ${PARTNERS}`)} end`;
/** Community channel c's member partners: three, spread over the partners. */
const communityPartner = (c: string, k: string) => `1 + ((${c}) * 97 + (${k}) * 311) % ${PARTNERS}`;
// Half the posts of partner and community channels come from the partner's people.
const byPartner = (i: string) => `(${slot(i)} >= 82 and (${i}) % 2 = 1)`;
const partnerOfPost = (i: string) => `case when ${slot(i)} < 92
	then ${communityPartner(`((${i}) / 1000) % ${COMMUNITY}`, `(${i}) % 3`)}
	else 1 + ${hash(i, 7)} % ${PARTNERS} end`;
const authorOf = (i: string) => `case when ${byPartner(i)}
	then ${ids.partnerUser(partnerUser(partnerOfPost(i), hash(i, 11)))}
	else ${ids.hostUser(`1 + ${hash(i, 13)} % ${HOST_USERS}`)} end`;
const orgOf = (i: string) =>
	`case when ${byPartner(i)} then ${ids.partner(partnerOfPost(i))} else '${ids.host}'::uuid end`;
/** A year of posts, oldest first; the newest one a minute ago. */
const postTime = (i: string, n: number) =>
	`now() - interval '1 minute' - ((${n} - (${i})) * interval '${Math.floor((365 * 86400) / n)} seconds')`;

const BODIES = [
	'Point sur le dossier : visite technique prévue la semaine prochaine, **devis** à suivre.',
	'Livraison confirmée pour jeudi. Merci à toute l’équipe pour la réactivité !',
	'Question : le four mixte 10 niveaux existe-t-il en version gaz ? Le client hésite.',
	'Nouvelle fiche produit disponible :\n- dimensions\n- consommation\n- options',
	'Le client a signé, commande passée ce matin.'
];

function generationSql(scale: FeedScale): [string, string][] {
	const { posts, comments } = scale;
	const bodies = `(array[${BODIES.map((b) => `'${b.replace(/'/g, "''")}'`).join(',')}])`;
	return [
		[
			'organisations and people',
			`insert into organisations (id, name, kind, status) values ('${ids.host}', 'Nordis Bench', 'host', 'active');
			insert into organisations (id, name, kind, tier, status)
				select ${ids.partner('g')}, 'Partenaire ' || g, 'partner', 'gold', 'active'
				from generate_series(1, ${PARTNERS}) g;
			insert into users (id, email, name, organisation_id, role, locale)
				select ${ids.hostUser('g')}, 'host' || g || '@bench.test', 'Commercial ' || g, '${ids.host}',
					case when g <= 5 then 'admin' when g <= 50 then 'manager' else 'rep' end, 'fr'
				from generate_series(1, ${HOST_USERS}) g;
			insert into users (id, email, name, organisation_id, role, locale)
				select ${ids.partnerUser('g')}, 'user' || g || '@partner.test', 'Personne ' || g,
					${ids.partner(partnerOfUser('g'))},
					case when g <= ${PARTNERS} then 'partner_admin' else 'partner_member' end, 'fr'
				from generate_series(1, ${PARTNER_USERS}) g`
		],
		[
			'1,000 channels',
			`insert into feed_channels (id, kind, name, partner_id, created_at)
				select ${ids.channel('g')}, 'partner', 'Partenaire ' || g, ${ids.partner('g')}, now() - interval '400 days'
				from generate_series(1, ${PARTNERS}) g;
			insert into feed_channels (id, kind, name, created_at)
				select ${ids.channel(`${PARTNERS} + g`)}, 'internal', 'Équipe ' || g, now() - interval '400 days'
				from generate_series(1, ${INTERNAL}) g;
			insert into feed_channels (id, kind, name, created_at)
				select ${ids.channel(`${PARTNERS + INTERNAL + 1} + g`)}, 'community', 'Conseil ' || g, now() - interval '400 days'
				from generate_series(0, ${COMMUNITY - 1}) g;
			insert into feed_channel_organisations (channel_id, organisation_id)
				select distinct ${ids.channel(`${PARTNERS + INTERNAL + 1} + c`)}, ${ids.partner(communityPartner('c', 'k'))}
				from generate_series(0, ${COMMUNITY - 1}) c, generate_series(0, 2) k`
		],
		[
			`${posts.toLocaleString('en')} posts`,
			`insert into feed_posts (id, channel_id, kind, author_id, author_organisation_id, body, created_at)
				select ${ids.post('i')}, ${channelOf('i')}, 'message', ${authorOf('i')}, ${orgOf('i')},
					${bodies}[1 + i % ${BODIES.length}] || ' (#' || i || ')', ${postTime('i', posts)}
				from generate_series(1, ${posts}) i`
		],
		[
			`${comments.toLocaleString('en')} comments`,
			// Comment c answers post p (spread over the year), an hour or less after it.
			`insert into feed_posts (id, channel_id, parent_id, kind, author_id, author_organisation_id, body, created_at)
				select ${ids.post(`${posts} + c`)}, ${channelOf('p')}, ${ids.post('p')}, 'message',
					${ids.hostUser(`1 + c % ${HOST_USERS}`)}, '${ids.host}'::uuid, 'Merci, bien noté.',
					${postTime('p', posts)} + ((c % 3600) * interval '1 second')
				from (select c, 1 + ${hash('c', 17)} % ${posts} as p from generate_series(1, ${comments}) c) x;
			update feed_posts p set comment_count = x.n
				from (select parent_id, count(*)::int as n from feed_posts where parent_id is not null group by 1) x
				where p.id = x.parent_id`
		],
		[
			'reactions',
			// Every other post: a host person's 👍; one in five: a 🎉 from its own author's side.
			`insert into feed_reactions (post_id, user_id, emoji, organisation_id, created_at)
				select ${ids.post('i')}, ${ids.hostUser(`1 + (i / 2) % ${HOST_USERS}`)}, '👍', '${ids.host}', ${postTime('i', posts)}
				from generate_series(2, ${posts}, 2) i;
			insert into feed_reactions (post_id, user_id, emoji, organisation_id, created_at)
				select ${ids.post('i')}, ${authorOf('i')}, '🎉', ${orgOf('i')}, ${postTime('i', posts)}
				from generate_series(5, ${posts}, 5) i`
		],
		[
			'memberships',
			// Partner people: their channel; host people: 20 partner channels joined, 2 left.
			`insert into feed_memberships (channel_id, user_id, state, last_read_at)
				select ${ids.channel(partnerOfUser('g'))}, ${ids.partnerUser('g')}, 'joined', now() - interval '2 days'
				from generate_series(1, ${PARTNER_USERS}) g;
			insert into feed_memberships (channel_id, user_id, state, last_read_at)
				select ${ids.channel(`1 + (g * 37 + k * 53) % ${PARTNERS}`)}, ${ids.hostUser('g')},
					case when k < 2 then 'left' else 'joined' end, now() - interval '2 days'
				from generate_series(1, ${HOST_USERS}) g, generate_series(0, 21) k
				on conflict do nothing;
			update feed_channels c set last_post_at = x.newest from (select channel_id, max(created_at) as newest
				from feed_posts where parent_id is null group by channel_id) x where c.id = x.channel_id`
		]
	];
}

const BULK_TABLES = ['feed_posts', 'feed_reactions', 'feed_memberships'];

export async function generate(raw: postgres.Sql, scale: FeedScale, log: (line: string) => void) {
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
	await timed('vacuum analyze', () => raw.unsafe('vacuum analyze'));
	log(`  generation total: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
