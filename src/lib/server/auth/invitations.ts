import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Locale, Role } from '../../shared/enums.ts';
import { type Actor, isPartnerActor } from '../access/actor.ts';
import { actorName } from '../command.ts';
import { canInvite } from '../access/policy.ts';
import { recordActivity } from '../activity/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Db } from '../db/client.ts';
import { invitations, organisations, users } from '../db/schema.ts';
import { invitationEmail, queueEmail, type MailSettings } from '../mail/index.ts';
import { notify } from '../notifications/index.ts';
import { countLinkAttempt } from './link-limit.ts';
import { hashNewPassword, withPasswordSlot } from './passwords.ts';
import { createSession, generateToken, type Session } from './sessions.ts';
import { generateLinkToken, hashLinkToken, isWellFormedToken, type TokenStatus } from './tokens.ts';
import { DomainError } from '../errors.ts';
import { getWorkspaceSettings } from '../workspace/settings.ts';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export type InviteInput = {
	email: string;
	role: Role;
	organisationId: string;
	teamId?: string | null;
	regionId?: string | null;
	locale: Locale;
};

/**
 * Invites someone: the policy decides who may invite whom where; the e-mail goes to the outbox
 * with the link. A new invitation to the same address replaces the pending one.
 */
export async function inviteUser(
	db: Db,
	actor: Actor,
	input: InviteInput,
	context: { origin: string; ip?: string | null; mail: MailSettings }
): Promise<{ invitationId: string; link: string }> {
	const [org] = await db
		.select()
		.from(organisations)
		.where(eq(organisations.id, input.organisationId));
	if (!org) throw new DomainError('NOT_FOUND');
	if (!canInvite(actor, { id: org.id, kind: org.kind }, input.role)) {
		throw new DomainError('FORBIDDEN');
	}
	const [existing] = await db
		.select({ id: users.id })
		.from(users)
		.where(eq(sql`lower(${users.email})`, input.email.toLowerCase()));
	if (existing) throw new DomainError('EMAIL_TAKEN');

	const token = generateLinkToken();
	const expiresAt = new Date(Date.now() + INVITATION_TTL_MS);
	const link = `${context.origin}/invitation/${token}`;
	// The invited person has no zone of their own yet: the expiry is in the workspace's.
	const { timeZone } = await getWorkspaceSettings(db);
	const invitationId = await db.transaction(async (tx) => {
		await tx
			.update(invitations)
			.set({ revokedAt: new Date() })
			.where(
				and(
					eq(sql`lower(${invitations.email})`, input.email.toLowerCase()),
					isNull(invitations.acceptedAt),
					isNull(invitations.revokedAt)
				)
			);
		const [row] = await tx
			.insert(invitations)
			.values({
				tokenHash: hashLinkToken(token),
				email: input.email,
				role: input.role,
				organisationId: org.id,
				teamId: org.kind === 'host' ? (input.teamId ?? null) : null,
				regionId: org.kind === 'host' ? (input.regionId ?? null) : null,
				invitedById: actor.id,
				expiresAt
			})
			.returning({ id: invitations.id });
		const mail = invitationEmail({
			locale: input.locale,
			inviterName: await actorName(tx, actor),
			organisationName: org.name,
			link,
			expiresAt,
			timeZone
		});
		await queueEmail(
			tx,
			{ to: input.email, subject: mail.subject, text: mail.text, kind: 'invitation' },
			context.mail
		);
		await recordAudit(tx, {
			actorId: actor.id,
			organisationId: org.id,
			action: 'user.invited',
			objectType: 'invitation',
			objectId: row.id,
			data: { email: input.email, role: input.role },
			ip: context.ip ?? null
		});
		await recordActivity(tx, {
			actorId: actor.id,
			organisationId: org.kind === 'partner' ? org.id : null,
			verb: 'user.invited',
			objectType: 'invitation',
			objectId: row.id,
			data: { email: input.email, role: input.role, organisationName: org.name }
		});
		return row.id;
	});
	return { invitationId, link };
}

export type InvitationView = {
	status: TokenStatus;
	email?: string;
	role?: Role;
	organisationName?: string;
	inviterName?: string | null;
};

function statusOf(
	row: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date },
	orgActive: boolean
): TokenStatus {
	if (row.acceptedAt) return 'used';
	if (row.revokedAt || !orgActive) return 'revoked';
	if (row.expiresAt.getTime() <= Date.now()) return 'expired';
	return 'valid';
}

