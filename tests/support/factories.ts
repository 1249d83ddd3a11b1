import { eq } from 'drizzle-orm';
import { hashPassword } from '../../src/lib/server/auth/passwords.ts';
import {
	createSession,
	generateToken,
	SESSION_COOKIE,
	type Session
} from '../../src/lib/server/auth/sessions.ts';
import { tables, type Db } from '../../src/lib/server/db/index.ts';
import type { Locale, OrganisationKind, Role, Tier } from '../../src/lib/shared/enums.ts';
import { isHostRole } from '../../src/lib/shared/enums.ts';

export type TestOrganisation = typeof tables.organisations.$inferSelect;
export type TestUserRow = typeof tables.users.$inferSelect;

export type TestUser = {
	user: TestUserRow;
	organisation: TestOrganisation;
	/** The raw session token, as the browser holds it. */
	token: string;
	session: Session;
	/** `relais_session=<token>`, ready for a Cookie header. */
	cookie: string;
};

let counter = 0;
const unique = () => `${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** A partner company (or the host company, created once per database). */
export async function createTestOrganisation(
	db: Db,
	options: { kind?: OrganisationKind; name?: string; tier?: Tier | null } = {}
): Promise<TestOrganisation> {
	const kind = options.kind ?? 'partner';
	if (kind === 'host') {
		const [existing] = await db
			.select()
			.from(tables.organisations)
			.where(eq(tables.organisations.kind, 'host'));
		if (existing) return existing;
	}
	const [organisation] = await db
		.insert(tables.organisations)
		.values({
			name: options.name ?? (kind === 'host' ? 'Relais Host' : `Partner ${unique()}`),
			kind,
			tier: kind === 'partner' ? (options.tier === undefined ? 'gold' : options.tier) : null
		})
		.returning();
	return organisation;
}

/**
 * A user with a live session. Host roles join the host company (created if missing); partner roles
 * join `organisation`, or a new partner company when none is given.
 */
export async function createTestUser(
	db: Db,
	options: {
		role: Role;
		organisation?: TestOrganisation;
		email?: string;
		name?: string;
		locale?: Locale;
		/** Stores an argon2id hash so the login form accepts it (costs ~20 ms). */
		password?: string;
		active?: boolean;
	}
): Promise<TestUser> {
	const organisation =
		options.organisation ??
		(await createTestOrganisation(db, { kind: isHostRole(options.role) ? 'host' : 'partner' }));
	const id = unique();
	const [user] = await db
		.insert(tables.users)
		.values({
			email: options.email ?? `user-${id}@relais.test`,
			name: options.name ?? `Test ${options.role} ${id}`,
			locale: options.locale ?? 'en',
			organisationId: organisation.id,
			role: options.role,
			passwordHash: options.password ? await hashPassword(options.password) : null,
			active: options.active ?? true
		})
		.returning();
	const token = generateToken();
	const session = await createSession(db, token, user.id);
	return { user, organisation, token, session, cookie: `${SESSION_COOKIE}=${token}` };
}

/** Deactivates a user the way the database sees it (the admin command also ends sessions). */
export async function deactivateTestUser(db: Db, userId: string): Promise<void> {
	await db
		.update(tables.users)
		.set({ active: false, deactivatedAt: new Date() })
		.where(eq(tables.users.id, userId));
}
