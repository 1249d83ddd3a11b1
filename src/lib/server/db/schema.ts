import { sql } from 'drizzle-orm';
import {
	bigserial,
	boolean,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import type {
	Locale,
	OrganisationKind,
	OrganisationStatus,
	Role,
	Tier
} from '../../shared/enums.ts';

// Timestamps are always with time zone, read as Date.
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const stamp = (name: string) =>
	at(name)
		.notNull()
		.default(sql`now()`);
const createdAt = () => stamp('created_at');

export const regions = pgTable('regions', {
	id: uuid('id').primaryKey().defaultRandom(),
	code: text('code').notNull().unique(),
	name: text('name').notNull(),
	createdAt: createdAt()
});

export const teams = pgTable('teams', {
	id: uuid('id').primaryKey().defaultRandom(),
	name: text('name').notNull(),
	regionId: uuid('region_id').references(() => regions.id),
	createdAt: createdAt()
});

/** The host company (exactly one, kind 'host') and every partner company. */
export const organisations = pgTable(
	'organisations',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		name: text('name').notNull(),
		kind: text('kind').$type<OrganisationKind>().notNull(),
		tier: text('tier').$type<Tier>(),
		regionId: uuid('region_id').references(() => regions.id),
		status: text('status').$type<OrganisationStatus>().notNull().default('active'),
		createdAt: createdAt(),
		updatedAt: stamp('updated_at')
	},
	(t) => [
		uniqueIndex('organisations_name_lower_idx').on(sql`lower(${t.name})`),
		// Only one host company may exist.
		uniqueIndex('organisations_single_host_idx')
			.on(t.kind)
			.where(sql`${t.kind} = 'host'`)
	]
);

export const users = pgTable(
	'users',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		email: text('email').notNull(),
		name: text('name').notNull(),
		locale: text('locale').$type<Locale>().notNull().default('fr'),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id),
		role: text('role').$type<Role>().notNull(),
		teamId: uuid('team_id').references(() => teams.id),
		regionId: uuid('region_id').references(() => regions.id),
		title: text('title'),
		passwordHash: text('password_hash'),
		active: boolean('active').notNull().default(true),
		createdAt: createdAt(),
		deactivatedAt: at('deactivated_at'),
		lastSeenAt: at('last_seen_at')
	},
	(t) => [
		uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`),
		index('users_organisation_idx').on(t.organisationId)
	]
);

/** A manager may manage several regions. */
export const managerRegions = pgTable(
	'manager_regions',
	{
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		regionId: uuid('region_id')
			.notNull()
			.references(() => regions.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.userId, t.regionId] })]
);

/** Session ids are the SHA-256 (hex) of the token in the cookie; the token itself is never stored. */
export const sessions = pgTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		expiresAt: at('expires_at').notNull(),
		createdAt: createdAt(),
		userAgent: text('user_agent'),
		ip: text('ip')
	},
	(t) => [index('sessions_user_idx').on(t.userId)]
);

export const invitations = pgTable(
	'invitations',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		tokenHash: text('token_hash').notNull().unique(),
		email: text('email').notNull(),
		role: text('role').$type<Role>().notNull(),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id),
		teamId: uuid('team_id').references(() => teams.id),
		regionId: uuid('region_id').references(() => regions.id),
		invitedById: uuid('invited_by_id').references(() => users.id),
		expiresAt: at('expires_at').notNull(),
		acceptedAt: at('accepted_at'),
		revokedAt: at('revoked_at'),
		createdAt: createdAt()
	},
	(t) => [index('invitations_organisation_idx').on(t.organisationId)]
);

export const passwordResets = pgTable('password_resets', {
	id: uuid('id').primaryKey().defaultRandom(),
	tokenHash: text('token_hash').notNull().unique(),
	userId: uuid('user_id')
		.notNull()
		.references(() => users.id, { onDelete: 'cascade' }),
	expiresAt: at('expires_at').notNull(),
	usedAt: at('used_at'),
	createdAt: createdAt()
});

/** Every e-mail the workspace sends; delivered by the job runner (SMTP) or read on the Outbox page. */
export const emailOutbox = pgTable(
	'email_outbox',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		toAddress: text('to_address').notNull(),
		subject: text('subject').notNull(),
		bodyText: text('body_text').notNull(),
		kind: text('kind').notNull(),
		status: text('status').$type<'pending' | 'sent' | 'failed' | 'kept'>().notNull(),
		attempts: integer('attempts').notNull().default(0),
		lastError: text('last_error'),
		createdAt: createdAt(),
		sentAt: at('sent_at')
	},
	(t) => [index('email_outbox_created_idx').on(t.createdAt)]
);

/**
 * Events people care about, shown by the feed. `organisationId` says whose world the event belongs to:
 * null = the host company only; a partner's id = the host and that partner.
 */
export const activities = pgTable(
	'activities',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		actorId: uuid('actor_id').references(() => users.id),
		organisationId: uuid('organisation_id').references(() => organisations.id),
		verb: text('verb').notNull(),
		objectType: text('object_type').notNull(),
		objectId: text('object_id').notNull(),
		data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
		createdAt: createdAt()
	},
	(t) => [
		index('activities_created_idx').on(t.createdAt),
		index('activities_organisation_idx').on(t.organisationId)
	]
);

export const notifications = pgTable(
	'notifications',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		kind: text('kind').notNull(),
		data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
		link: text('link'),
		readAt: at('read_at'),
		createdAt: createdAt()
	},
	(t) => [index('notifications_user_idx').on(t.userId, t.createdAt)]
);

/** Who did what, when, on which object: kept for admins, never shown to partners of other companies. */
export const auditLog = pgTable(
	'audit_log',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		actorId: uuid('actor_id').references(() => users.id),
		organisationId: uuid('organisation_id').references(() => organisations.id),
		action: text('action').notNull(),
		objectType: text('object_type').notNull(),
		objectId: text('object_id').notNull(),
		data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
		ip: text('ip'),
		createdAt: createdAt()
	},
	(t) => [
		index('audit_log_created_idx').on(t.createdAt),
		index('audit_log_object_idx').on(t.objectType, t.objectId)
	]
);

/** A job queue claimed with FOR UPDATE SKIP LOCKED, so several processes can run workers. */
export const jobs = pgTable(
	'jobs',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		kind: text('kind').notNull(),
		payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
		runAt: at('run_at')
			.notNull()
			.default(sql`now()`),
		attempts: integer('attempts').notNull().default(0),
		maxAttempts: integer('max_attempts').notNull().default(5),
		lockedAt: at('locked_at'),
		lockedBy: text('locked_by'),
		lastError: text('last_error'),
		doneAt: at('done_at'),
		failedAt: at('failed_at'),
		createdAt: createdAt()
	},
	(t) => [
		index('jobs_due_idx')
			.on(t.runAt)
			.where(sql`${t.doneAt} is null and ${t.failedAt} is null`)
	]
);

/** Fixed-window counters shared by every process (login throttling). */
export const rateLimits = pgTable('rate_limits', {
	key: text('key').primaryKey(),
	count: integer('count').notNull(),
	windowStart: at('window_start').notNull()
});
