import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	CHANNEL_KINDS,
	IMPORT_KINDS,
	ORGANISATION_KINDS,
	ORGANISATION_STATUSES,
	PLAN_ACTION_STATUSES,
	REGISTRATION_STATUSES,
	REPORT_STATUSES,
	ROLES,
	STAGES,
	TIERS
} from '../../src/lib/shared/enums.ts';
import {
	ATTITUDES,
	INFLUENCE_LEVELS,
	SWOT_QUADRANTS,
	WHITESPACE_CELLS
} from '../../src/lib/shared/plan-doc.ts';
import { CLOSE_PERIODS } from '../../src/lib/shared/schemas/pipeline.ts';
import { PEOPLE_STATUSES } from '../../src/lib/shared/schemas/admin.ts';
import { IMPORT_FIELDS } from '../../src/lib/server/imports/fields.ts';
import type { AmountError } from '../../src/lib/shared/amount.ts';

// A message missing in one language, or named in code and missing in both, shows its raw key
// (t() and label() fall back to it). Messages are messages/<domain>/{en,fr}.json, listed in
// project.inlang/settings.json and compiled by Paraglide to src/lib/paraglide. Code reaches them
// three ways, each checked here:
//   1. m.key(…) / m['key'](…) after `import { m } from '$lib/paraglide/messages'`;
//   2. a key written as a string and translated later by t() (MessageRef { key }, zod issue
//      messages, import row errors, maps of error codes to keys): every string literal that looks
//      like a key (a known prefix, then "_") must be one, unless NOT_KEYS says what it is;
//   3. keys built at run time: label(prefix, value) / enumOptions(prefix, values) and the few
//      template literals, each family listed in DYNAMIC_FAMILIES with the values it takes.
// Unused keys are allowed.

const root = join(import.meta.dirname, '..', '..');
const LOCALES = ['en', 'fr'] as const;

type Domain = { name: string; keys: Record<(typeof LOCALES)[number], Set<string>> };

function readDomains(): Domain[] {
	const settings = JSON.parse(readFileSync(join(root, 'project.inlang/settings.json'), 'utf8'));
	const patterns: string[] = settings['plugin.inlang.messageFormat'].pathPattern;
	return patterns.map((pattern) => {
		const keys = Object.fromEntries(
			LOCALES.map((locale) => {
				const file = join(root, pattern.replace('{locale}', locale));
				const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
				return [locale, new Set(Object.keys(json).filter((k) => k !== '$schema'))];
			})
		) as Domain['keys'];
		return { name: pattern.split('/').at(-2)!, keys };
	});
}

const domains = readDomains();
const KEYS = new Set(domains.flatMap((d) => [...d.keys.en, ...d.keys.fr]));
/** "crm", "error", "role"…: what a key starts with. */
const PREFIXES = new Set([...KEYS].map((k) => k.split('_')[0]));

function* sourceFiles(dir: string): Generator<string> {
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		const rel = relative(root, path).split(sep).join('/');
		if (rel === 'src/lib/paraglide' || name === 'node_modules') continue;
		if (statSync(path).isDirectory()) yield* sourceFiles(path);
		else if (/\.(ts|js|svelte)$/.test(name)) yield path;
	}
}

const sources = [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'server'))].map(
	(path) => ({
		file: relative(root, path).split(sep).join('/'),
		text: readFileSync(path, 'utf8')
	})
);

/**
 * String literals that look like keys and are not: what label()/enumOptions() prefix, data codes
 * (notification kinds, close periods, audit object types, mail kinds) and SQL names.
 */
const NOT_KEYS: Record<string, string> = {
	role_changed: 'notification kind (shared/notifications.ts)',
	tier_changed: 'notification kind',
	feed_mention: 'notification kind',
	feed_reply: 'notification kind',
	feed_reaction: 'notification kind',
	next_quarter: 'close period (schemas/pipeline.ts)',
	feed_channel: 'audit object type',
	feed_post: 'audit object type',
	feed_digest: 'mail kind',
	feed_reporter: 'SQL alias',
	feed_author: 'SQL alias',
	feed_reporter_org: 'SQL alias',
	feed_author_org: 'SQL alias',
	feed_timeline: 'prepared statement name',
	search_partners: 'prepared statement name',
	feed_posts: 'table name, in a comment'
};

