import { a11yRoutes } from './a11y-routes.ts';
import { auditRoute, VIEWPORTS } from './support/a11y.ts';
import { test } from './support/fixtures.ts';

// One test per entry of the registry; tests/unit/a11y-coverage.test.ts keeps the registry complete.
for (const entry of a11yRoutes) {
	const where = entry.label ?? (typeof entry.path === 'string' ? `at ${entry.path}` : '');
	const who = entry.as ? `signed in as ${entry.as}` : 'signed out';
	test(`${[entry.route, where, who].filter(Boolean).join(' ')} passes axe in French and English on a phone and a desktop`, async ({
		page
	}) => {
		const views = Object.keys(VIEWPORTS).length * 2;
		// Each state is a page load plus an axe run (~2 s, ~10 s for a plan's editors on a loaded
		// 2-core machine); dialogs add states.
		test.setTimeout(30_000 + views * (1 + (entry.dialogs?.length ?? 0)) * 12_000);
		await auditRoute(page, entry);
	});
}
