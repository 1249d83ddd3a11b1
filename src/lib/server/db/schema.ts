import { sql } from 'drizzle-orm';
import {
	bigint,
	bigserial,
	boolean,
	customType,
	date,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	unique,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import type {
	AccountSize,
	ChannelKind,
	ChannelMembershipState,
	ImportKind,
	Locale,
	OrganisationKind,
	OrganisationStatus,
	PlanActionStatus,
	PlanDocument,
	PlanKind,
	PlanPersonAccess,
	PlanShareMode,
	PlanStatus,
	PlanVersionKind,
	PostKind,
	RegistrationStatus,
	ReportStatus,
	Role,
	Stage,
	Tier
} from '../../shared/enums.ts';

/** PostgreSQL full-text vector (written with to_tsvector in SQL, never read by the app). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * Binary (Yjs states). postgres.js reads a Buffer, PGlite a Uint8Array: both are Uint8Arrays.
 * Views, not copies, both ways: plan states reach a megabyte, and every copy is time the
 * collaboration server's event loop is blocked.
 */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
	dataType: () => 'bytea',
	toDriver: (value) =>
		Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
	fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
});

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
		/** The host rep who owns the relationship with this partner. */
		ownerId: uuid('owner_id'),
		/** Onboarding: when the partner agreement was signed. */
		agreementSignedAt: at('agreement_signed_at'),
		/** Key of this partner in another system (CSV re-imports update instead of duplicating). */
		externalId: text('external_id'),
		createdAt: createdAt(),
		updatedAt: stamp('updated_at')
	},
	(t) => [
		uniqueIndex('organisations_name_lower_idx').on(sql`lower(${t.name})`),
		uniqueIndex('organisations_external_id_idx').on(t.externalId),
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
		/** IANA time zone the person reads dates in; null = the workspace's. */
		timeZone: text('time_zone'),
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

/**
 * Workspace-wide settings an admin changes (one row, `id` always true). The time zone is the one
 * period boundaries (months, quarters) are computed in, and every person's default.
 */
export const workspaceSettings = pgTable('workspace_settings', {
	id: boolean('id').primaryKey().default(true),
	timeZone: text('time_zone').notNull().default('Europe/Paris'),
	updatedAt: stamp('updated_at'),
	updatedById: uuid('updated_by_id')
});

/** Fixed-window counters shared by every process (login throttling). */
export const rateLimits = pgTable('rate_limits', {
	key: text('key').primaryKey(),
	count: integer('count').notNull(),
	windowStart: at('window_start').notNull()
});

// ---------------------------------------------------------------------------------------------
// CRM. Records carry `version` (optimistic concurrency: a stale edit is detected, never silently
// applied), `deletedAt` (soft delete, restorable by an admin) and `search` (a tsvector over their
// accent-stripped text, maintained by the app so no extension is needed on either database).

const crmColumns = () => ({
	version: integer('version').notNull().default(1),
	externalId: text('external_id'),
	search: tsvector('search'),
	createdAt: createdAt(),
	updatedAt: stamp('updated_at'),
	deletedAt: at('deleted_at'),
	deletedById: uuid('deleted_by_id')
});

/** End customers, served by the host and/or partners. */
export const accounts = pgTable(
	'accounts',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		name: text('name').notNull(),
		/** Lower-case, accent-free, legal-form-free name: the key of conflict detection. */
		normalisedName: text('normalised_name').notNull(),
		siren: text('siren'),
		vatId: text('vat_id'),
		domain: text('domain'),
		industry: text('industry'),
		regionId: uuid('region_id').references(() => regions.id),
		size: text('size').$type<AccountSize>(),
		ownerId: uuid('owner_id').references(() => users.id),
		...crmColumns()
	},
	(t) => [
		index('accounts_normalised_name_idx').on(t.normalisedName),
		index('accounts_domain_idx').on(t.domain),
		index('accounts_siren_idx').on(t.siren),
		index('accounts_owner_idx').on(t.ownerId),
		index('accounts_search_idx').using('gin', t.search),
		uniqueIndex('accounts_external_id_idx').on(t.externalId)
	]
);

