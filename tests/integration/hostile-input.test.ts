import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../src/lib/server/config.ts';
import { type Database } from '../../src/lib/server/db/index.ts';
import { seedDemoWorkspace, DEMO_PASSWORD } from '../../src/lib/server/seed/index.ts';
import { SESSION_COOKIE } from '../../src/lib/server/auth/sessions.ts';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import { createImport } from '../../src/lib/server/imports/commands.ts';
import * as adminSchemas from '../../src/lib/shared/schemas/admin.ts';
import * as authSchemas from '../../src/lib/shared/schemas/auth.ts';
import * as crmSchemas from '../../src/lib/shared/schemas/crm.ts';
import * as dealSchemas from '../../src/lib/shared/schemas/deals.ts';
import * as partnerSchemas from '../../src/lib/shared/schemas/partners.ts';
import * as pipelineSchemas from '../../src/lib/shared/schemas/pipeline.ts';
import * as planSchemas from '../../src/lib/shared/schemas/plans.ts';
import * as feed from '../../src/lib/shared/feed.ts';
import { defaultDriver } from '../support/db.ts';
import {
	childDatabase,
	builtAppServes,
	spawnRelais,
	type RelaisProcess
} from '../support/process.ts';
import { XSS_CORPUS } from '../support/xss-corpus.ts';

// Hostile strings into every form action and every endpoint of src/routes, as each role, over
// HTTP against the built app (build/, served by server/index.ts with the demo workspace): no
// answer may be a 5xx. Actions and methods are read from the route files, and each needs an entry
// in TARGETS below (fields, route ids): a new route fails this test until it is added. Form fields
// come from the shared zod schemas the actions parse with; ids are real records of the demo
// workspace, so that a hostile value in one field gets past the others to the code behind them.
// `npm test` builds before the integration tests.

const built = builtAppServes('api/feed/posts');
const title = built
	? 'hostile strings into every action and endpoint'
	: 'hostile strings into every action and endpoint (skipped: no build — run `npm run build`)';

// ── the corpus ────────────────────────────────────────────────────────────────────────────────

/**
 * `text` goes into string fields; `form` (optional) is its urlencoded form when it cannot be
 * written from `text` (bytes that are not UTF-8, percent-encoded or raw). `everywhere`: also into
 * ids, enums and numbers (characters that must be refused wherever they are). `one`: into the
 * first text field only (a body holding it twice would only meet the body limit).
 */
type Payload = {
	name: string;
	text: string;
	form?: string;
	rawForm?: Uint8Array;
	everywhere?: boolean;
	one?: boolean;
	/** Sent as the admin only. */
	admin?: boolean;
	/** In bodies only. */
	body?: boolean;
};

const SURROGATE_BYTES = new Uint8Array([0xed, 0xa0, 0x80]);
const xss = XSS_CORPUS.find((c) => c.name === 'img onerror')!.body;

const PAYLOADS: Payload[] = [
	{
		// What the edge refuses: into free-text fields (ids and choices valid, so that it gets past
		// them), then into every field, id and choice too.
		name: 'NUL, C0 controls and lone surrogates (JSON escapes; percent-encoded UTF-8 in forms)',
		text: 'Acme\u0000 SA\u0001\u0008\u000b\u001b\u001f\u007fx\ud800y\udc00',
		form: 'Acme%00%20SA%01%08%0B%1B%1F%7Fx%ED%A0%80y%ED%B0%80'
	},
	{
		name: 'NUL, C0 controls and lone surrogates, in every field',
		text: 'a\u0000\u0001\u001bx\ud800y',
		form: 'a%00%01%1Bx%ED%A0%80y',
		everywhere: true
	},
	{
		// Text a person could type, that parsers, searches and exports must take as text.
		name: 'RTL override, HTML, SQL, CSV formula, astral and zero-width characters',
		text: `invoice\u202Efdp.exe\u202C <script>alert(1)</script>${xss}"'><b> '; drop table users; -- " or 1=1 -- \\' %_ =HYPERLINK("http://evil.example","x")+cmd|' /C calc'!A0 😀👩‍👩‍👧e\u0301\u200b\ufeff`
	},
	// As the admin only (who reaches the most): each costs time and adds no role to check.
	{
		name: 'lone surrogate as raw UTF-8 bytes',
		text: 'x\ud800',
		rawForm: SURROGATE_BYTES,
		admin: true
	},
	// Not in query strings: a 1 MB URL is refused by Node's HTTP parser before any route (431).
	{ name: '1 MB string', text: 'x'.repeat(1_000_000), one: true, admin: true, body: true }
];

// ── the routes ────────────────────────────────────────────────────────────────────────────────

const ROUTES = 'src/routes';

/** Top-level keys of an object literal that starts on `line` (one tab deeper than it). */
function objectKeys(lines: string[], start: number, indent: string): string[] {
	const keys: string[] = [];
	for (let i = start + 1; i < lines.length; i += 1) {
		const line = lines[i];
		if (line.startsWith(`${indent.slice(1)}}`)) break;
		const key = new RegExp(`^${indent}(?:\\.\\.\\.(\\w+)|(\\w+)(?::|\\())`).exec(line);
		if (key) keys.push(key[1] ? `...${key[1]}` : key[2]);
	}
	return keys;
}

function keysOf(file: string, marker: RegExp, indent: string): string[] {
	const lines = readFileSync(file, 'utf8').split('\n');
	const start = lines.findIndex((line) => marker.test(line));
	return start < 0 ? [] : objectKeys(lines, start, indent);
}

