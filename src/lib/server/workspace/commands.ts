import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type {
	Locale,
	OrganisationKind,
	OrganisationStatus,
	Role,
	Tier
} from '../../shared/enums.ts';
import type { Actor } from '../access/actor.ts';
import {
	canAssignTeam,
	canChangeRole,
	canDeactivate,
	canManageOrganisations,
	canManagePeopleOf,
	canViewOrganisation,
	canViewUser,
	roleFitsOrganisation,
	type UserRef,
	isAdminRole,
	isWorkspaceAdmin,
	roleManagesRegions
} from '../access/policy.ts';
import { ensurePartnerChannel } from '../feed/channels.ts';
import { recordActivity } from '../activity/index.ts';
import { recordAudit } from '../audit/index.ts';
import { inviteUser } from '../auth/invitations.ts';
import { announceAccessChange, revokeUserAccess } from '../auth/revoke.ts';
import type { Db } from '../db/client.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { invitations, managerRegions, organisations, regions, teams, users } from '../db/schema.ts';
import type { MailSettings } from '../mail/index.ts';
import { notify } from '../notifications/index.ts';
import { DomainError } from '../errors.ts';
import { actorName, type CommandContext } from '../command.ts';

// Writes of the people and organisation admin pages. Each command is one transaction that
// authorises with the policy against the rows it locked, changes them, and records the audit
// entry, the activity and the notifications of the change — all or nothing.

/** The person acting; their name goes into notifications and e-mails. */
export type InviteContext = CommandContext & { origin: string; mail: MailSettings };

// Changes that may remove a workspace admin take turns, so two admins demoting or deactivating
// each other at the same moment cannot both succeed. Any constant works (the seed uses another).
const ADMIN_SET_LOCK = sql`select pg_advisory_xact_lock(727366)`;

type Target = UserRef & {
	name: string;
	email: string;
	active: boolean;
	organisationName: string;
	organisationStatus: OrganisationStatus;
};

async function lockTarget(tx: Db, userId: string): Promise<Target | undefined> {
	const [row] = await tx
		.select({
			id: users.id,
			name: users.name,
			email: users.email,
			role: users.role,
			active: users.active,
			organisationId: users.organisationId,
			organisationKind: organisations.kind,
			organisationName: organisations.name,
			organisationStatus: organisations.status
		})
		.from(users)
		.innerJoin(organisations, eq(organisations.id, users.organisationId))
		.where(eq(users.id, userId))
		.for('update', { of: users });
	return row;
}

/**
 * Loads the person a command is about. Someone the actor may not even see (another partner's
 * people) does not exist for them: NOT_FOUND, never a hint. If the person is a workspace admin,
 * the admin-set lock is taken first.
 */
async function loadTarget(tx: Db, actor: Actor, userId: string): Promise<Target> {
	const [peek] = await tx.select({ role: users.role }).from(users).where(eq(users.id, userId));
	if (peek && isAdminRole(peek.role)) await tx.execute(ADMIN_SET_LOCK);
	const target = await lockTarget(tx, userId);
	if (!target || !canViewUser(actor, target)) throw new DomainError('NOT_FOUND');
	return target;
}

/** Refuses a change that would leave the workspace without an active admin. */
async function ensureAnotherAdmin(tx: Db, target: Target): Promise<void> {
	if (!isWorkspaceAdmin(target) || !target.active) return;
	const [row] = await tx
		.select({ n: sql<number>`count(*)::int` })
		.from(users)
		.innerJoin(organisations, eq(organisations.id, users.organisationId))
		.where(
			and(
				eq(users.role, 'admin'),
				eq(users.active, true),
				eq(organisations.kind, 'host'),
				ne(users.id, target.id)
			)
		);
	if (row.n === 0) throw new DomainError('LAST_ADMIN');
}

/** Activities of a partner's people belong to that partner's world; the host's to the host. */
const worldOf = (kind: OrganisationKind, organisationId: string) =>
	kind === 'partner' ? organisationId : null;