/** Which partners serve an account (a partner sees only accounts it serves). */
export const accountPartners = pgTable(
	'account_partners',
	{
		accountId: uuid('account_id')
			.notNull()
			.references(() => accounts.id, { onDelete: 'cascade' }),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id, { onDelete: 'cascade' }),
		createdAt: createdAt()
	},
	(t) => [
		primaryKey({ columns: [t.accountId, t.organisationId] }),
		index('account_partners_organisation_idx').on(t.organisationId)
	]
);

/** People at an account. `organisationId` = whose contact: a partner's, or null for the host's. */
export const contacts = pgTable(
	'contacts',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		accountId: uuid('account_id')
			.notNull()
			.references(() => accounts.id),
		organisationId: uuid('organisation_id').references(() => organisations.id),
		name: text('name').notNull(),
		jobTitle: text('job_title'),
		email: text('email'),
		phone: text('phone'),
		...crmColumns()
	},
	(t) => [
		index('contacts_account_idx').on(t.accountId),
		index('contacts_organisation_idx').on(t.organisationId),
		index('contacts_search_idx').using('gin', t.search),
		uniqueIndex('contacts_external_id_idx').on(t.externalId)
	]
);

/** Deals. `partnerId` null = the direct (host) team's. Amounts in cents of the workspace currency. */
export const opportunities = pgTable(
	'opportunities',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		accountId: uuid('account_id')
			.notNull()
			.references(() => accounts.id),
		partnerId: uuid('partner_id').references(() => organisations.id),
		ownerId: uuid('owner_id').references(() => users.id),
		name: text('name').notNull(),
		stage: text('stage').$type<Stage>().notNull().default('prospecting'),
		amountCents: bigint('amount_cents', { mode: 'number' }).notNull().default(0),
		closeDate: date('close_date', { mode: 'string' }),
		probability: integer('probability').notNull().default(10),
		nextStep: text('next_step'),
		lostReason: text('lost_reason'),
		products: text('products'),
		registrationId: uuid('registration_id'),
		/** A registered deal is protected for its partner until then. */
		protectedUntil: at('protected_until'),
		closedAt: at('closed_at'),
		...crmColumns()
	},
	(t) => [
		index('opportunities_account_idx').on(t.accountId),
		index('opportunities_partner_stage_idx').on(t.partnerId, t.stage),
		index('opportunities_owner_stage_idx').on(t.ownerId, t.stage),
		index('opportunities_stage_close_idx').on(t.stage, t.closeDate),
		// The pipeline table's default keyset order (crm/pipeline.ts, sort 'close'), for the host and
		// for one partner: without them the first page sorts every visible deal (bench/crm.ts).
		index('opportunities_close_keyset_idx')
			.on(sql`coalesce(${t.closeDate}, '9999-12-31'::date)`, t.id)
			.where(sql`${t.deletedAt} is null`),
		index('opportunities_partner_close_keyset_idx')
			.on(t.partnerId, sql`coalesce(${t.closeDate}, '9999-12-31'::date)`, t.id)
			.where(sql`${t.deletedAt} is null`),
		// The board's columns (crm/pipeline.ts): a stage's first cards by close date then id, read
		// in index order (the (stage, close_date) index alone sorts a whole day of deals per stage).
		index('opportunities_stage_close_keyset_idx')
			.on(t.stage, t.closeDate, t.id)
			.where(sql`${t.deletedAt} is null`),
		index('opportunities_search_idx').using('gin', t.search),
		uniqueIndex('opportunities_external_id_idx').on(t.externalId)
	]
);

/**
 * The pipeline's stage totals, pre-aggregated: live (not deleted) deals by stage, direct team or
 * partner, owner, account region and close month. Derived data, kept right by the database itself
 * (triggers on opportunities and accounts in drizzle/0005_crm_totals_triggers.sql), so every writer
 * — commands, imports, approvals, jobs, the seed, psql — keeps it exact; never written by the app.
 * `pipeline_stage_totals_rebuild()` recomputes it (after a bulk load with triggers off). A million
 * deals make a few thousand rows: the board's totals sum those instead (crm/pipeline.ts).
 */