const SPREADS: Record<string, string[]> = {
	feedActions: keysOf(`${ROUTES}/(app)/feed/actions.server.ts`, /^export const feedActions/, '\t'),
	invitationActions: keysOf('src/lib/server/workspace/edge.ts', /^\treturn \{$/, '\t\t')
};

/** `<route id> <action>` for every form action, `<route id> <METHOD>` for every endpoint. */
function enumerate(dir = ROUTES): string[] {
	const found: string[] = [];
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) {
			found.push(...enumerate(path));
			continue;
		}
		const id = `/${relative(ROUTES, dir).split(sep).join('/')}`.replace(/\/$/, '') || '/';
		const source = () => readFileSync(path, 'utf8');
		if (entry.name === '+page.server.ts') {
			const whole = /^export const actions(?::\s*Actions)?\s*=\s*(\w+);/m.exec(source());
			const names = whole
				? [`...${whole[1]}`]
				: keysOf(path, /^export const actions(?::\s*Actions)?\s*=\s*\{$/, '\t');
			for (const name of names) {
				const spread = name.startsWith('...') ? SPREADS[name.slice(3)] : [name];
				if (!spread) throw new Error(`${id}: unknown actions ${name}: add it to SPREADS`);
				found.push(...spread.map((action) => `${id} ${action}`));
			}
		} else if (entry.name === '+server.ts') {
			for (const [, method] of source().matchAll(/^export const (GET|POST|PUT|PATCH|DELETE)\b/gm)) {
				found.push(`${id} ${method}`);
			}
		}
	}
	return found.sort();
}

// ── fields from the shared schemas ────────────────────────────────────────────────────────────

type Ids = Record<string, string>;
/** A field's value: hostile text, or a valid value (an id of the demo workspace, an enum…). */
type Field = { kind: 'text' } | { kind: 'fixed'; value: (ids: Ids) => string | string[] };

const fixed = (value: string | string[] | ((ids: Ids) => string | string[])): Field => ({
	kind: 'fixed',
	value: typeof value === 'function' ? value : () => value
});
const TEXT: Field = { kind: 'text' };

/** Strings that are not free text: a valid value, so the free text behind them is reached. */
const VALID: Record<string, Field> = {
	closeDate: fixed('2027-06-30'),
	expectedCloseDate: fixed('2027-06-30'),
	agreementSignedAt: fixed(''),
	siren: fixed(''),
	vatId: fixed(''),
	domain: fixed('hostile.example'),
	email: fixed('hostile.input@relais.test'),
	adminEmail: fixed(''),
	amountCents: fixed('1250'),
	amount: fixed('1250'),
	probability: fixed('40'),
	phone: fixed(''),
	password: fixed('a sturdy passphrase'),
	confirm: fixed('a sturdy passphrase'),
	current: fixed('not the password'),
	next: fixed('/'),
	redirectTo: fixed('/')
};

/** Which record of the demo workspace an id field names. */
const ID_OF_FIELD: Record<string, string> = {
	accountId: 'account',
	partnerId: 'partner',
	partnerIds: 'partner',
	organisationId: 'partner',
	organisationIds: 'partner',
	ownerId: 'rep',
	userId: 'otherUser',
	regionId: 'region',
	managedRegionIds: 'region',
	teamId: 'team',
	postId: 'post',
	channelId: 'channel',
	invitationId: 'random',
	attachmentIds: 'random'
};

type Def = {
	type: string;
	innerType?: ZodLike;
	in?: ZodLike;
	out?: ZodLike;
	element?: ZodLike;
	options?: ZodLike[];
	left?: ZodLike;
	right?: ZodLike;
	shape?: Record<string, ZodLike>;
	entries?: Record<string, string>;
	values?: unknown[];
	format?: string;
};
type ZodLike = { _zod: { def: Def } };

/** The object fields of a schema, through refinements, pipes, unions and intersections. */
function shapeOf(schema: ZodLike): Record<string, ZodLike> {
	const def = schema._zod.def;
	if (def.shape) return def.shape;
	if (def.type === 'union') return Object.assign({}, ...def.options!.map(shapeOf));
	if (def.type === 'intersection') return { ...shapeOf(def.left!), ...shapeOf(def.right!) };
	const inner = def.innerType ?? def.in;
	if (inner) return shapeOf(inner);
	throw new Error(`no fields in a ${def.type} schema`);
}

/** The first decisive node of a field's schema: an id, a choice, a number, or text. */
function kindOf(schema: ZodLike): Field {
	const seen: ZodLike[] = [schema];
	while (seen.length > 0) {
		const def = seen.shift()!._zod.def;
		if (def.format === 'uuid') return fixed('uuid');
		if (def.format === 'email') return VALID.email;
		if (def.type === 'enum') return fixed(Object.values(def.entries!)[0]);
		if (def.type === 'literal') return fixed(String(def.values![0]));
		if (def.type === 'number' || def.type === 'int') return fixed('1');
		if (def.type === 'boolean') return fixed('true');
		for (const next of [def.innerType, def.in, def.out, def.element, ...(def.options ?? [])]) {
			if (next) seen.push(next);
		}
	}
	return TEXT;
}

function fieldsOf(schema: unknown, extra: Record<string, Field> = {}): Record<string, Field> {
	const fields: Record<string, Field> = {};
	for (const [name, field] of Object.entries(shapeOf(schema as ZodLike))) {
		let kind = VALID[name] ?? kindOf(field);
		if (kind.kind === 'fixed' && kind.value({}) === 'uuid') {
			const record = ID_OF_FIELD[name] ?? 'random';
			kind = fixed((ids) => ids[record] ?? crypto.randomUUID());
		}
		fields[name] = kind;
	}
	return { ...fields, ...extra };
}

// ── targets ───────────────────────────────────────────────────────────────────────────────────

type Target =
	| {
			kind: 'form';
			fields: Record<string, Field>;
			/** Route parameter → record of the demo workspace. */
			params?: Record<string, string>;
			/** Sent as multipart with a file (the field name), the payload as its name and contents. */
			file?: string;
			/** Run after all others (it deletes, signs out or locks something the others need). */
			last?: boolean;
	  }
	| {
			kind: 'json';
			/** Strings equal to § are hostile; others stay (ids, choices). */
			body: ((ids: Ids) => unknown) | null;
			params?: Record<string, string>;
			last?: boolean;
	  }
	| {
			kind: 'query';
			query: string[];
			params?: Record<string, string>;
			stream?: boolean;
			last?: boolean;
	  };

