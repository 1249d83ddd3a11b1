import { generateToken, hashToken } from '../auth/sessions.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import {
	activities,
	auditLog,
	emailOutbox,
	invitations,
	managerRegions,
	notifications,
	organisations,
	regions,
	teams,
	users
} from '../db/schema.ts';
import {
	DEMO_ACTIVITIES,
	DEMO_INVITATIONS,
	DEMO_NOTIFICATIONS,
	DEMO_ORGANISATIONS,
	DEMO_REGIONS,
	DEMO_ROLE_CHANGE,
	DEMO_SUSPENSION,
	DEMO_TEAMS,
	DEMO_USERS,
	HOST
} from './demo.ts';
import { insertDemoCrm, type CrmSeedSummary } from './insert-crm.ts';
import { insertDemoFeed, type FeedSeedSummary } from './insert-feed.ts';
import { insertDemoPlans, type PlanSeedSummary } from './insert-plans.ts';
import { invitationMail, welcomeMail } from './mail.ts';

export type SeedSummary = {
	organisations: number;
	users: number;
	invitations: number;
	activities: number;
	notifications: number;
	auditEntries: number;
	emails: number;
	crm: CrmSeedSummary;
	plans: PlanSeedSummary;
	feed: FeedSeedSummary;
};

const DAY = 24 * 60 * 60 * 1000;
const MINUTE = 60 * 1000;
/** People who receive a welcome e-mail in the demo outbox (one per language). */
const WELCOMED = ['admin@relais.test', 'emma.clarke@relais.test'];

function lookup(map: Map<string, string>, key: string, what: string): string {
	const id = map.get(key);
	if (!id) throw new Error(`Demo seed: unknown ${what} ${key}`);
	return id;
}

function optional(map: Map<string, string>, key: string | null | undefined, what: string) {
	return key ? lookup(map, key, what) : null;
}

function originOf(config: Config): string {
	if (config.origin) return config.origin.replace(/\/$/, '');
	const host = ['0.0.0.0', '::'].includes(config.host) ? 'localhost' : config.host;
	return `http://${host}:${config.port}`;
}

/**
 * Writes the whole demo workspace with the given (already hashed) password. Call it inside a
 * transaction on an empty database. Every `daysAgo` counts back from `now`; an index in minutes
 * keeps timestamps distinct, so lists sorted by date have one stable order.
 */
