import type { Page } from '@playwright/test';
import type { A11yDialog, A11yTarget } from './support/a11y.ts';

// Every page of the app and how to reach it for the accessibility audit (a11y.spec.ts).
// tests/unit/a11y-coverage.test.ts fails when a `+page.svelte` under src/routes has no entry here.
// Keep this file free of runtime imports: the unit test imports it without a browser.
// Pages behind login name a demo login: { route: '/(app)/admin/users', path: '/admin/users',
// as: 'admin@relais.test' }. Dialogs and menus are listed with how to open them.

export type A11yRoute = A11yTarget & {
	/** SvelteKit route id: the folder of the `+page.svelte` under src/routes, e.g. '/(app)/admin/users'. */
	route: string;
	/** Tells apart several entries of one route in test titles, e.g. 'from a real e-mail link'. */
	label?: string;
};

const ADMIN = 'admin@relais.test';
const MANAGER = 'manager@relais.test';
const REP = 'rep@relais.test';
const PARTNER_ADMIN = 'partner.admin@alpha.test';
const PARTNER = 'partner@beta.test';

/** Submits the form on the page empty, so the field errors are audited too. */
async function submitEmpty(page: Page, button: RegExp) {
	await page.getByRole('button', { name: button }).click();
	await page.locator('[aria-invalid="true"]').first().waitFor();
}

/** A modal dialog opened by a button of the page. */
function modal(name: string, button: RegExp): A11yDialog {
	return {
		name,
		open: async (page) => {
			await page.getByRole('button', { name: button }).first().click();
			await page.getByRole('dialog').waitFor();
		}
	};
}

/** The path of the first link of a list page, for detail pages whose ids the seed chooses. */
function firstLink(listPath: string, selector: string) {
	return async (page: Page) => {
		await page.goto(listPath);
		const href = await page.locator(selector).first().getAttribute('href');
		if (!href) throw new Error(`No link ${selector} on ${listPath}.`);
		return new URL(href, page.url()).pathname;
	};
}

const INVITE = /^(invite someone|inviter quelqu.un)$/i;

/** The signed-in layout's menus, opened on any page of the app. */
const appMenus: A11yDialog[] = [
	{
		name: 'the navigation menu',
		viewports: ['mobile'],
		open: async (page) => {
			await page.getByRole('button', { name: /open the menu|ouvrir le menu/i }).click();
			await page.locator('[aria-controls="main-nav"][aria-expanded="true"]').waitFor();
		}
	},
	{
		name: 'the account menu',
		open: async (page) => {
			await page.getByLabel(/account menu for|menu du compte de/i).click();
			await page.locator('details[open]').waitFor();
		}
	},
	{
		name: 'the notifications menu',
		open: async (page) => {
			await page.getByRole('button', { name: /^notifications,/i }).click();
			await page.getByRole('region', { name: /^notifications$/i }).waitFor();
		}
	}
];

export const a11yRoutes: A11yRoute[] = [
	// Signed in
	{ route: '/(app)', path: '/', as: ADMIN, dialogs: appMenus },
	// A partner sees a different home: their own company and their host contacts.
	{ route: '/(app)', path: '/', as: PARTNER },
	{ route: '/(app)/account', path: '/account', as: REP },
	{ route: '/(app)/notifications', path: '/notifications', as: MANAGER },
	{
		route: '/(app)/company',
		path: '/company',
		as: PARTNER_ADMIN,
		dialogs: [modal('the invitation dialog', INVITE)]
	},
	{
		route: '/(app)/admin/users',
		path: '/admin/users',
		as: ADMIN,
		dialogs: [modal('the invitation dialog', INVITE)]
	},
	{
		route: '/(app)/admin/users/[id=id]',
		path: firstLink('/admin/users', 'main a[href^="/admin/users/"]'),
		as: ADMIN
	},
	{
		route: '/(app)/admin/organisations',
		path: '/admin/organisations',
		as: ADMIN,
		dialogs: [modal('the new partner dialog', /^(new partner|nouveau partenaire)$/i)]
	},
	{
		route: '/(app)/admin/organisations/[id=id]',
		path: firstLink('/admin/organisations', 'main a[href^="/admin/organisations/"]'),
		as: ADMIN,
		dialogs: [modal('the invitation dialog', INVITE)]
	},
	{ route: '/(app)/admin/audit', path: '/admin/audit', as: ADMIN },
	{ route: '/(app)/admin/outbox', path: '/admin/outbox', as: ADMIN },

	// Signed out
	{
		route: '/(auth)/login',
		path: '/login',
		dialogs: [
			{
				name: 'the field errors of an empty submission',
				open: (page) => submitEmpty(page, /sign in|se connecter/i)
			}
		]
	},
	{
		route: '/(auth)/forgot-password',
		path: '/forgot-password',
		dialogs: [
			{
				name: 'the field errors of an empty submission',
				open: (page) => submitEmpty(page, /send the link|envoyer le lien/i)
			}
		]
	},
	// A link that is not valid shows the page's explanation instead of its form.
	{ route: '/(auth)/reset-password/[token]', path: '/reset-password/not-a-valid-token' },
	{
		route: '/(auth)/reset-password/[token]',
		// A real link, from the Outbox, shows the form.
		label: 'from a reset e-mail',
		path: async (page) => {
			const { latestEmailLink } = await import('./support/fixtures.ts');
			await page.goto('/forgot-password');
			await page.getByLabel(/^(e-mail|adresse e-mail)$/i).fill(REP);
			await page.getByRole('button', { name: /send the link|envoyer le lien/i }).click();
			await page.getByRole('link', { name: /back to sign in|retour/i }).waitFor();
			const browser = page.context().browser();
			if (!browser) throw new Error('No browser to read the Outbox with.');
			return new URL(await latestEmailLink(browser, REP, /^\/reset-password\//)).pathname;
		}
	},
	{ route: '/(auth)/invitation/[token]', path: '/invitation/not-a-valid-token' },
	{
		route: '/(auth)/invitation/[token]',
		label: 'from an invitation e-mail',
		// A real invitation from Alpha's partner admin, read in the Outbox, shows the form.
		path: async (page) => {
			const { latestEmailLink, loginAs, relaisUrl } = await import('./support/fixtures.ts');
			const browser = page.context().browser();
			if (!browser) throw new Error('No browser to invite with.');
			const email = `a11y.${Date.now()}@alpha.test`;
			const context = await browser.newContext({ baseURL: relaisUrl() });
			try {
				const inviter = await context.newPage();
				await loginAs(inviter, PARTNER_ADMIN);
				await inviter.goto('/company');
				await inviter.getByRole('button', { name: INVITE }).first().click();
				const dialog = inviter.getByRole('dialog');
				await dialog.getByLabel(/^(e-mail|adresse e-mail)$/i).fill(email);
				await dialog
					.getByRole('button', { name: /send the invitation|envoyer l.invitation/i })
					.click();
				await dialog.waitFor({ state: 'hidden' });
			} finally {
				await context.close();
			}
			return new URL(await latestEmailLink(browser, email, /^\/invitation\//)).pathname;
		}
	}
];