export const pipelineStageTotals = pgTable(
	'pipeline_stage_totals',
	{
		stage: text('stage').$type<Stage>().notNull(),
		/** The direct team's deals (no partner). */
		direct: boolean('direct').notNull(),
		ownerId: uuid('owner_id'),
		regionId: uuid('region_id'),
		/** First day of the close month; null for deals without a close date. */
		closeMonth: date('close_month', { mode: 'string' }),
		deals: bigint('deals', { mode: 'number' }).notNull().default(0),
		amountCents: bigint('amount_cents', { mode: 'number' }).notNull().default(0),
		/** Σ amount_cents × probability (percent): the weighted amount is this / 100, rounded once. */
		weightedCentsX100: bigint('weighted_cents_x100', { mode: 'number' }).notNull().default(0)
	},
	(t) => [
		unique('pipeline_stage_totals_key')
			.on(t.stage, t.direct, t.ownerId, t.regionId, t.closeMonth)
			.nullsNotDistinct()
	]
);

/** Every stage or amount change of an opportunity. */
export const opportunityHistory = pgTable(
	'opportunity_history',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		opportunityId: uuid('opportunity_id')
			.notNull()
			.references(() => opportunities.id, { onDelete: 'cascade' }),
		actorId: uuid('actor_id').references(() => users.id),
		field: text('field').$type<'stage' | 'amount' | 'created'>().notNull(),
		fromValue: text('from_value'),
		toValue: text('to_value'),
		createdAt: createdAt()
	},
	(t) => [index('opportunity_history_opportunity_idx').on(t.opportunityId, t.createdAt)]
);

/** A partner's claim on a deal, approved or rejected by a host manager. */
export const dealRegistrations = pgTable(
	'deal_registrations',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		partnerId: uuid('partner_id')
			.notNull()
			.references(() => organisations.id),
		submittedById: uuid('submitted_by_id')
			.notNull()
			.references(() => users.id),
		accountId: uuid('account_id').references(() => accounts.id),
		accountName: text('account_name').notNull(),
		normalisedName: text('normalised_name').notNull(),
		accountDomain: text('account_domain'),
		accountSiren: text('account_siren'),
		amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
		products: text('products'),
		expectedCloseDate: date('expected_close_date', { mode: 'string' }).notNull(),
		notes: text('notes'),
		status: text('status').$type<RegistrationStatus>().notNull().default('pending'),
		/** What conflict detection found at submission (ids only; shown in full to reviewers). */
		conflicts: jsonb('conflicts').$type<Record<string, unknown>[]>().notNull().default([]),
		reviewerId: uuid('reviewer_id').references(() => users.id),
		reviewedAt: at('reviewed_at'),
		rejectionReason: text('rejection_reason'),
		opportunityId: uuid('opportunity_id').references(() => opportunities.id),
		protectedUntil: at('protected_until'),
		createdAt: createdAt(),
		updatedAt: stamp('updated_at')
	},
	(t) => [
		index('deal_registrations_partner_idx').on(t.partnerId, t.createdAt),
		index('deal_registrations_status_idx').on(t.status, t.createdAt),
		index('deal_registrations_name_idx').on(t.normalisedName),
		index('deal_registrations_domain_idx').on(t.accountDomain),
		index('deal_registrations_siren_idx').on(t.accountSiren)
	]
);