export async function changeRole(
	db: Db,
	actor: Actor,
	input: { userId: string; role: Role },
	context: CommandContext = {}
): Promise<{ changed: boolean }> {
	return db.transaction(async (tx) => {
		const target = await loadTarget(tx, actor, input.userId);
		const organisation = { id: target.organisationId, kind: target.organisationKind };
		if (!canManagePeopleOf(actor, organisation)) throw new DomainError('FORBIDDEN');
		if (target.id === actor.id) throw new DomainError('SELF_CHANGE');
		if (!roleFitsOrganisation(input.role, target.organisationKind)) {
			throw new DomainError('ROLE_DOES_NOT_FIT');
		}
		if (!canChangeRole(actor, target, input.role)) throw new DomainError('FORBIDDEN');
		if (target.role === input.role) return { changed: false };
		if (!isAdminRole(input.role)) await ensureAnotherAdmin(tx, target);

		await tx.update(users).set({ role: input.role }).where(eq(users.id, target.id));
		// Managed regions only mean something for a manager.
		if (!roleManagesRegions(input.role)) {
			await tx.delete(managerRegions).where(eq(managerRegions.userId, target.id));
		}
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: target.organisationId,
			action: 'user.role_changed',
			objectType: 'user',
			objectId: target.id,
			data: { from: target.role, to: input.role },
			ip: context.ip ?? null
		});
		await recordActivity(tx, {
			actorId: actor.id,
			organisationId: worldOf(target.organisationKind, target.organisationId),
			verb: 'user.role_changed',
			objectType: 'user',
			objectId: target.id,
			data: { name: target.name, role: input.role, organisationName: target.organisationName }
		});
		await notify(tx, {
			userIds: [target.id],
			kind: 'role_changed',
			data: { name: await actorName(tx, actor), role: input.role },
			link: '/'
		});
		await announceAccessChange(tx, target.id);
		return { changed: true };
	});
}

async function assertExist(
	tx: Db,
	table: typeof teams | typeof regions,
	ids: string[],
	code: 'UNKNOWN_TEAM' | 'UNKNOWN_REGION'
): Promise<void> {
	const wanted = [...new Set(ids)];
	if (wanted.length === 0) return;
	const rows = await tx.select({ id: table.id }).from(table).where(inArray(table.id, wanted));
	if (rows.length !== wanted.length) throw new DomainError(code);
}

/** A host person's team and region; for a manager, the regions they manage too. */
export async function assignTeamAndRegion(
	db: Db,
	actor: Actor,
	input: {
		userId: string;
		teamId: string | null;
		regionId: string | null;
		managedRegionIds?: string[];
	},
	context: CommandContext = {}
): Promise<{ changed: boolean }> {
	return db.transaction(async (tx) => {
		const target = await loadTarget(tx, actor, input.userId);
		if (!canAssignTeam(actor, target)) throw new DomainError('FORBIDDEN');
		await assertExist(tx, teams, input.teamId ? [input.teamId] : [], 'UNKNOWN_TEAM');
		const managed = roleManagesRegions(target.role)
			? [...new Set(input.managedRegionIds ?? [])]
			: [];
		await assertExist(
			tx,
			regions,
			[...(input.regionId ? [input.regionId] : []), ...managed],
			'UNKNOWN_REGION'
		);

		const [before] = await tx
			.select({ teamId: users.teamId, regionId: users.regionId })
			.from(users)
			.where(eq(users.id, target.id));
		const previousManaged = (
			await tx
				.select({ regionId: managerRegions.regionId })
				.from(managerRegions)
				.where(eq(managerRegions.userId, target.id))
		)
			.map((r) => r.regionId)
			.sort();
		const nextManaged = [...managed].sort();
		const sameManaged = previousManaged.join() === nextManaged.join();
		if (before.teamId === input.teamId && before.regionId === input.regionId && sameManaged) {
			return { changed: false };
		}

		await tx
			.update(users)
			.set({ teamId: input.teamId, regionId: input.regionId })
			.where(eq(users.id, target.id));
		if (!sameManaged) {
			await tx.delete(managerRegions).where(eq(managerRegions.userId, target.id));
			if (nextManaged.length > 0) {
				await tx
					.insert(managerRegions)
					.values(nextManaged.map((regionId) => ({ userId: target.id, regionId })));
			}
		}
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: target.organisationId,
			action: 'user.team_changed',
			objectType: 'user',
			objectId: target.id,
			data: {
				from: {
					teamId: before.teamId,
					regionId: before.regionId,
					managedRegionIds: previousManaged
				},
				to: { teamId: input.teamId, regionId: input.regionId, managedRegionIds: nextManaged }
			},
			ip: context.ip ?? null
		});
		return { changed: true };
	});
}