export async function insertDemoWorkspace(
	tx: Db,
	config: Config,
	passwordHash: string,
	now: Date = new Date()
): Promise<SeedSummary> {
	const ago = (days: number, index = 0) => new Date(now.getTime() - days * DAY - index * MINUTE);
	const ids = (rows: { id: string; key: string }[]) => new Map(rows.map((r) => [r.key, r.id]));

	const regionRows = await tx
		.insert(regions)
		.values(DEMO_REGIONS.map((r) => ({ code: r.code, name: r.name, createdAt: ago(60) })))
		.returning({ id: regions.id, key: regions.code });
	const regionIds = ids(regionRows);

	const teamRows = await tx
		.insert(teams)
		.values(
			DEMO_TEAMS.map((t) => ({
				name: t.name,
				regionId: optional(regionIds, t.region, 'region'),
				createdAt: ago(60)
			}))
		)
		.returning({ id: teams.id, key: teams.name });
	const teamIds = new Map(
		DEMO_TEAMS.map((t) => [t.key, lookup(ids(teamRows), t.name, 'team')] as const)
	);

	const orgRows = await tx
		.insert(organisations)
		.values(
			DEMO_ORGANISATIONS.map((o, i) => ({
				name: o.name,
				kind: o.kind,
				tier: o.tier,
				regionId: optional(regionIds, o.region, 'region'),
				status: o.status,
				createdAt: ago(o.daysAgo, i),
				updatedAt:
					o.key === DEMO_SUSPENSION.organisation ? ago(DEMO_SUSPENSION.daysAgo) : ago(o.daysAgo, i)
			}))
		)
		.returning({ id: organisations.id, key: organisations.name });
	const orgIds = new Map(
		DEMO_ORGANISATIONS.map((o) => [o.key, lookup(ids(orgRows), o.name, 'organisation')] as const)
	);
	const orgName = new Map(DEMO_ORGANISATIONS.map((o) => [o.key, o.name]));

	const userRows = await tx
		.insert(users)
		.values(
			DEMO_USERS.map((u, i) => ({
				email: u.email,
				name: u.name,
				locale: u.locale,
				organisationId: lookup(orgIds, u.organisation, 'organisation'),
				role: u.role,
				teamId: optional(teamIds, u.team, 'team'),
				regionId: optional(regionIds, u.region, 'region'),
				title: u.title,
				passwordHash,
				createdAt: ago(u.daysAgo, i),
				lastSeenAt: u.lastSeenDaysAgo === undefined ? null : ago(u.lastSeenDaysAgo, 30 + i)
			}))
		)
		.returning({ id: users.id, key: users.email });
	const userIds = ids(userRows);
	const userName = new Map(DEMO_USERS.map((u) => [u.email, u.name]));

	const managed = DEMO_USERS.flatMap((u) =>
		(u.manages ?? []).map((code) => ({
			userId: lookup(userIds, u.email, 'user'),
			regionId: lookup(regionIds, code, 'region')
		}))
	);
	if (managed.length > 0) await tx.insert(managerRegions).values(managed);

	// Invitation links work: the token is random, only its hash is stored, the link is in the outbox.
	const origin = originOf(config);
	const pending = DEMO_INVITATIONS.map((inv, i) => ({
		inv,
		token: generateToken(),
		createdAt: ago(inv.daysAgo, i),
		expiresAt: new Date(now.getTime() + inv.expiresInDays * DAY - i * MINUTE)
	}));
	const invitationRows = await tx
		.insert(invitations)
		.values(
			pending.map(({ inv, token, createdAt, expiresAt }) => ({
				tokenHash: hashToken(token),
				email: inv.email,
				role: inv.role,
				organisationId: lookup(orgIds, inv.organisation, 'organisation'),
				teamId: optional(teamIds, inv.team, 'team'),
				regionId: optional(regionIds, inv.region, 'region'),
				invitedById: lookup(userIds, inv.invitedBy, 'user'),
				expiresAt,
				createdAt
			}))
		)
		.returning({ id: invitations.id, key: invitations.email });
	const invitationIds = ids(invitationRows);

	const emails = [
		...WELCOMED.map((email) => {
			const user = DEMO_USERS.find((u) => u.email === email);
			if (!user) throw new Error(`Demo seed: unknown user ${email}`);
			const mail = welcomeMail({
				locale: user.locale,
				name: user.name,
				organisationName: lookup(orgName, user.organisation, 'organisation'),
				link: `${origin}/login`
			});
			return { to: email, kind: 'welcome', mail, createdAt: ago(user.daysAgo) };
		}),
		...pending.map(({ inv, token, createdAt, expiresAt }) => ({
			to: inv.email,
			kind: 'invitation',
			mail: invitationMail({
				locale: 'fr',
				inviterName: lookup(userName, inv.invitedBy, 'user'),
				organisationName: lookup(orgName, inv.organisation, 'organisation'),
				link: `${origin}/invitation/${token}`,
				expiresAt
			}),
			createdAt
		}))
	];
	await tx.insert(emailOutbox).values(
		emails.map((e) => ({
			toAddress: e.to,
			subject: e.mail.subject,
			bodyText: e.mail.text,
			kind: e.kind,
			status: 'kept' as const,
			createdAt: e.createdAt
		}))
	);

	const objectIds = {
		organisation: orgIds,
		user: userIds,
		invitation: invitationIds
	};
	await tx.insert(activities).values(
		DEMO_ACTIVITIES.map((a, i) => ({
			actorId: lookup(userIds, a.actor, 'user'),
			organisationId: optional(orgIds, a.organisation, 'organisation'),
			verb: a.verb,
			objectType: a.object.type,
			objectId: lookup(objectIds[a.object.type], a.object.ref, a.object.type),
			data: a.data,
			createdAt: ago(a.daysAgo, i)
		}))
	);

	await tx.insert(notifications).values(
		DEMO_NOTIFICATIONS.map((n, i) => ({
			userId: lookup(userIds, n.to, 'user'),
			kind: n.kind,
			data: n.data,
			link: '/',
			createdAt: ago(n.daysAgo, i),
			// Read an hour and a half after it arrived, never in the future.
			readAt: n.read ? new Date(Math.min(now.getTime(), ago(n.daysAgo, i - 90).getTime())) : null
		}))
	);

	const audit = auditRows({ ago, orgIds, userIds, invitationIds });
	await tx.insert(auditLog).values(audit);

	const crm = await insertDemoCrm(tx, { ago, now, orgIds, userIds, regionIds, orgName });
	const plans = await insertDemoPlans(tx, { ago, now, orgIds, userIds });
	const feed = await insertDemoFeed(tx, { ago, now, orgIds, userIds });

	return {
		organisations: orgRows.length,
		users: userRows.length,
		invitations: invitationRows.length,
		activities: DEMO_ACTIVITIES.length,
		notifications: DEMO_NOTIFICATIONS.length,
		auditEntries: audit.length,
		emails: emails.length,
		crm,
		plans,
		feed
	};
}