const HOLE = '§';
const form = (
	schema: unknown,
	options: { params?: Record<string, string>; extra?: Record<string, Field>; last?: boolean } = {}
): Target => ({
	kind: 'form',
	fields: fieldsOf(schema, options.extra),
	params: options.params,
	last: options.last
});
const plain = (
	fields: Record<string, Field>,
	options: { params?: Record<string, string>; last?: boolean; file?: string } = {}
): Target => ({ kind: 'form', fields, ...options });
const version = (record: string) => fixed((ids) => ids[`${record}Version`]);

const feedForms = {
	post: form(feed.postInput),
	comment: form(feed.commentInput),
	edit: form(feed.editInput),
	delete: plain({ postId: fixed((ids) => ids.post) }, { last: true }),
	react: form(feed.reactionInput),
	pin: plain({ postId: fixed((ids) => ids.post), pinned: fixed('true') }),
	report: form(feed.reportInput),
	membership: form(feed.membershipInput),
	moderate: form(feed.moderationInput)
};
const onChannel = { params: { id: 'channel' } };
const onPost = { params: { id: 'post' } };
const withParams = (targets: Record<string, Target>, params?: Record<string, string>) =>
	Object.fromEntries(Object.entries(targets).map(([k, t]) => [k, { ...t, params }]));
const invitationForms = {
	revokeInvitation: form(adminSchemas.invitationIdSchema),
	resendInvitation: form(adminSchemas.resendInvitationSchema)
};