/** A CSV import: the file, its column mapping, and its progress, processed by a job. */
export const importJobs = pgTable(
	'import_jobs',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		kind: text('kind').$type<ImportKind>().notNull(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id),
		filename: text('filename').notNull(),
		/** The file's encoding, judged from its first megabyte when it was uploaded. */
		encoding: text('encoding').$type<'utf-8' | 'windows-1252'>().notNull().default('utf-8'),
		mapping: jsonb('mapping').$type<Record<string, string>>().notNull().default({}),
		/** `uploading` while the file arrives (hidden from lists; its chunks are being written). */
		status: text('status')
			.$type<'uploading' | 'draft' | 'queued' | 'running' | 'done' | 'failed'>()
			.notNull()
			.default('draft'),
		totalRows: integer('total_rows').notNull().default(0),
		processedRows: integer('processed_rows').notNull().default(0),
		createdCount: integer('created_count').notNull().default(0),
		updatedCount: integer('updated_count').notNull().default(0),
		rejectedCount: integer('rejected_count').notNull().default(0),
		/** The first MAX_STORED_ERRORS per-line errors… */
		errors: jsonb('errors').$type<{ line: number; message: string }[]>().notNull().default([]),
		/** …and how many more there were. */
		moreErrors: integer('more_errors').notNull().default(0),
		createdAt: createdAt(),
		finishedAt: at('finished_at')
	},
	(t) => [index('import_jobs_user_idx').on(t.userId, t.createdAt)]
);

/**
 * An import's file as uploaded (raw bytes, decoded when read), in chunks of IMPORT_CHUNK_BYTES:
 * written while the upload streams in and read back one chunk at a time, so no step holds the
 * whole file. Deleted with its import.
 */
export const importChunks = pgTable(
	'import_chunks',
	{
		importId: uuid('import_id')
			.notNull()
			.references(() => importJobs.id, { onDelete: 'cascade' }),
		seq: integer('seq').notNull(),
		bytes: bytea('bytes').notNull()
	},
	(t) => [primaryKey({ columns: [t.importId, t.seq] })]
);

// ---------------------------------------------------------------------------------------------
// Account plans. The content lives in Yjs documents (plan_documents, stored by the collaboration
// server); the rows here are what lists, search, access checks and "my actions" need without
// opening a document.

/** One plan per account or per partner company, shared with at most one partner company. */
export const plans = pgTable(
	'plans',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		kind: text('kind').$type<PlanKind>().notNull(),
		/** Set for account plans. */
		accountId: uuid('account_id').references(() => accounts.id),
		/** Set for partner plans: the partner company the plan is about. */
		partnerId: uuid('partner_id').references(() => organisations.id),
		title: text('title').notNull(),
		/** The template's language when it was created. */
		locale: text('locale').$type<Locale>().notNull(),
		status: text('status').$type<PlanStatus>().notNull().default('draft'),
		/** The host person responsible (review reminders go to them). */
		ownerId: uuid('owner_id')
			.notNull()
			.references(() => users.id),
		/** The one partner company it is shared with, and how; null = host only. */
		sharedWithId: uuid('shared_with_id').references(() => organisations.id),
		shareMode: text('share_mode').$type<PlanShareMode>(),
		publishedAt: at('published_at'),
		publishedById: uuid('published_by_id').references(() => users.id),
		lastReviewedAt: at('last_reviewed_at'),
		lastReviewedById: uuid('last_reviewed_by_id').references(() => users.id),
		/** Plain text of the shared document's summary, goals and actions (search and lists). */
		summaryText: text('summary_text').notNull().default(''),
		search: tsvector('search'),
		createdById: uuid('created_by_id').references(() => users.id),
		createdAt: createdAt(),
		updatedAt: stamp('updated_at'),
		deletedAt: at('deleted_at')
	},
	(t) => [
		uniqueIndex('plans_account_idx')
			.on(t.accountId)
			.where(sql`${t.kind} = 'account' and ${t.deletedAt} is null`),
		uniqueIndex('plans_partner_idx')
			.on(t.partnerId)
			.where(sql`${t.kind} = 'partner' and ${t.deletedAt} is null`),
		index('plans_shared_with_idx').on(t.sharedWithId),
		index('plans_owner_idx').on(t.ownerId),
		index('plans_search_idx').using('gin', t.search)
	]
);