/** Who did what: organisations created, people invited and joined, a promotion, a suspension. */
function auditRows(input: {
	ago: (days: number, index?: number) => Date;
	orgIds: Map<string, string>;
	userIds: Map<string, string>;
	invitationIds: Map<string, string>;
}) {
	const { ago, orgIds, userIds, invitationIds } = input;
	const admin = lookup(userIds, 'admin@relais.test', 'user');
	const hostId = lookup(orgIds, HOST, 'organisation');
	const rows = [
		...DEMO_ORGANISATIONS.map((o, i) => ({
			actorId: o.key === HOST ? null : admin,
			organisationId: lookup(orgIds, o.key, 'organisation'),
			action: 'organisation.created',
			objectType: 'organisation',
			objectId: lookup(orgIds, o.key, 'organisation'),
			data: { name: o.name, kind: o.kind, tier: o.tier },
			createdAt: ago(o.daysAgo, i)
		})),
		...DEMO_USERS.filter((u) => u.email !== 'admin@relais.test').map((u, i) => ({
			actorId: lookup(userIds, u.email, 'user'),
			organisationId: lookup(orgIds, u.organisation, 'organisation'),
			action: 'user.joined',
			objectType: 'user',
			objectId: lookup(userIds, u.email, 'user'),
			data: { email: u.email, role: u.role },
			createdAt: ago(u.daysAgo, i)
		})),
		...DEMO_INVITATIONS.map((inv, i) => ({
			actorId: lookup(userIds, inv.invitedBy, 'user'),
			organisationId: lookup(orgIds, inv.organisation, 'organisation'),
			action: 'user.invited',
			objectType: 'invitation',
			objectId: lookup(invitationIds, inv.email, 'invitation'),
			data: { email: inv.email, role: inv.role },
			createdAt: ago(inv.daysAgo, i)
		})),
		{
			actorId: lookup(userIds, DEMO_ROLE_CHANGE.actor, 'user'),
			organisationId: hostId,
			action: 'user.role_changed',
			objectType: 'user',
			objectId: lookup(userIds, DEMO_ROLE_CHANGE.user, 'user'),
			data: { from: DEMO_ROLE_CHANGE.from, to: DEMO_ROLE_CHANGE.to },
			createdAt: ago(DEMO_ROLE_CHANGE.daysAgo)
		},
		{
			actorId: lookup(userIds, DEMO_SUSPENSION.actor, 'user'),
			organisationId: lookup(orgIds, DEMO_SUSPENSION.organisation, 'organisation'),
			action: 'organisation.suspended',
			objectType: 'organisation',
			objectId: lookup(orgIds, DEMO_SUSPENSION.organisation, 'organisation'),
			data: { from: 'active', to: 'suspended' },
			createdAt: ago(DEMO_SUSPENSION.daysAgo)
		}
	];
	// Ids are a sequence: insert oldest first so id order and time order agree.
	return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}
