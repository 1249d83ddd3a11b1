import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { loginAs, setLocale, waitForHydration, type Locale } from './fixtures.ts';

// Every page is checked with axe-core against WCAG 2.1 A and AA, in French and English, on a
// phone and on a desktop, with each of its dialogs and menus open.

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// French last: the demo people's own language, so their stored choice ends as seeded.
const LOCALES: Locale[] = ['en', 'fr'];

export const VIEWPORTS = {
	mobile: { width: 360, height: 740 },
	desktop: { width: 1280, height: 800 }
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export type A11yDialog = {
	/** What is opened, for the report: "user menu", "invite dialog". */
	name: string;
	/** Opens it on the loaded page and waits until it is visible. */
	open: (page: Page, state: { locale: Locale; viewport: ViewportName }) => Promise<void>;
	/** Where it exists (e.g. a navigation drawer only on mobile); both by default. */
	viewports?: ViewportName[];
};

export type A11yTarget = {
	/** The page's URL path, or a function finding it (e.g. the first partner's page). */
	path: string | ((page: Page) => Promise<string>);
	/** Demo login to sign in as; a visitor when absent. */
	as?: string;
	dialogs?: A11yDialog[];
	/** HTTP status the page answers with (e.g. 404 for an invalid link); 200 by default. */
	status?: number;
};

function formatViolations(
	name: string,
	violations: Awaited<ReturnType<AxeBuilder['analyze']>>['violations']
) {
	const lines = [`${name}: ${violations.length} accessibility violation(s)`];
	for (const v of violations) {
		lines.push(`  • [${v.impact ?? 'unknown'}] ${v.id}: ${v.help} (${v.helpUrl})`);
		for (const node of v.nodes.slice(0, 5)) {
			lines.push(`      at ${node.target.join(' ')}`);
			const summary = node.failureSummary
				?.split('\n')
				.map((l) => l.trim())
				.filter(Boolean);
			if (summary?.length) lines.push(`         ${summary.join(' / ')}`);
		}
		if (v.nodes.length > 5) lines.push(`      … and ${v.nodes.length - 5} more element(s)`);
	}
	return lines.join('\n');
}

/**
 * Runs axe on the page as it is; returns a readable report of the violations, or null.
 *
 * Legacy mode runs `axe.run` in the page itself (and in its same-origin frames). The default mode
 * runs `axe.runPartial`, then opens a new blank page in the context for `axe.finishRun` and closes
 * it, once per audited state: a renderer process started and stopped each time, about a fifth of
 * an audit's CPU. Same rules and tags, same result; what legacy mode does not audit is
 * cross-origin frames, and Relais has none (no <iframe> in src/).
 */
export async function axeReport(page: Page, name: string): Promise<string | null> {
	const results = await new AxeBuilder({ page }).withTags(TAGS).setLegacyMode().analyze();
	return results.violations.length ? formatViolations(name, results.violations) : null;
}

/** Fails with a readable list when axe finds WCAG 2.1 A/AA violations on the page as it is. */
export async function checkA11y(page: Page, { name }: { name: string }) {
	const report = await axeReport(page, name);
	if (report) throw new Error(report);
}

/**
 * Loads the page in the given language. The demo users are shared by tests running in parallel, and
 * a signed-in user's stored language wins over the cookie: when another test switched it meanwhile,
 * choose it again and reload.
 */
async function load(page: Page, path: string, locale: Locale, status: number) {
	await expect(async () => {
		const response = await page.goto(path);
		expect(response?.status(), `status of ${path}`).toBe(status);
		const lang = await page.locator('html').getAttribute('lang');
		if (lang !== locale) await setLocale(page.context(), locale);
		expect(lang, `language of ${path}`).toBe(locale);
	}).toPass({ intervals: [100, 500, 1_000], timeout: 10_000 });
}

/**
 * Audits one page in French and English, at 360×740 and 1280×800, and again with each dialog open.
 * Collects every violation before failing, so one run lists them all.
 */
export async function auditRoute(page: Page, target: A11yTarget) {
	const status = target.status ?? 200;
	if (target.as) await loginAs(page, target.as);
	// Resolved once, signed in, before the language is forced (sign-in may set the user's language).
	const path = typeof target.path === 'string' ? target.path : await target.path(page);
	const reports: string[] = [];

	for (const locale of LOCALES) {
		await setLocale(page.context(), locale);
		for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
			await page.setViewportSize(VIEWPORTS[viewport]);
			const state = `${path} [${locale}, ${VIEWPORTS[viewport].width}px]`;
			await test.step(state, async () => {
				await load(page, path, locale, status);
				const report = await axeReport(page, state);
				if (report) reports.push(report);
			});
			for (const dialog of target.dialogs ?? []) {
				if (dialog.viewports && !dialog.viewports.includes(viewport)) continue;
				const name = `${state} with ${dialog.name} open`;
				await test.step(name, async () => {
					await load(page, path, locale, status);
					await waitForHydration(page);
					await dialog.open(page, { locale, viewport });
					const report = await axeReport(page, name);
					if (report) reports.push(report);
				});
			}
		}
	}
	if (reports.length) throw new Error(reports.join('\n\n'));
}