/** A partner admin narrowing a shared plan for one of their people (never widening it). */
export const planPersonAccess = pgTable(
	'plan_person_access',
	{
		planId: uuid('plan_id')
			.notNull()
			.references(() => plans.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		access: text('access').$type<PlanPersonAccess>().notNull(),
		updatedById: uuid('updated_by_id').references(() => users.id),
		updatedAt: stamp('updated_at')
	},
	(t) => [primaryKey({ columns: [t.planId, t.userId] })]
);

/** The Yjs state of each plan document, as stored by the collaboration server. */
export const planDocuments = pgTable(
	'plan_documents',
	{
		/** The Hocuspocus document name: `plan.<id>` or `plan.<id>.internal`. */
		name: text('name').primaryKey(),
		planId: uuid('plan_id')
			.notNull()
			.references(() => plans.id, { onDelete: 'cascade' }),
		document: text('document').$type<PlanDocument>().notNull(),
		state: bytea('state').notNull(),
		/** Y.encodeStateVector of `state`: what the clients are told was saved. */
		stateVector: bytea('state_vector').notNull(),
		byteSize: integer('byte_size').notNull().default(0),
		/**
		 * Who edited since the last automatic version (user ids): every collaboration process that
		 * stores the document adds to it, and a restart forgets nobody.
		 */
		pendingAuthorIds: jsonb('pending_author_ids').$type<string[]>().notNull().default([]),
		updatedAt: stamp('updated_at')
	},
	(t) => [index('plan_documents_plan_idx').on(t.planId)]
);

/** Snapshots of a plan document: automatic, named, or made by a restore. Never deleted. */
export const planVersions = pgTable(
	'plan_versions',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		planId: uuid('plan_id')
			.notNull()
			.references(() => plans.id, { onDelete: 'cascade' }),
		document: text('document').$type<PlanDocument>().notNull(),
		kind: text('kind').$type<PlanVersionKind>().notNull(),
		name: text('name'),
		state: bytea('state').notNull(),
		/** Who edited since the previous version (user ids), for "who changed what". */
		authorIds: jsonb('author_ids').$type<string[]>().notNull().default([]),
		/** Characters added and removed since the previous version, roughly. */
		charsAdded: integer('chars_added').notNull().default(0),
		charsRemoved: integer('chars_removed').notNull().default(0),
		createdById: uuid('created_by_id').references(() => users.id),
		createdAt: createdAt()
	},
	(t) => [index('plan_versions_plan_idx').on(t.planId, t.document, t.createdAt)]
);

/** The actions section mirrored from the shared document each time it is stored. */
export const planActions = pgTable(
	'plan_actions',
	{
		planId: uuid('plan_id')
			.notNull()
			.references(() => plans.id, { onDelete: 'cascade' }),
		/** The action's id inside the Y.Doc. */
		actionId: text('action_id').notNull(),
		title: text('title').notNull(),
		ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
		dueDate: date('due_date', { mode: 'string' }),
		status: text('status').$type<PlanActionStatus>().notNull().default('todo'),
		position: integer('position').notNull().default(0),
		updatedAt: stamp('updated_at')
	},
	(t) => [
		primaryKey({ columns: [t.planId, t.actionId] }),
		index('plan_actions_owner_idx').on(t.ownerId, t.status, t.dueDate),
		index('plan_actions_due_idx').on(t.status, t.dueDate)
	]
);

/** Comments anchored to text (Yjs relative positions), in threads of one level. */
export const planComments = pgTable(
	'plan_comments',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		planId: uuid('plan_id')
			.notNull()
			.references(() => plans.id, { onDelete: 'cascade' }),
		document: text('document').$type<PlanDocument>().notNull(),
		/** The thread's first comment; null for the first comment itself. */
		parentId: uuid('parent_id'),
		/** Base64 of Y.encodeRelativePosition for the start and end of the anchored text. */
		anchor: jsonb('anchor').$type<{ field: string; start: string; end: string } | null>(),
		/** The text the thread was anchored to when it was opened. */
		quote: text('quote'),
		body: text('body').notNull(),
		authorId: uuid('author_id')
			.notNull()
			.references(() => users.id),
		resolvedAt: at('resolved_at'),
		resolvedById: uuid('resolved_by_id').references(() => users.id),
		editedAt: at('edited_at'),
		deletedAt: at('deleted_at'),
		createdAt: createdAt()
	},
	(t) => [
		index('plan_comments_plan_idx').on(t.planId, t.document, t.createdAt),
		index('plan_comments_parent_idx').on(t.parentId)
	]
);