async function setActive(
	db: Db,
	actor: Actor,
	userId: string,
	active: boolean,
	context: CommandContext
): Promise<{ changed: boolean }> {
	return db.transaction(async (tx) => {
		const target = await loadTarget(tx, actor, userId);
		if (target.id === actor.id) throw new DomainError('SELF_CHANGE');
		if (!canDeactivate(actor, target)) throw new DomainError('FORBIDDEN');
		if (target.active === active) return { changed: false };
		if (!active) await ensureAnotherAdmin(tx, target);

		await tx
			.update(users)
			.set({ active, deactivatedAt: active ? null : new Date() })
			.where(eq(users.id, target.id));
		// Sessions end now and every process closes the person's live connections at commit.
		if (!active) await revokeUserAccess(tx, target.id);
		const verb = active ? 'user.reactivated' : 'user.deactivated';
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: target.organisationId,
			action: verb,
			objectType: 'user',
			objectId: target.id,
			data: { email: target.email },
			ip: context.ip ?? null
		});
		await recordActivity(tx, {
			actorId: actor.id,
			organisationId: worldOf(target.organisationKind, target.organisationId),
			verb,
			objectType: 'user',
			objectId: target.id,
			data: { name: target.name, organisationName: target.organisationName }
		});
		return { changed: true };
	});
}

/** Deactivates someone: they cannot sign in any more, their sessions and connections end now. */
export function deactivateUser(
	db: Db,
	actor: Actor,
	input: { userId: string },
	context: CommandContext = {}
): Promise<{ changed: boolean }> {
	return setActive(db, actor, input.userId, false, context);
}

export function reactivateUser(
	db: Db,
	actor: Actor,
	input: { userId: string },
	context: CommandContext = {}
): Promise<{ changed: boolean }> {
	return setActive(db, actor, input.userId, true, context);
}

async function loadOrganisation(tx: Db, actor: Actor, organisationId: string, lock = false) {
	const query = tx.select().from(organisations).where(eq(organisations.id, organisationId));
	const [org] = lock ? await query.for('update') : await query;
	if (!org || !canViewOrganisation(actor, org)) throw new DomainError('NOT_FOUND');
	return org;
}

/**
 * Invites someone from the admin pages: checks what `inviteUser` leaves to its callers (the
 * organisation is active, the role fits it, team and region exist) with clear refusals.
 */
export async function invitePerson(
	db: Db,
	actor: Actor,
	input: {
		email: string;
		role: Role;
		organisationId: string;
		teamId?: string | null;
		regionId?: string | null;
		locale: Locale;
	},
	context: InviteContext
): Promise<{ invitationId: string; link: string }> {
	return db.transaction(async (tx) => {
		const org = await loadOrganisation(tx, actor, input.organisationId);
		if (!canManagePeopleOf(actor, org)) throw new DomainError('FORBIDDEN');
		if (org.status !== 'active') throw new DomainError('ORGANISATION_SUSPENDED');
		if (!roleFitsOrganisation(input.role, org.kind)) throw new DomainError('ROLE_DOES_NOT_FIT');
		const host = org.kind === 'host';
		const teamId = host ? (input.teamId ?? null) : null;
		const regionId = host ? (input.regionId ?? null) : null;
		await assertExist(tx, teams, teamId ? [teamId] : [], 'UNKNOWN_TEAM');
		await assertExist(tx, regions, regionId ? [regionId] : [], 'UNKNOWN_REGION');
		return inviteUser(tx, actor, { ...input, teamId, regionId }, context);
	});
}

async function loadPendingInvitation(tx: Db, actor: Actor, invitationId: string) {
	const [row] = await tx
		.select({ invitation: invitations, kind: organisations.kind, status: organisations.status })
		.from(invitations)
		.innerJoin(organisations, eq(organisations.id, invitations.organisationId))
		.where(eq(invitations.id, invitationId))
		.for('update', { of: invitations });
	const org = row && { id: row.invitation.organisationId, kind: row.kind };
	if (!row || !org || !canViewOrganisation(actor, org)) throw new DomainError('NOT_FOUND');
	if (!canManagePeopleOf(actor, org)) throw new DomainError('FORBIDDEN');
	if (row.invitation.acceptedAt || row.invitation.revokedAt) {
		throw new DomainError('INVITATION_NOT_PENDING');
	}
	return row;
}

/** Withdraws an invitation: its link stops working at once. */
export async function revokeInvitation(
	db: Db,
	actor: Actor,
	input: { invitationId: string },
	context: CommandContext = {}
): Promise<void> {
	await db.transaction(async (tx) => {
		const { invitation } = await loadPendingInvitation(tx, actor, input.invitationId);
		await tx
			.update(invitations)
			.set({ revokedAt: new Date() })
			.where(eq(invitations.id, invitation.id));
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: invitation.organisationId,
			action: 'invitation.revoked',
			objectType: 'invitation',
			objectId: invitation.id,
			data: { email: invitation.email, role: invitation.role },
			ip: context.ip ?? null
		});
	});
}