const TARGETS: Record<string, Target> = {
	'/(app)/account digest': plain({ dailyDigest: fixed('on') }),
	'/(app)/account timeZone': form(adminSchemas.personTimeZoneSchema),
	'/(app)/account password': form(authSchemas.changePasswordSchema, {
		extra: { current: TEXT, password: TEXT, confirm: TEXT }
	}),
	'/(app)/accounts/[id=id] update': form(crmSchemas.accountEdit, {
		params: { id: 'account' },
		extra: { version: version('account') }
	}),
	'/(app)/accounts/[id=id] delete': plain({}, { params: { id: 'account' }, last: true }),
	'/(app)/accounts/[id=id] createContact': form(crmSchemas.contactInput, {
		params: { id: 'account' }
	}),
	'/(app)/accounts/[id=id] createOpportunity': form(crmSchemas.opportunityInput, {
		params: { id: 'account' }
	}),
	'/(app)/accounts/new default': form(crmSchemas.accountInput),
	'/(app)/admin/settings default': form(adminSchemas.workspaceSettingsSchema),
	'/(app)/admin/deleted restore': form(crmSchemas.restoreInput, {
		extra: { id: fixed((ids) => ids.account), name: TEXT }
	}),
	'/(app)/admin/organisations create': form(adminSchemas.createOrganisationSchema),
	'/(app)/admin/organisations/[id=id] update': form(adminSchemas.updateOrganisationSchema, {
		params: { id: 'partner' }
	}),
	'/(app)/admin/organisations/[id=id] status': form(adminSchemas.organisationStatusSchema, {
		params: { id: 'beta' },
		last: true
	}),
	'/(app)/admin/organisations/[id=id] invite': form(adminSchemas.inviteSchema, {
		params: { id: 'partner' }
	}),
	...prefixed('/(app)/admin/organisations/[id=id]', withParams(invitationForms, { id: 'partner' })),
	'/(app)/admin/users invite': form(adminSchemas.inviteSchema),
	...prefixed('/(app)/admin/users', invitationForms),
	'/(app)/admin/users/[id=id] changeRole': form(adminSchemas.changeRoleSchema, {
		params: { id: 'otherUser' }
	}),
	'/(app)/admin/users/[id=id] assignTeam': form(adminSchemas.assignTeamSchema, {
		params: { id: 'otherUser' }
	}),
	'/(app)/admin/users/[id=id] deactivate': form(adminSchemas.userIdSchema, {
		params: { id: 'otherUser' },
		last: true
	}),
	'/(app)/admin/users/[id=id] reactivate': form(adminSchemas.userIdSchema, {
		params: { id: 'otherUser' },
		last: true
	}),
	'/(app)/company invite': form(adminSchemas.companyInviteSchema),
	'/(app)/company changeRole': form(adminSchemas.companyChangeRoleSchema, {
		extra: { userId: fixed((ids) => ids.otherPartnerUser) }
	}),
	'/(app)/company deactivate': form(adminSchemas.userIdSchema, {
		extra: { userId: fixed((ids) => ids.otherPartnerUser) },
		last: true
	}),
	'/(app)/company reactivate': form(adminSchemas.userIdSchema, {
		extra: { userId: fixed((ids) => ids.otherPartnerUser) },
		last: true
	}),
	...prefixed('/(app)/company', invitationForms),
	'/(app)/contacts/[id=id] update': form(crmSchemas.contactEdit, {
		params: { id: 'contact' },
		extra: { version: version('contact') }
	}),
	'/(app)/contacts/[id=id] delete': plain({}, { params: { id: 'contact' }, last: true }),
	...prefixed('/(app)/feed', feedForms),
	...prefixed('/(app)/feed/[id=id]', withParams(feedForms, onChannel.params)),
	...prefixed('/(app)/feed/posts/[id=id]', withParams(feedForms, onPost.params)),
	'/(app)/feed/[id=id]/settings save': form(feed.channelInput, {
		params: { id: 'channel' },
		extra: { kind: fixed('community'), organisationIds: fixed((ids) => [ids.partner]) }
	}),
	'/(app)/feed/[id=id]/settings archive': plain(
		{ archived: fixed('true') },
		{ params: { id: 'channel' }, last: true }
	),
	'/(app)/feed/channels/new default': form(feed.channelInput, {
		extra: { kind: fixed('community'), organisationIds: fixed((ids) => [ids.partner, ids.beta]) }
	}),
	'/(app)/imports/[id=id] map': plain(
		{ map_name: TEXT, map_domain: TEXT },
		{ params: { id: 'import' } }
	),
	'/(app)/imports/[id=id] start': plain({}, { params: { id: 'import' }, last: true }),
	'/(app)/imports/[id=id] discard': plain({}, { params: { id: 'import' }, last: true }),
	'/(app)/imports/new default': plain({ kind: fixed('accounts') }, { file: 'file' }),
	'/(app)/notifications readAll': plain({}),
	'/(app)/notifications read': plain({ id: fixed('uuid-list') }),
	'/(app)/opportunities/[id=id] update': form(crmSchemas.opportunityEdit, {
		params: { id: 'opportunity' },
		extra: { version: version('opportunity') }
	}),
	'/(app)/opportunities/[id=id] delete': plain({}, { params: { id: 'opportunity' }, last: true }),
	'/(app)/partners/[id=id] update': form(partnerSchemas.updatePartnerSchema('2026-01-01'), {
		params: { id: 'partner' }
	}),
	'/(app)/partners/[id=id] status': form(adminSchemas.organisationStatusSchema, {
		params: { id: 'beta' },
		last: true
	}),
	'/(app)/pipeline move': form(pipelineSchemas.moveOpportunitySchema, {
		extra: { id: fixed((ids) => ids.opportunity), version: version('opportunity') }
	}),
	'/(app)/plans/[id=id] publish': plain({}, { params: { id: 'plan' } }),
	'/(app)/plans/[id=id] unpublish': plain({}, { params: { id: 'plan' } }),
	'/(app)/plans/[id=id] review': plain({}, { params: { id: 'plan' } }),
	'/(app)/plans/[id=id]/settings share': form(planSchemas.sharePlanInput, {
		params: { id: 'plan' }
	}),
	'/(app)/plans/[id=id]/settings person': form(planSchemas.personAccessInput, {
		params: { id: 'plan' },
		extra: { userId: fixed((ids) => ids.otherPartnerUser) }
	}),
	'/(app)/plans/[id=id]/settings owner': form(planSchemas.planOwnerInput, {
		params: { id: 'plan' }
	}),
	'/(app)/plans/[id=id]/settings delete': plain({}, { params: { id: 'plan' }, last: true }),
	'/(app)/plans/new default': form(planSchemas.createPlanInput),
	'/(app)/registrations/[id=id] approve': form(dealSchemas.registrationIdSchema, {
		params: { id: 'registration' },
		last: true
	}),
	'/(app)/registrations/[id=id] reject': form(dealSchemas.rejectSchema, {
		params: { id: 'registration' },
		last: true
	}),
	'/(app)/registrations/new default': form(dealSchemas.registrationSchema('2026-01-01')),
	'/(auth)/forgot-password default': form(authSchemas.forgotPasswordSchema, {
		extra: { email: TEXT },
		last: true
	}),
	'/(auth)/invitation/[token] default': form(authSchemas.acceptInvitationSchema, {
		params: { token: 'token' }
	}),
	'/(auth)/login default': form(authSchemas.loginSchema, {
		extra: { email: TEXT, password: TEXT, next: TEXT },
		last: true
	}),
	'/(auth)/reset-password/[token] default': form(authSchemas.resetPasswordSchema, {
		params: { token: 'token' }
	}),
	'/(auth)/logout GET': { kind: 'query', query: ['next'], last: true },
	'/(auth)/logout POST': plain({}, { last: true }),
	'/(auth)/logout/everywhere GET': { kind: 'query', query: ['next'], last: true },
	'/(auth)/logout/everywhere POST': plain({}, { last: true }),
	'/(app)/export/[kind] GET': {
		kind: 'query',
		query: ['q', 'partner', 'stage', 'owner', 'region', 'status', 'sort', 'from', 'to'],
		params: { kind: 'exportKind' }
	},
	'/api/events GET': { kind: 'query', query: ['after', 'since'], stream: true },
	'/api/feed/files POST': { kind: 'form', fields: {}, file: 'file' },
	'/api/feed/files/[id=id] GET': { kind: 'query', query: ['download'], params: { id: 'random' } },
	'/api/feed/people GET': { kind: 'query', query: ['q', 'channel', 'channelId', 'postId'] },
	'/api/feed/posts POST': {
		kind: 'json',
		body: (ids) => ({ channelId: ids.channel, body: HOLE, attachmentIds: [] })
	},
	'/api/feed/posts/[id=id] GET': { kind: 'query', query: ['comments'], params: { id: 'post' } },
	'/api/feed/posts/[id=id]/comments GET': {
		kind: 'query',
		query: ['before', 'after', 'cursor'],
		params: { id: 'post' }
	},
	'/api/feed/references GET': { kind: 'query', query: ['q', 'kind'] },
	'/api/feed/timeline GET': {
		kind: 'query',
		query: ['channel', 'channelId', 'before', 'cursor', 'after', 'q', 'kind']
	},
	'/api/notifications GET': { kind: 'query', query: ['before', 'limit'] },
	'/api/notifications POST': { kind: 'json', body: () => ({ ids: [HOLE] }) },
	'/api/plans/[id=id]/comments GET': {
		kind: 'query',
		query: ['document'],
		params: { id: 'plan' }
	},
	'/api/plans/[id=id]/comments POST': {
		kind: 'json',
		body: () => ({
			document: 'shared',
			anchor: { field: 'summary', start: 'AAAA', end: 'AAAA' },
			quote: HOLE,
			body: HOLE
		}),
		params: { id: 'plan' }
	},
	'/api/plans/[id=id]/comments/[commentId=id] PATCH': {
		kind: 'json',
		body: () => ({ body: HOLE }),
		params: { id: 'plan', commentId: 'comment' }
	},
	'/api/plans/[id=id]/comments/[commentId=id] DELETE': {
		kind: 'json',
		body: null,
		params: { id: 'plan', commentId: 'comment' },
		last: true
	},
	'/api/plans/[id=id]/comments/[commentId=id]/replies POST': {
		kind: 'json',
		body: () => ({ body: HOLE }),
		params: { id: 'plan', commentId: 'comment' }
	},
	'/api/plans/[id=id]/versions GET': { kind: 'query', query: ['document'], params: { id: 'plan' } },
	'/api/plans/[id=id]/versions POST': {
		kind: 'json',
		body: () => ({ document: 'shared', name: HOLE }),
		params: { id: 'plan' }
	},
	'/api/plans/[id=id]/versions/[versionId=id] GET': {
		kind: 'query',
		query: ['document', 'compare'],
		params: { id: 'plan', versionId: 'version' }
	},
	'/api/plans/[id=id]/versions/[versionId=id]/restore POST': {
		kind: 'json',
		body: () => ({ label: HOLE }),
		params: { id: 'plan', versionId: 'version' },
		last: true
	},
	'/locale GET': { kind: 'query', query: ['locale', 'redirectTo'] },
	'/locale POST': plain({ locale: fixed('fr'), redirectTo: TEXT })
};