// ── Partner feed (issue 5) ──────────────────────────────────────────────────────────────────────
// Who reads a channel is decided by access/feed-policy.ts from the channel's kind, its partner and
// (community) its member companies; feed/access.ts holds the SQL twin used by lists and search.

export const feedChannels = pgTable(
	'feed_channels',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		kind: text('kind').$type<ChannelKind>().notNull(),
		name: text('name').notNull(),
		description: text('description').notNull().default(''),
		/** Partner channels: the one partner company (one channel per partner). */
		partnerId: uuid('partner_id').references(() => organisations.id),
		createdById: uuid('created_by_id').references(() => users.id),
		/** Newest top-level post (the channel list's order and unread counts). */
		lastPostAt: at('last_post_at'),
		archivedAt: at('archived_at'),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('feed_channels_partner_idx')
			.on(t.partnerId)
			.where(sql`${t.kind} = 'partner'`),
		index('feed_channels_kind_idx').on(t.kind)
	]
);

/** Community channels: the partner companies that may read them (the banner names them). */
export const feedChannelOrganisations = pgTable(
	'feed_channel_organisations',
	{
		channelId: uuid('channel_id')
			.notNull()
			.references(() => feedChannels.id, { onDelete: 'cascade' }),
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id),
		createdAt: createdAt()
	},
	(t) => [
		primaryKey({ columns: [t.channelId, t.organisationId] }),
		index('feed_channel_organisations_org_idx').on(t.organisationId)
	]
);

/** A person's choices about a channel they can see: joined or left, muted, read up to when. */
export const feedMemberships = pgTable(
	'feed_memberships',
	{
		channelId: uuid('channel_id')
			.notNull()
			.references(() => feedChannels.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		state: text('state').$type<ChannelMembershipState>().notNull().default('joined'),
		muted: boolean('muted').notNull().default(false),
		lastReadAt: at('last_read_at'),
		updatedAt: stamp('updated_at')
	},
	(t) => [
		primaryKey({ columns: [t.channelId, t.userId] }),
		index('feed_memberships_user_idx').on(t.userId)
	]
);

/**
 * Posts and their comments (one level: `parentId` = the post). `authorOrganisationId` is the
 * author's company when written: the visibility of a contribution depends on it (a partner's comment
 * on an announcement is seen by the host and that partner only). The body is the Markdown subset;
 * mentions and references are tokens (`@[user:<uuid>]`, `#[account:<uuid>]`) resolved per reader.
 */
export const feedPosts = pgTable(
	'feed_posts',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		channelId: uuid('channel_id')
			.notNull()
			.references(() => feedChannels.id, { onDelete: 'cascade' }),
		parentId: uuid('parent_id'),
		kind: text('kind').$type<PostKind>().notNull().default('message'),
		/** Null for activity posts written by Relais. */
		authorId: uuid('author_id').references(() => users.id),
		/** The author's company (host or partner); for activity posts, the activity's organisation. */
		authorOrganisationId: uuid('author_organisation_id').references(() => organisations.id),
		body: text('body').notNull().default(''),
		/** Activity posts: the activity row and its short labels. */
		activityId: uuid('activity_id').references(() => activities.id),
		data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
		commentCount: integer('comment_count').notNull().default(0),
		pinnedAt: at('pinned_at'),
		pinnedById: uuid('pinned_by_id').references(() => users.id),
		editedAt: at('edited_at'),
		/** Deleted by its author (a tombstone keeps comments readable). */
		deletedAt: at('deleted_at'),
		/** Hidden or removed by an admin (moderation; recorded in the audit log). */
		hiddenAt: at('hidden_at'),
		hiddenById: uuid('hidden_by_id').references(() => users.id),
		search: tsvector('search'),
		createdAt: createdAt()
	},
	(t) => [
		// Timelines: newest first, keyset on (created_at, id); top-level posts only. Ascending on
		// purpose: scanned backwards it gives `order by created_at desc, id desc` (DESC NULLS FIRST);
		// drizzle's .desc() writes DESC NULLS LAST, which that order cannot use (a sort of every post).
		index('feed_posts_timeline_idx')
			.on(t.createdAt, t.id)
			.where(sql`${t.parentId} is null`),
		index('feed_posts_channel_idx')
			.on(t.channelId, t.createdAt, t.id)
			.where(sql`${t.parentId} is null`),
		index('feed_posts_parent_idx').on(t.parentId, t.createdAt),
		index('feed_posts_author_idx').on(t.authorId),
		index('feed_posts_search_idx').using('gin', t.search)
	]
);

