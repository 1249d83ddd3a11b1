import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { a11yRoutes } from '../e2e/a11y-routes.ts';

// Every page must have an accessibility audit: this test fails naming each `+page.svelte` under
// src/routes that has no entry in tests/e2e/a11y-routes.ts, and each entry naming no page.

const routesDir = resolve(import.meta.dirname, '../../src/routes');

function pageRouteIds(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) return pageRouteIds(path);
		if (entry.name !== '+page.svelte') return [];
		const folder = relative(routesDir, dir);
		return [`/${folder.split(sep).join('/')}`.replace(/\/$/, '') || '/'];
	});
}

// Dialogs: a page that places a dialog must have it opened by its audit. The page's markup (and
// that of route-local components) is read for the dialogs it places: each native <dialog>, and each
// tag of a component that holds one, however deep (ui/Dialog, ConfirmAction, ActionDialog,
// InvitationList, PostCard…). Each placement needs at least one declared dialog named
// "… dialog" among the route's entries (menus and field errors are named otherwise). A component
// placed once counts once, even when it holds several dialogs or sits in an {#each}: this is a
// floor that catches a page with an undeclared dialog, not proof that every one is opened.

const libDir = resolve(import.meta.dirname, '../../src/lib');
const sources = new Map<string, string>();

/** A .svelte file's markup: no <script>/<style> blocks, no HTML comments. */
function markup(file: string): string {
	let text = sources.get(file);
	if (text === undefined) {
		text = readFileSync(file, 'utf8');
		sources.set(file, text);
	}
	return text
		.replace(/<script[\s\S]*?<\/script>/g, '')
		.replace(/<style[\s\S]*?<\/style>/g, '')
		.replace(/<!--[\s\S]*?-->/g, '');
}

/** The .svelte components a file imports, by local name ($lib or relative paths). */
function components(file: string): Map<string, string> {
	markup(file);
	const found = new Map<string, string>();
	const imports = /import\s+([A-Z][\w$]*)\s+from\s+['"]([^'"]+\.svelte)['"]/g;
	for (const [, name, spec] of sources.get(file)!.matchAll(imports)) {
		const path = spec.startsWith('$lib/')
			? join(libDir, spec.slice('$lib/'.length))
			: resolve(dirname(file), spec);
		// `.svelte.ts` modules are imported as "x.svelte" too: only real component files count.
		if (existsSync(path)) found.set(name, path);
	}
	return found;
}

const holdsDialogMemo = new Map<string, boolean>();

/** Whether a component renders a <dialog>, itself or through the components it places. */
function holdsDialog(file: string): boolean {
	const known = holdsDialogMemo.get(file);
	if (known !== undefined) return known;
	holdsDialogMemo.set(file, false);
	const html = markup(file);
	const result =
		/<dialog\b/.test(html) ||
		[...components(file)].some(
			([name, path]) => new RegExp(`<${name}\\b`).test(html) && holdsDialog(path)
		);
	holdsDialogMemo.set(file, result);
	return result;
}

/** The dialogs a page places: native ones and dialog-holding component tags, route-local ones included. */
function dialogPlacements(file: string): string[] {
	const html = markup(file);
	const placed: string[] = [...html.matchAll(/<dialog\b/g)].map(() => '<dialog>');
	for (const [name, path] of components(file)) {
		const uses = html.match(new RegExp(`<${name}\\b`, 'g'))?.length ?? 0;
		if (!uses) continue;
		// Route-local components are part of the page: their own placements count one by one.
		if (!path.startsWith(libDir + sep) && path.startsWith(routesDir + sep)) {
			placed.push(...dialogPlacements(path));
		} else if (holdsDialog(path)) {
			for (let i = 0; i < uses; i++) placed.push(`<${name}>`);
		}
	}
	return placed;
}

/** Dialogs the audit opens on a route, over all its entries. */
function declaredDialogs(route: string): string[] {
	return a11yRoutes
		.filter((entry) => entry.route === route)
		.flatMap((entry) => entry.dialogs ?? [])
		.map((dialog) => dialog.name)
		.filter((name) => /\bdialog\b/i.test(name));
}

/**
 * Pages whose entries (owned elsewhere) do not yet open every dialog they place, with how many are
 * missing. Declare the dialogs in tests/e2e/a11y-routes.ts, then remove the line: the test fails
 * when a line here is no longer needed.
 */
const KNOWN_DIALOG_GAPS: Record<string, string> = {};

describe('accessibility coverage', () => {
	const pages = pageRouteIds(routesDir).sort();
	const registered = new Set(a11yRoutes.map((entry) => entry.route));

	it('finds the pages under src/routes', () => {
		expect(pages.length).toBeGreaterThan(0);
	});

	it('has an axe audit for every page under src/routes', () => {
		const missing = pages.filter((route) => !registered.has(route));
		expect(
			missing,
			`These pages have no entry in tests/e2e/a11y-routes.ts:\n${missing.map((r) => `  ${r}`).join('\n')}\n`
		).toEqual([]);
	});

	it('lists no page that does not exist', () => {
		const known = new Set(pages);
		const stale = [...registered].filter((route) => !known.has(route));
		expect(
			stale,
			`These entries of tests/e2e/a11y-routes.ts name no +page.svelte:\n${stale.map((r) => `  ${r}`).join('\n')}\n`
		).toEqual([]);
	});

	it('opens, on every page, at least as many dialogs as the page places', () => {
		const short = pages.flatMap((route) => {
			// One component placed twice (the plan's history of the shared and internal documents) is
			// one kind of dialog to audit.
			const placed = [...new Set(dialogPlacements(join(routesDir, route, '+page.svelte')))];
			const declared = declaredDialogs(route);
			if (declared.length >= placed.length) return [];
			return [`  ${route}: places ${placed.join(', ')}; the audit opens ${declared.length}`];
		});
		const known = Object.keys(KNOWN_DIALOG_GAPS);
		const unexpected = short.filter(
			(line) => !known.some((route) => line.startsWith(`  ${route}:`))
		);
		expect(
			unexpected,
			`These pages place more dialogs than their entries in tests/e2e/a11y-routes.ts open (declare each, named "the … dialog"):\n${unexpected.join('\n')}\n`
		).toEqual([]);
		const closed = known.filter((route) => !short.some((line) => line.startsWith(`  ${route}:`)));
		expect(closed, 'These KNOWN_DIALOG_GAPS are covered now: remove them').toEqual([]);
	});

	it('finds the dialogs a page places, through the components that hold them', () => {
		// The detection itself: a page with a confirm button, one with a list holding one.
		const placed = (route: string) => dialogPlacements(join(routesDir, route, '+page.svelte'));
		expect(placed('/(app)/admin/users/[id=id]')).toEqual(['<ConfirmAction>']);
		expect(placed('/(app)/company').sort()).toEqual(
			['<ConfirmAction>', '<Dialog>', '<InvitationList>'].sort()
		);
		expect(placed('/(auth)/login')).toEqual([]);
	});

	it('gives every entry an absolute path', () => {
		const bad = a11yRoutes.filter(
			(entry) => typeof entry.path === 'string' && !entry.path.startsWith('/')
		);
		expect(bad.map((entry) => entry.route)).toEqual([]);
	});
});