async function findInvitation(db: Db, token: string) {
	if (!isWellFormedToken(token)) return undefined;
	const [row] = await db
		.select({
			invitation: invitations,
			organisationName: organisations.name,
			organisationKind: organisations.kind,
			organisationStatus: organisations.status,
			inviterName: users.name
		})
		.from(invitations)
		.innerJoin(organisations, eq(invitations.organisationId, organisations.id))
		.leftJoin(users, eq(invitations.invitedById, users.id))
		.where(eq(invitations.tokenHash, hashLinkToken(token)));
	return row;
}

/** What the invitation page shows, without revealing anything for a bad token. */
export async function getInvitation(db: Db, token: string): Promise<InvitationView> {
	const row = await findInvitation(db, token);
	if (!row) return { status: 'invalid' };
	const status = statusOf(row.invitation, row.organisationStatus === 'active');
	if (status !== 'valid') return { status };
	return {
		status,
		email: row.invitation.email,
		role: row.invitation.role,
		organisationName: row.organisationName,
		inviterName: row.inviterName
	};
}

const STATUS_ERRORS = {
	invalid: 'TOKEN_INVALID',
	expired: 'TOKEN_EXPIRED',
	used: 'TOKEN_USED',
	revoked: 'INVITATION_REVOKED'
} as const;

/**
 * Creates the account, signs it in, tells the inviter. One transaction: all or nothing. The
 * submission is counted against its address and the invitation checked before the password is
 * hashed: a forged, spent or withdrawn link never costs an argon2 slot.
 */
export async function acceptInvitation(
	db: Db,
	token: string,
	input: { name: string; password: string; locale: Locale },
	meta: { ip?: string | null; userAgent?: string | null } = {}
): Promise<{ token: string; session: Session; userId: string }> {
	const giveBack = await countLinkAttempt(db, meta.ip);
	const found = await findInvitation(db, token);
	if (!found) throw new DomainError('TOKEN_INVALID');
	const status = statusOf(found.invitation, found.organisationStatus === 'active');
	if (status !== 'valid') throw new DomainError(STATUS_ERRORS[status]);
	const passwordHash = await withPasswordSlot(() => hashNewPassword(input.password), giveBack);
	const joined = await db.transaction(async (tx) => {
		// Checked again under a lock: the link may have been used while the password was hashed.
		const row = await findInvitation(tx, token);
		if (!row) throw new DomainError('TOKEN_INVALID');
		// Lock the invitation so a double submit cannot create two accounts.
		await tx.execute(sql`select id from invitations where id = ${row.invitation.id} for update`);
		const [fresh] = await tx
			.select()
			.from(invitations)
			.where(eq(invitations.id, row.invitation.id));
		const current = statusOf(fresh, row.organisationStatus === 'active');
		if (current !== 'valid') throw new DomainError(STATUS_ERRORS[current]);
		const [taken] = await tx
			.select({ id: users.id })
			.from(users)
			.where(eq(sql`lower(${users.email})`, fresh.email.toLowerCase()));
		if (taken) throw new DomainError('INVITATION_EMAIL_TAKEN');

		const [user] = await tx
			.insert(users)
			.values({
				email: fresh.email,
				name: input.name,
				locale: input.locale,
				organisationId: fresh.organisationId,
				role: fresh.role,
				teamId: fresh.teamId,
				regionId: fresh.regionId,
				passwordHash
			})
			.returning({ id: users.id });
		await tx
			.update(invitations)
			.set({ acceptedAt: new Date() })
			.where(eq(invitations.id, fresh.id));
		const scope = isPartnerActor(row) ? fresh.organisationId : null;
		await recordAudit(tx, {
			actorId: user.id,
			organisationId: fresh.organisationId,
			action: 'user.joined',
			objectType: 'user',
			objectId: user.id,
			data: { email: fresh.email, role: fresh.role, invitationId: fresh.id },
			ip: meta.ip ?? null
		});
		await recordActivity(tx, {
			actorId: user.id,
			organisationId: scope,
			verb: 'user.joined',
			objectType: 'user',
			objectId: user.id,
			data: { name: input.name, organisationName: row.organisationName }
		});
		if (fresh.invitedById) {
			await notify(tx, {
				userIds: [fresh.invitedById],
				kind: 'invitation_accepted',
				data: { name: input.name, organisationName: row.organisationName },
				link: '/'
			});
		}
		await notify(tx, {
			userIds: [user.id],
			kind: 'welcome',
			data: { name: input.name, organisationName: row.organisationName },
			link: '/'
		});
		const sessionToken = generateToken();
		const session = await createSession(tx, sessionToken, user.id, meta);
		return { token: sessionToken, session, userId: user.id };
	});
	await giveBack();
	return joined;
}