/** Who is mentioned in a post or comment (notifications, and the isolation check on write). */
export const feedMentions = pgTable(
	'feed_mentions',
	{
		postId: uuid('post_id')
			.notNull()
			.references(() => feedPosts.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' })
	},
	(t) => [
		primaryKey({ columns: [t.postId, t.userId] }),
		index('feed_mentions_user_idx').on(t.userId)
	]
);

export const feedReactions = pgTable(
	'feed_reactions',
	{
		postId: uuid('post_id')
			.notNull()
			.references(() => feedPosts.id, { onDelete: 'cascade' }),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		emoji: text('emoji').notNull(),
		/** The reactor's company (visibility, as for comments). */
		organisationId: uuid('organisation_id')
			.notNull()
			.references(() => organisations.id),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.postId, t.userId, t.emoji] })]
);

/**
 * Files attached to posts, stored once under RELAIS_DATA_DIR/files by SHA-256 (content-addressed).
 * `postId` is null between the upload and the post that uses it.
 */
export const feedAttachments = pgTable(
	'feed_attachments',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		postId: uuid('post_id').references(() => feedPosts.id, { onDelete: 'cascade' }),
		uploaderId: uuid('uploader_id')
			.notNull()
			.references(() => users.id),
		sha256: text('sha256').notNull(),
		/** The file's name as uploaded (shown, and used for downloads), sanitised. */
		name: text('name').notNull(),
		/** Detected from the content (magic bytes), never taken from the upload's claim. */
		mime: text('mime').notNull(),
		size: integer('size').notNull(),
		width: integer('width'),
		height: integer('height'),
		createdAt: createdAt()
	},
	(t) => [
		index('feed_attachments_post_idx').on(t.postId),
		index('feed_attachments_sha_idx').on(t.sha256)
	]
);

/** A person reporting a post or comment; admins hide or remove it (audit log) or dismiss. */
export const feedReports = pgTable(
	'feed_reports',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		postId: uuid('post_id')
			.notNull()
			.references(() => feedPosts.id, { onDelete: 'cascade' }),
		reporterId: uuid('reporter_id')
			.notNull()
			.references(() => users.id),
		reason: text('reason').notNull().default(''),
		status: text('status').$type<ReportStatus>().notNull().default('open'),
		resolvedById: uuid('resolved_by_id').references(() => users.id),
		resolvedAt: at('resolved_at'),
		createdAt: createdAt()
	},
	(t) => [
		uniqueIndex('feed_reports_once_idx').on(t.postId, t.reporterId),
		index('feed_reports_status_idx').on(t.status, t.createdAt)
	]
);

/** Per-person feed preferences (the daily digest e-mail) and when the last digest was sent. */
export const feedPreferences = pgTable('feed_preferences', {
	userId: uuid('user_id')
		.primaryKey()
		.references(() => users.id, { onDelete: 'cascade' }),
	dailyDigest: boolean('daily_digest').notNull().default(false),
	lastDigestAt: at('last_digest_at'),
	updatedAt: stamp('updated_at')
});