/** Pages whose query string filters or searches (not enumerated: every list is named here). */
const PAGES: Record<string, { query: string[]; params?: Record<string, string> }> = {
	'/search': { query: ['q'] },
	'/accounts': { query: keys(crmSchemas.accountFilterSchema) },
	'/partners': { query: keys(partnerSchemas.partnerFilterSchema) },
	'/pipeline': { query: keys(pipelineSchemas.pipelineQuerySchema) },
	'/plans': { query: keys(planSchemas.planFilterSchema) },
	'/plans/new': { query: ['account', 'partner'] },
	'/registrations': { query: keys(dealSchemas.registrationFilterSchema) },
	'/admin/users': { query: keys(adminSchemas.peopleFilterSchema) },
	'/admin/audit': { query: keys(adminSchemas.auditFilterSchema) },
	'/admin/outbox': { query: keys(adminSchemas.outboxFilterSchema) },
	'/admin/reports': { query: ['status', 'cursor'] },
	'/admin/deleted': { query: ['kind', 'q'] },
	'/notifications': { query: ['before'] },
	'/feed': { query: ['before', 'q'] },
	'/imports': { query: ['before'] },
	'/login': { query: ['reason'] }
};

function keys(schema: unknown): string[] {
	return Object.keys(shapeOf(schema as ZodLike));
}

function prefixed(route: string, targets: Record<string, Target>): Record<string, Target> {
	return Object.fromEntries(Object.entries(targets).map(([name, t]) => [`${route} ${name}`, t]));
}

/** The URL path of a route id with its parameters filled. */
function pathOf(routeId: string, params: Record<string, string> | undefined, ids: Ids): string {
	return (
		routeId
			.split('/')
			.filter((part) => !/^\(.*\)$/.test(part))
			.map((part) => {
				const param = /^\[(\w+)(?:=\w+)?\]$/.exec(part);
				if (!param) return part;
				const record = params?.[param[1]];
				if (!record) throw new Error(`${routeId}: no record for [${param[1]}]`);
				return encodeURIComponent(ids[record] ?? crypto.randomUUID());
			})
			.join('/') || '/'
	);
}

// ── requests ──────────────────────────────────────────────────────────────────────────────────

function concat(parts: (string | Uint8Array)[]): Uint8Array<ArrayBuffer> {
	const encoder = new TextEncoder();
	const chunks = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : p));
	const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
	let at = 0;
	for (const chunk of chunks) {
		out.set(chunk, at);
		at += chunk.byteLength;
	}
	return out;
}

/** The payload in a query string (raw bytes cannot be in a URL: percent-encoded). */
function queryValue(payload: Payload): string {
	if (payload.rawForm) return [...payload.rawForm].map((b) => `%${b.toString(16)}`).join('');
	return payload.form ?? encodeURIComponent(payload.text);
}

/** A urlencoded body: hostile fields carry the payload (percent-encoded or raw bytes). */
function urlencoded(values: [string, string | Payload][]): Uint8Array<ArrayBuffer> {
	const parts: (string | Uint8Array)[] = [];
	values.forEach(([name, value], index) => {
		if (index > 0) parts.push('&');
		parts.push(`${encodeURIComponent(name)}=`);
		if (typeof value === 'string') parts.push(encodeURIComponent(value));
		else if (value.rawForm) parts.push(value.rawForm);
		else parts.push(value.form ?? encodeURIComponent(value.text));
	});
	return concat(parts);
}