/** Sends a pending or expired invitation again, with a new link (the old one stops working). */
export async function resendInvitation(
	db: Db,
	actor: Actor,
	input: { invitationId: string; locale: Locale },
	context: InviteContext
): Promise<{ invitationId: string; link: string }> {
	return db.transaction(async (tx) => {
		const { invitation, status } = await loadPendingInvitation(tx, actor, input.invitationId);
		if (status !== 'active') throw new DomainError('ORGANISATION_SUSPENDED');
		const result = await inviteUser(
			tx,
			actor,
			{
				email: invitation.email,
				role: invitation.role,
				organisationId: invitation.organisationId,
				teamId: invitation.teamId,
				regionId: invitation.regionId,
				locale: input.locale
			},
			context
		);
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: invitation.organisationId,
			action: 'invitation.resent',
			objectType: 'invitation',
			objectId: result.invitationId,
			data: { email: invitation.email, previousInvitationId: invitation.id },
			ip: context.ip ?? null
		});
		return result;
	});
}

async function assertNameFree(tx: Db, name: string, exceptId?: string): Promise<void> {
	const [taken] = await tx
		.select({ id: organisations.id })
		.from(organisations)
		.where(
			and(
				eq(sql`lower(${organisations.name})`, name.toLowerCase()),
				exceptId ? ne(organisations.id, exceptId) : undefined
			)
		);
	if (taken) throw new DomainError('NAME_TAKEN');
}

async function uniqueName<T>(work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (error) {
		if (isUniqueViolation(error)) throw new DomainError('NAME_TAKEN');
		throw error;
	}
}

/**
 * Creates a partner company. With `adminEmail`, onboarding in one step: its partner admin is
 * invited in the same transaction (an address already taken refuses both, nothing half-made).
 */
export async function createPartnerOrganisation(
	db: Db,
	actor: Actor,
	input: {
		name: string;
		tier: Tier;
		regionId?: string | null;
		adminEmail?: string | null;
		locale?: Locale;
	},
	context: CommandContext | InviteContext = {}
): Promise<{ organisationId: string; invitationId: string | null }> {
	if (!canManageOrganisations(actor)) throw new DomainError('FORBIDDEN');
	return uniqueName(() =>
		db.transaction(async (tx) => {
			const name = input.name.trim();
			await assertNameFree(tx, name);
			const regionId = input.regionId ?? null;
			await assertExist(tx, regions, regionId ? [regionId] : [], 'UNKNOWN_REGION');
			const [org] = await tx
				.insert(organisations)
				.values({ name, kind: 'partner', tier: input.tier, regionId, status: 'active' })
				.returning({ id: organisations.id });
			// Every partner has its feed channel from the start.
			await ensurePartnerChannel(tx, { id: org.id, name });
			await recordAudit(tx, {
				actorId: actor.id,
				organisationId: org.id,
				action: 'organisation.created',
				objectType: 'organisation',
				objectId: org.id,
				data: { name, tier: input.tier, regionId },
				ip: context.ip ?? null
			});
			await recordActivity(tx, {
				actorId: actor.id,
				organisationId: org.id,
				verb: 'partner.joined',
				objectType: 'organisation',
				objectId: org.id,
				data: { name, organisationName: name, tier: input.tier }
			});
			if (!input.adminEmail) return { organisationId: org.id, invitationId: null };
			if (!('origin' in context))
				throw new Error('Inviting a partner admin needs an InviteContext.');
			const { invitationId } = await inviteUser(
				tx,
				actor,
				{
					email: input.adminEmail,
					role: 'partner_admin',
					organisationId: org.id,
					locale: input.locale ?? 'fr'
				},
				context
			);
			return { organisationId: org.id, invitationId };
		})
	);
}

/**
 * Name, tier, region and status of an organisation. Suspending a partner ends the sessions and
 * live connections of all its people in the same transaction; the host cannot be suspended.
 */
export async function updateOrganisation(
	db: Db,
	actor: Actor,
	input: OrganisationChange,
	context: CommandContext = {}
): Promise<{ changed: boolean }> {
	if (!canManageOrganisations(actor)) throw new DomainError('FORBIDDEN');
	return uniqueName(() => db.transaction((tx) => changeOrganisation(tx, actor, input, context)));
}