/** Keys built at run time: the prefix and every value it is joined with. */
const DYNAMIC_FAMILIES: Record<string, readonly string[]> = {
	// label(prefix, value) and enumOptions(prefix, values)
	role: ROLES,
	tier: TIERS,
	status: [...ORGANISATION_STATUSES, ...PEOPLE_STATUSES],
	kind: ORGANISATION_KINDS,
	crm_kind: ['account', 'contact', 'opportunity'],
	crm_stage: STAGES,
	crm_pipeline_stage: STAGES,
	crm_pipeline_period: CLOSE_PERIODS,
	deals_status: REGISTRATION_STATUSES,
	deals_stage: STAGES,
	deals_match: ['name', 'domain', 'siren'],
	feed_kind: CHANNEL_KINDS,
	feed_kind_hint: CHANNEL_KINDS.filter((k) => k !== 'partner'),
	feed_moderated: ['hide', 'unhide', 'remove', 'dismiss'],
	feed_report_status: REPORT_STATUSES,
	feed_reference_kind: ['account', 'partner', 'opportunity'],
	imports_field: [...new Set(Object.values(IMPORT_FIELDS).flatMap((f) => f.map((x) => x.key)))],
	imports_kind: IMPORT_KINDS,
	imports_outcome: ['created', 'updated', 'rejected'],
	imports_status: ['draft', 'queued', 'running', 'done', 'failed'],
	partners_stage: STAGES,
	planEditor_attitude: ATTITUDES,
	planEditor_influence: INFLUENCE_LEVELS,
	planEditor_status: PLAN_ACTION_STATUSES,
	planEditor_swot: SWOT_QUADRANTS,
	planEditor_ws_state: WHITESPACE_CELLS,
	search_kind: ['partners', 'accounts', 'contacts', 'plans', 'opportunities', 'posts'],
	// amountMessage(error) in shared/amount.ts
	amount_error: ['not_a_number', 'negative', 'decimals', 'too_large', 'zero'] satisfies Exclude<
		AmountError,
		'empty'
	>[]
};

/**
 * Families whose missing values fall back to something readable on purpose, not checked value by
 * value: the audit page shows the action code itself when admin_action_<code> is missing, and a
 * partner's activity without partners_verb_<verb> shows the verb.
 */
const FALLBACK_FAMILIES = new Set(['admin_action', 'partners_verb']);

describe('messages', () => {
	it('lists every domain file of messages/ in the Paraglide settings', () => {
		const folders = readdirSync(join(root, 'messages')).filter((name) =>
			statSync(join(root, 'messages', name)).isDirectory()
		);
		expect(domains.map((d) => d.name).sort()).toEqual(folders.sort());
	});

	it('has every key of each domain in both languages', () => {
		const oneSided = domains.flatMap(({ name, keys }) => [
			...[...keys.en].filter((k) => !keys.fr.has(k)).map((k) => `${name}: ${k} has no fr`),
			...[...keys.fr].filter((k) => !keys.en.has(k)).map((k) => `${name}: ${k} has no en`)
		]);
		expect(oneSided).toEqual([]);
	});

	it('has a message for every m.key and m["key"] in src/ and server/', () => {
		const missing: string[] = [];
		let uses = 0;
		for (const { file, text } of sources) {
			if (!/import \{ m \} from '[^']*paraglide\/messages(\.js)?'/.test(text)) continue;
			for (const match of text.matchAll(/\bm(?:\.(\w+)|\[\s*['"]([^'"]+)['"]\s*\])/g)) {
				uses++;
				const key = match[1] ?? match[2];
				if (!KEYS.has(key)) missing.push(`${file}: m.${key}`);
			}
		}
		expect(uses).toBeGreaterThan(500);
		expect(missing).toEqual([]);
	});

	it('has a message for every key written as a string (MessageRef, zod issues, import errors)', () => {
		const missing: string[] = [];
		for (const { file, text } of sources) {
			// Table and index names of the schema are SQL, not messages.
			if (file === 'src/lib/server/db/schema.ts') continue;
			for (const match of text.matchAll(/['"`]([a-z][a-zA-Z0-9]*_[a-zA-Z0-9_]+)['"`]/g)) {
				const literal = match[1];
				if (!PREFIXES.has(literal.split('_')[0])) continue;
				if (KEYS.has(literal) || literal in NOT_KEYS || literal in DYNAMIC_FAMILIES) continue;
				if (FALLBACK_FAMILIES.has(literal)) continue;
				missing.push(`${file}: '${literal}'`);
			}
		}
		expect(missing).toEqual([]);
	});

	it('has a message for every value of each key family built at run time', () => {
		const missing = Object.entries(DYNAMIC_FAMILIES).flatMap(([prefix, values]) =>
			values.map((value) => `${prefix}_${value}`).filter((key) => !KEYS.has(key))
		);
		expect(missing).toEqual([]);
	});

	it('knows every family built at run time in the code', () => {
		const families = new Set<string>();
		for (const { text } of sources) {
			// label('prefix', …), labelOf('prefix', …), enumOptions('prefix', …)
			for (const match of text.matchAll(/\b(?:label|labelOf|enumOptions)\(\s*'([\w]+)'/g))
				families.add(match[1]);
			// `prefix_${…}` template literals that name messages
			for (const match of text.matchAll(/`([a-z][a-zA-Z0-9]*_[a-zA-Z0-9_]*?)_?\$\{/g)) {
				const prefix = match[1].replace(/_$/, '');
				if (PREFIXES.has(prefix.split('_')[0])) families.add(prefix);
			}
		}
		// Statement names built the same way (search/providers.ts: `search_${kind}`) are SQL.
		families.delete('search');
		const unknown = [...families].filter(
			(prefix) => !(prefix in DYNAMIC_FAMILIES) && !FALLBACK_FAMILIES.has(prefix)
		);
		expect(unknown).toEqual([]);
	});
});
