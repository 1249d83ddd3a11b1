import { readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
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

	it('gives every entry an absolute path', () => {
		const bad = a11yRoutes.filter(
			(entry) => typeof entry.path === 'string' && !entry.path.startsWith('/')
		);
		expect(bad.map((entry) => entry.route)).toEqual([]);
	});
});