export type OrganisationChange = {
	organisationId: string;
	name?: string;
	tier?: Tier | null;
	regionId?: string | null;
	status?: OrganisationStatus;
};

/**
 * The body of `updateOrganisation`, inside the caller's transaction and WITHOUT its policy check:
 * for commands that authorise with another rule (the partner directory lets managers change a
 * partner's tier, region and status) but must change, audit and revoke exactly the same way.
 */
export async function changeOrganisation(
	tx: Db,
	actor: Actor,
	input: OrganisationChange,
	context: CommandContext = {}
): Promise<{ changed: boolean }> {
	const org = await loadOrganisation(tx, actor, input.organisationId, true);
	const host = org.kind === 'host';
	if (host && input.status === 'suspended') throw new DomainError('HOST_NOT_SUSPENDABLE');
	const next = {
		name: input.name?.trim() ?? org.name,
		// The host company has no partner tier.
		tier: host ? null : input.tier === undefined ? org.tier : input.tier,
		regionId: input.regionId === undefined ? org.regionId : input.regionId,
		status: input.status ?? org.status
	};
	if (next.name.toLowerCase() !== org.name.toLowerCase()) {
		await assertNameFree(tx, next.name, org.id);
	}
	if (next.regionId !== org.regionId) {
		await assertExist(tx, regions, next.regionId ? [next.regionId] : [], 'UNKNOWN_REGION');
	}
	const changes: Record<string, { from: unknown; to: unknown }> = {};
	for (const key of ['name', 'tier', 'regionId', 'status'] as const) {
		if (next[key] !== org[key]) changes[key] = { from: org[key], to: next[key] };
	}
	if (Object.keys(changes).length === 0) return { changed: false };

	await tx
		.update(organisations)
		.set({ ...next, updatedAt: new Date() })
		.where(eq(organisations.id, org.id));
	// A partner's feed channel carries its name.
	if (changes.name && !host) await ensurePartnerChannel(tx, { id: org.id, name: next.name });
	await recordAudit(tx, {
		actorId: actor.id,
		organisationId: org.id,
		action: 'organisation.updated',
		objectType: 'organisation',
		objectId: org.id,
		data: changes,
		ip: context.ip ?? null
	});
	if (changes.status) await changeStatus(tx, actor, org.id, next, context);
	else if (changes.tier && !host) await announceTier(tx, actor, org.id, next);
	return { changed: true };
}

async function changeStatus(
	tx: Db,
	actor: Actor,
	organisationId: string,
	next: { name: string; status: OrganisationStatus },
	context: CommandContext
): Promise<void> {
	const suspended = next.status === 'suspended';
	if (suspended) {
		const people = await tx
			.select({ id: users.id })
			.from(users)
			.where(eq(users.organisationId, organisationId));
		for (const person of people) await revokeUserAccess(tx, person.id);
	}
	const action = suspended ? 'organisation.suspended' : 'organisation.reactivated';
	await recordAudit(tx, {
		actorId: actor.id,
		organisationId,
		action,
		objectType: 'organisation',
		objectId: organisationId,
		data: suspended ? { from: 'active', to: 'suspended' } : { from: 'suspended', to: 'active' },
		ip: context.ip ?? null
	});
	// Only the host sees a suspension; the partner's people have just lost access anyway.
	await recordActivity(tx, {
		actorId: actor.id,
		organisationId: suspended ? null : organisationId,
		verb: suspended ? 'partner.suspended' : 'partner.reactivated',
		objectType: 'organisation',
		objectId: organisationId,
		data: { name: next.name, organisationName: next.name }
	});
}

/** A new tier matters to the partner: their admins hear of it, their world records it. */
async function announceTier(
	tx: Db,
	actor: Actor,
	organisationId: string,
	next: { name: string; tier: Tier | null }
): Promise<void> {
	await recordActivity(tx, {
		actorId: actor.id,
		organisationId,
		verb: 'partner.tier_changed',
		objectType: 'organisation',
		objectId: organisationId,
		data: { name: next.name, organisationName: next.name, tier: next.tier }
	});
	const admins = await tx
		.select({ id: users.id })
		.from(users)
		.where(
			and(
				eq(users.organisationId, organisationId),
				eq(users.role, 'partner_admin'),
				eq(users.active, true)
			)
		);
	await notify(tx, {
		userIds: admins.map((a) => a.id),
		kind: 'tier_changed',
		data: { organisationName: next.name, tier: next.tier },
		link: '/'
	});
}