/** A multipart body with the payload as the file's name and contents, fields as given. */
function multipart(
	fileField: string,
	values: [string, string][],
	payload: Payload
): { body: Uint8Array<ArrayBuffer>; type: string } {
	const boundary = `----relais${crypto.randomUUID()}`;
	const parts: (string | Uint8Array)[] = [];
	for (const [name, value] of values) {
		parts.push(
			`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
		);
	}
	const fileName = payload.rawForm ?? payload.text.replace(/["\r\n]/g, '_').slice(0, 200);
	parts.push(`--${boundary}\r\ncontent-disposition: form-data; name="${fileField}"; filename="`);
	parts.push(fileName, '.csv"\r\ncontent-type: text/csv\r\n\r\n');
	parts.push(
		'name,domain,notes\r\n',
		payload.rawForm ?? payload.text,
		',x.example,',
		payload.rawForm ?? payload.text
	);
	parts.push(`\r\n--${boundary}--\r\n`);
	return { body: concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

/** Replaces every § (and, for `everywhere`, every string) of a JSON body with the payload. */
function fillJson(value: unknown, payload: Payload, first: { done: boolean }): unknown {
	if (typeof value === 'string') {
		if (value !== HOLE && !payload.everywhere) return value;
		if (payload.one && first.done) return 'x';
		first.done = true;
		return payload.text;
	}
	if (Array.isArray(value)) return value.map((v) => fillJson(v, payload, first));
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([k, v]) => [k, fillJson(v, payload, first)])
		);
	}
	return value;
}

type Outgoing = {
	method: string;
	path: string;
	headers: Record<string, string>;
	body?: Uint8Array<ArrayBuffer> | string;
	stream?: boolean;
};

/** The requests of one target for one payload (several for a form: see `one` and `everywhere`). */
function requestsOf(
	key: string,
	target: Target,
	payload: Payload,
	ids: Ids,
	origin: string
): Outgoing[] {
	const [routeId, name] = key.split(' ');
	const path = pathOf(routeId, target.params, ids);
	const base = { origin, 'accept-language': 'en' };
	if (target.kind === 'query') {
		if (payload.body) return [];
		const query = target.query.map((q) => `${q}=${queryValue(payload)}`);
		return [
			{
				method: 'GET',
				path: `${path}?${query.join('&')}`,
				headers: { ...base, accept: 'application/json' },
				stream: target.stream
			}
		];
	}
	if (target.kind === 'json') {
		const method = name;
		if (target.body === null) {
			return [{ method, path: `${path}?document=${queryValue(payload)}`, headers: base }];
		}
		const body = JSON.stringify(fillJson(target.body(ids), payload, { done: false }));
		return [
			{
				method,
				path,
				headers: { ...base, 'content-type': 'application/json', accept: 'application/json' },
				body
			}
		];
	}
	const action = /^[A-Z]+$/.test(name) ? '' : name === 'default' ? '' : `?/${name}`;
	const values: [string, string | Payload][] = [];
	let first = true;
	for (const [field, kind] of Object.entries(target.fields)) {
		const hostile = kind.kind === 'text' || payload.everywhere;
		if (hostile && (!payload.one || first)) {
			values.push([field, payload]);
			first = false;
			continue;
		}
		const value = kind.kind === 'fixed' ? kind.value(ids) : 'x';
		if (value === 'uuid-list') values.push([field, ids.notification]);
		else for (const v of Array.isArray(value) ? value : [value]) values.push([field, v]);
	}
	// As forms enhanced with JavaScript post (an ActionResult; a page rendered after each action
	// would only cost time here: the test above checks the page without JavaScript).
	const accept = { accept: 'application/json', 'x-sveltekit-action': 'true' };
	if (target.file) {
		const plainValues = values.filter((v): v is [string, string] => typeof v[1] === 'string');
		const { body, type } = multipart(target.file, plainValues, payload);
		return [
			{
				method: 'POST',
				path: `${path}${action}`,
				headers: { ...base, ...accept, 'content-type': type },
				body
			}
		];
	}
	return [
		{
			method: 'POST',
			path: `${path}${action}`,
			headers: { ...base, ...accept, 'content-type': 'application/x-www-form-urlencoded' },
			body: urlencoded(values)
		}
	];
}

// ── the test ──────────────────────────────────────────────────────────────────────────────────

const ROLES = {
	admin: 'admin@relais.test',
	manager: 'manager@relais.test',
	rep: 'rep@relais.test',
	'partner admin': 'partner.admin@alpha.test',
	'partner member': 'marie.petit@alpha.test',
	'signed out': null
} as const;

function rowsOf<T>(result: unknown): T[] {
	return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

async function demoIds(database: Database): Promise<Ids> {
	const one = async (query: ReturnType<typeof sql>): Promise<Record<string, string>> => {
		const [row] = rowsOf<Record<string, string>>(await database.db.execute(query));
		if (!row) throw new Error('the demo workspace lacks a record this test needs');
		return row;
	};
	const alpha = await one(sql`select id from organisations where lower(name) = 'alpha'`);
	const beta = await one(sql`select id from organisations where lower(name) = 'beta'`);
	const account = await one(
		sql`select a.id, a.version from accounts a join account_partners p on p.account_id = a.id where p.organisation_id = ${alpha.id} and a.deleted_at is null order by a.id limit 1`
	);
	const contact = await one(
		sql`select id, version from contacts where account_id = ${account.id} and deleted_at is null order by id limit 1`
	);
	const opportunity = await one(
		sql`select id, version from opportunities where partner_id = ${alpha.id} and deleted_at is null order by id limit 1`
	);
	const plan = await one(
		sql`select id from plans where shared_with_id = ${alpha.id} and deleted_at is null order by id limit 1`
	);
	const registration = await one(
		sql`select id from deal_registrations where partner_id = ${alpha.id} order by id limit 1`
	);
	const channel = await one(
		sql`select id from feed_channels where partner_id = ${alpha.id} limit 1`
	);
	const post = await one(
		sql`select id from feed_posts where channel_id = ${channel.id} and parent_id is null and deleted_at is null order by id limit 1`
	);
	const user = (email: string) => one(sql`select id from users where email = ${email}`);
	const comment = await one(
		sql`select id from plan_comments where plan_id = ${plan.id} and parent_id is null order by id limit 1`
	).catch(() => ({ id: crypto.randomUUID() }));
	const version = await one(
		sql`select id from plan_versions where plan_id = ${plan.id} order by id limit 1`
	).catch(() => ({ id: crypto.randomUUID() }));
	const region = await one(sql`select id from regions order by id limit 1`);
	const team = await one(sql`select id from teams order by id limit 1`);
	// A draft import of the admin's, for the mapping form to reach.
	const admin = await one(
		sql`select u.id, u.role, u.organisation_id, o.kind from users u join organisations o on o.id = u.organisation_id where u.email = 'admin@relais.test'`
	);
	const job = await createImport(
		database.db,
		{
			id: admin.id,
			role: admin.role as Actor['role'],
			organisationId: admin.organisation_id,
			organisationKind: admin.kind as Actor['organisationKind']
		},
		{ kind: 'accounts', filename: 'accounts.csv', content: 'name,domain\nAcme,acme.example\n' }
	);
	const notification = await one(sql`select id from notifications order by id limit 1`);
	return {
		partner: alpha.id,
		beta: beta.id,
		account: account.id,
		accountVersion: String(account.version),
		contact: contact.id,
		contactVersion: String(contact.version),
		opportunity: opportunity.id,
		opportunityVersion: String(opportunity.version),
		plan: plan.id,
		registration: registration.id,
		channel: channel.id,
		post: post.id,
		comment: comment.id,
		version: version.id,
		region: region.id,
		team: team.id,
		import: job.id,
		notification: notification.id,
		rep: (await user('rep@relais.test')).id,
		otherUser: (await user('sophie.lambert@relais.test')).id,
		otherPartnerUser: (await user('karim.benali@alpha.test')).id,
		token: 'not-a-real-token',
		exportKind: 'accounts'
	};
}

describe.runIf(built)(title, { timeout: 300_000 }, () => {
	let relais: RelaisProcess;
	let url: string;
	let ids: Ids;
	const cookies = new Map<string, string | null>();
	const cleanups: (() => Promise<void> | void)[] = [];

	beforeAll(async () => {
		const driver = defaultDriver();
		const child = await childDatabase(driver);
		cleanups.push(child.remove);
		const { env } = child;
		// PGlite serves one process: seed and read the ids before the server opens it.
		const database = await child.open();
		try {
			await seedDemoWorkspace(database.db, loadConfig({ NODE_ENV: 'test' }));
			ids = await demoIds(database);
		} finally {
			await database.close();
		}
		relais = spawnRelais({ env: { ...env, RELAIS_HANDLER: undefined, LOG_LEVEL: 'error' } });
		url = await relais.listening;
		// Once per role: the cookies are reused for every request (sign-in is rate limited).
		for (const [role, email] of Object.entries(ROLES)) {
			if (!email) {
				cookies.set(role, null);
				continue;
			}
			const response = await fetch(`${url}/login`, {
				method: 'POST',
				headers: { origin: url, 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({ email, password: DEMO_PASSWORD, next: '/' }),
				redirect: 'manual'
			});
			const cookie = response.headers
				.getSetCookie()
				.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
			if (!cookie) {
				throw new Error(
					`${role} could not sign in: ${response.status} ${response.headers.getSetCookie().join(' | ')} ${(await response.text()).slice(0, 300)}`
				);
			}
			cookies.set(role, cookie.split(';')[0]);
		}
	}, 180_000);

	afterAll(async () => {
		relais?.kill();
		await relais?.exited;
		for (const cleanup of cleanups) await cleanup();
	});

	/** A request as a role, in a language (the locale cookie wins over the account's choice). */
	const as = (role: keyof typeof ROLES, language: 'en' | 'fr', init: RequestInit = {}) => ({
		...init,
		redirect: 'manual' as const,
		headers: {
			origin: url,
			cookie: [cookies.get(role), `PARAGLIDE_LOCALE=${language}`].filter(Boolean).join('; '),
			...(init.headers as Record<string, string>)
		}
	});
	const refusal = {
		en: 'This text holds an invisible control character (such as NUL) that cannot be saved',
		fr: 'Ce texte contient un caractère de contrôle invisible (comme NUL) qui ne peut pas être enregistré'
	};
	const request = {
		en: 'What you sent holds an invisible control character (such as NUL) that Relais cannot read. Remove it and try again.',
		fr: 'Ce que vous avez envoyé contient un caractère de contrôle invisible (comme NUL) que Relais ne peut pas lire. Supprimez-le et réessayez.'
	};

	it('answers a form with a NUL 400, the message beside the field and what was typed kept', async () => {
		const body = new URLSearchParams({
			name: 'Acme\u0000 SA',
			domain: 'acme.example',
			notes: 'Two\nlines'
		});
		const form = { 'content-type': 'application/x-www-form-urlencoded' };
		// Without JavaScript: the page again, in the person's language.
		for (const language of ['fr', 'en'] as const) {
			const page = await fetch(
				`${url}/accounts/new`,
				as('admin', language, { method: 'POST', body, headers: { ...form, accept: 'text/html' } })
			);
			expect(page.status).toBe(400);
			const html = await page.text();
			expect(html).toContain(refusal[language]);
			expect(html).toContain('value="Acme\uFFFD SA"');
			expect(html).toContain('value="acme.example"');
		}
		// Enhanced with JavaScript: the ActionResult carries the field's message and the values.
		const enhanced = await fetch(
			`${url}/accounts/new`,
			as('admin', 'en', {
				method: 'POST',
				body,
				headers: { ...form, accept: 'application/json', 'x-sveltekit-action': 'true' }
			})
		);
		// An ActionResult travels as a 200; its own status says 400.
		expect(enhanced.status).toBe(200);
		const result = (await enhanced.json()) as { type: string; status: number; data: string };
		expect(result).toMatchObject({ type: 'failure', status: 400 });
		expect(result.data).toContain('error_text_characters');
		expect(result.data).toContain('Acme\uFFFD SA');
	});

	it('answers the import form with a NUL in a field or in the file name 400, in the person’s language, and keeps no import', async () => {
		const boundary = 'RelaisHostileImport';
		const part = (name: string, value: string) =>
			`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
		// A NUL cannot be written in a quoted file name (busboy refuses the header): RFC 5987's
		// encoded form carries it, as any client may send.
		const file = (name: string) =>
			`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename*=utf-8''${name}\r\ncontent-type: text/csv\r\n\r\nname,domain\r\nHostile Import Co,hostile.example\r\n`;
		const end = `--${boundary}--\r\n`;
		const post = (body: string, language: 'en' | 'fr', accept = 'text/html') =>
			fetch(
				`${url}/imports/new`,
				as('admin', language, {
					method: 'POST',
					body,
					headers: {
						'content-type': `multipart/form-data; boundary=${boundary}`,
						accept,
						...(accept === 'text/html' ? {} : { 'x-sveltekit-action': 'true' })
					}
				})
			);
		const forms = {
			'file name': part('kind', 'accounts') + file('nul%00name.csv') + '\r\n' + end,
			kind: part('kind', 'accounts\u0000') + file('nul-kind.csv') + '\r\n' + end,
			'field after the file':
				part('kind', 'accounts') + file('nul-after.csv') + '\r\n' + part('note', 'x\u0000') + end
		};
		for (const [what, body] of Object.entries(forms)) {
			for (const language of ['fr', 'en'] as const) {
				const page = await post(body, language);
				expect(page.status, `${what} (${language})`).toBe(400);
				expect(await page.text()).toContain(refusal[language]);
			}
			const enhanced = await post(body, 'en', 'application/json');
			const result = (await enhanced.json()) as { type: string; status: number; data: string };
			expect(result, what).toMatchObject({ type: 'failure', status: 400 });
			expect(result.data).toContain('error_text_characters');
		}
		// The same form without the NUL is stored; none of the refused ones is.
		const clean = await post(
			part('kind', 'accounts') + file('clean-import.csv') + '\r\n' + end,
			'en'
		);
		expect(clean.status).toBe(303);
		const list = await (await fetch(`${url}/imports`, as('admin', 'en'))).text();
		expect(list).toContain('clean-import.csv');
		for (const name of ['nulname.csv', 'nul-kind.csv', 'nul-after.csv'])
			expect(list).not.toContain(name);
	});

	it('answers a JSON body or a query string with a NUL 400 in the person’s language', async () => {
		const post = await fetch(
			`${url}/api/feed/posts`,
			as('rep', 'fr', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ channelId: ids.channel, body: 'Hello\u0000', attachmentIds: [] })
			})
		);
		expect(post.status).toBe(400);
		expect(await post.json()).toMatchObject({ message: request.fr, field: 'body' });
		const people = await fetch(`${url}/api/feed/people?q=a%00`, as('rep', 'en'));
		expect(people.status).toBe(400);
		expect(await people.json()).toEqual({ message: request.en });
		const search = await fetch(
			`${url}/search?q=a%00b`,
			as('partner member', 'fr', { headers: { accept: 'text/html' } })
		);
		expect(search.status).toBe(400);
		expect(search.headers.get('x-content-type-options')).toBe('nosniff');
		expect(await search.text()).toContain(request.fr);
	});

	it('has parameters for every form action and endpoint of src/routes, and no others', () => {
		const found = enumerate();
		expect(found.length).toBeGreaterThan(90);
		expect(
			found.filter((key) => !(key in TARGETS)),
			'routes without parameters here'
		).toEqual([]);
		expect(
			Object.keys(TARGETS).filter((key) => !found.includes(key)),
			'parameters of no route'
		).toEqual([]);
	});

	const ANSWER_TIMEOUT_MS = 30_000;

	it('answers no hostile string in any field, parameter or body with a 5xx, as any role', async () => {
		const failures: string[] = [];
		let sent = 0;
		type Job = { role: string; label: string; request: Outgoing };
		const jobs: Job[] = [];
		const ordered = Object.entries(TARGETS).sort(
			([, a], [, b]) => Number(!!a.last) - Number(!!b.last)
		);
		const pages: [string, Target][] = Object.entries(PAGES).map(([path, page]) => [
			`${path} page`,
			{ kind: 'query', query: page.query }
		]);
		// The others first, then the ones that delete or sign out; within each, role by role, and
		// each role's sign-out actions after everything else it sends.
		for (const last of [false, true]) {
			for (const role of Object.keys(ROLES)) {
				for (const [key, target] of [...pages, ...ordered]) {
					if (!!target.last !== last) continue;
					for (const payload of PAYLOADS) {
						if (payload.admin && role !== 'admin') continue;
						const requests = key.endsWith(' page')
							? payload.body
								? []
								: [
										{
											method: 'GET',
											path: `${key.split(' ')[0]}?${(target as { query: string[] }).query.map((q) => `${q}=${queryValue(payload)}`).join('&')}`,
											headers: { origin: url, accept: 'text/html' }
										}
									]
							: requestsOf(key, target, payload, ids, url);
						for (const request of requests)
							jobs.push({ role, label: `${key} ← ${payload.name}`, request });
					}
				}
			}
		}
		// Sign-outs end a role's session: each role's come at the very end.
		const signOut = (job: Job) => /^\/\(auth\)\/logout/.test(job.label);
		const queue = [...jobs.filter((j) => !signOut(j)), ...jobs.filter(signOut)];
		/**
		 * One request. A connection reset is retried on a fresh one: a route that answers before
		 * reading a large body (a 403) makes Node close the connection, and a request that undici
		 * had started on it fails with ECONNRESET — the network, not the app's answer.
		 */
		const send = async (job: Job, attempt = 1): Promise<Response> => {
			const cookie = cookies.get(job.role);
			try {
				return await fetch(`${url}${job.request.path}`, {
					method: job.request.method,
					headers: { ...job.request.headers, ...(cookie ? { cookie } : {}) },
					body: job.request.body,
					redirect: 'manual',
					// A request the server never answers is a failure to name, not a test timeout.
					signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS)
				});
			} catch (error) {
				const code = ((error as Error).cause as { code?: string } | undefined)?.code;
				if (attempt < 3 && (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')) {
					return send(job, attempt + 1);
				}
				throw error;
			}
		};
		const run = async (job: Job) => {
			const response = await send(job);
			sent += 1;
			// The live stream never ends: its status is all there is to see.
			if (job.request.stream) await response.body?.cancel();
			else await response.arrayBuffer();
			if (response.status >= 500) {
				failures.push(
					`${response.status} ${job.role}: ${job.request.method} ${job.label} (${job.request.path.slice(0, 120)})`
				);
			}
		};

		// A few at once: the server is one process, the database another.
		const workers = Array.from({ length: 4 }, async () => {
			for (let job = queue.shift(); job; job = queue.shift()) {
				await run(job).catch((error: unknown) => {
					failures.push(
						`${job!.role}: ${job!.label}: ${String(error)} (${String((error as Error).cause)})`
					);
				});
			}
		});
		await Promise.all(workers);
		// What the server logged about them (LOG_LEVEL=error: the 500s' stack traces).
		expect(failures, relais.stdout().slice(-6000)).toEqual([]);
		expect(sent).toBe(jobs.length);
	}, 240_000);
});
