import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { organisations, sessions, users } from '../db/schema.ts';
import type { OrganisationKind, Role, Locale } from '../../shared/enums.ts';
import { endSessions } from './revoke.ts';

// The Lucia guide: random token in the cookie, SHA-256 of it as the session id, 30-day sliding expiry.
export const SESSION_COOKIE = 'relais_session';
const DAY = 24 * 60 * 60 * 1000;
export const SESSION_TTL = 30 * DAY;
const RENEW_WITHIN = 15 * DAY;

/** What every request knows about the person asking. */
export type SessionUser = {
	id: string;
	email: string;
	name: string;
	locale: Locale;
	/** The zone the person chose to read dates in; null = the workspace's. */
	timeZone: string | null;
	role: Role;
	organisationId: string;
	organisationKind: OrganisationKind;
	organisationName: string;
	teamId: string | null;
	regionId: string | null;
};

export type Session = { id: string; userId: string; expiresAt: Date };

export function generateToken(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(20));
	return encodeBase32LowerCaseNoPadding(bytes);
}

export function hashToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(
	db: Db,
	token: string,
	userId: string,
	meta: { userAgent?: string | null; ip?: string | null } = {}
): Promise<Session> {
	const session: Session = {
		id: hashToken(token),
		userId,
		expiresAt: new Date(Date.now() + SESSION_TTL)
	};
	await db.insert(sessions).values({
		...session,
		userAgent: meta.userAgent?.slice(0, 300) ?? null,
		ip: meta.ip ?? null
	});
	return session;
}

function buildSessionLookup(db: Db) {
	return db
		.select({
			session: { id: sessions.id, userId: sessions.userId, expiresAt: sessions.expiresAt },
			user: {
				id: users.id,
				email: users.email,
				name: users.name,
				locale: users.locale,
				timeZone: users.timeZone,
				role: users.role,
				organisationId: users.organisationId,
				teamId: users.teamId,
				regionId: users.regionId,
				active: users.active
			},
			organisation: {
				kind: organisations.kind,
				name: organisations.name,
				status: organisations.status
			}
		})
		.from(sessions)
		.innerJoin(users, eq(sessions.userId, users.id))
		.innerJoin(organisations, eq(users.organisationId, organisations.id))
		.where(eq(sessions.id, sql.placeholder('sessionId')))
		.prepare('relais_session_lookup');
}

// Every signed-in request runs this look-up: built and prepared once per database, it costs what
// the raw SQL costs (bench/session.ts). Named statements need session pooling if a pooler is used.
const lookups = new WeakMap<Db, ReturnType<typeof buildSessionLookup>>();

function sessionLookup(db: Db) {
	let lookup = lookups.get(db);
	if (!lookup) {
		lookup = buildSessionLookup(db);
		lookups.set(db, lookup);
	}
	return lookup;
}

/**
 * Finds the session and its user, refusing expired sessions, deactivated users and suspended
 * partner companies (their sessions end on the spot, announced like any other ending). Extends the expiry when half used.
 */
export async function validateSessionToken(
	db: Db,
	token: string
): Promise<{ session: Session; user: SessionUser } | { session: null; user: null }> {
	// A tampered or foreign cookie is simply not a session.
	if (!/^[a-z2-7]{20,64}$/.test(token)) return { session: null, user: null };
	const sessionId = hashToken(token);
	const [row] = await sessionLookup(db).execute({ sessionId });
	if (!row) return { session: null, user: null };

	const { session, user, organisation } = row;
	const now = Date.now();
	if (now >= session.expiresAt.getTime() || !user.active || organisation.status !== 'active') {
		await endSessions(db, { userId: session.userId, sessionId: session.id });
		return { session: null, user: null };
	}
	if (now >= session.expiresAt.getTime() - RENEW_WITHIN) {
		session.expiresAt = new Date(now + SESSION_TTL);
		await db
			.update(sessions)
			.set({ expiresAt: session.expiresAt })
			.where(eq(sessions.id, session.id));
	}
	const { active: _active, ...rest } = user;
	return {
		session,
		user: {
			...rest,
			organisationKind: organisation.kind,
			organisationName: organisation.name
		}
	};
}
