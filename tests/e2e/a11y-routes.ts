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
// Confirm dialogs of the people pages (ConfirmAction): only opened, never confirmed.
const DEACTIVATE = /^(deactivate|désactiver)$/i;
const DEACTIVATE_PERSON = /^(deactivate|désactiver) /i;
const REVOKE = /^(withdraw the invitation of|retirer l.invitation de) /i;
const DELETE = /^(delete|supprimer)$/i;
const SUSPEND = /^(suspend this partner|suspendre ce partenaire)$/i;

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

// CRM records (accounts, contacts, opportunities): each detail page is reached through a record
// the audit creates itself, so it does not depend on what the demo seed holds.
const ACCOUNT_CREATE = /^(create the account|créer le compte)$/i;

/** Creates an account through /accounts/new and returns its page's path. */
async function newAccount(page: Page): Promise<string> {
	await page.goto('/accounts/new');
	await page.getByLabel(/^(name|nom)$/i).fill(`A11y account ${Date.now()}`);
	await page.getByRole('button', { name: ACCOUNT_CREATE }).click();
	await page.waitForURL(/\/accounts\/[0-9a-f-]{36}/);
	return new URL(page.url()).pathname;
}

/** Creates an account, then a record from one of its dialogs; returns the record's path. */
function newRecordOfAccount(button: RegExp, nameLabel: RegExp, submit: RegExp, kind: string) {
	return async (page: Page) => {
		await page.goto(await newAccount(page));
		await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
		await page.getByRole('button', { name: button }).click();
		const dialog = page.getByRole('dialog');
		await dialog.getByLabel(nameLabel).fill(`A11y ${kind} ${Date.now()}`);
		await dialog.getByRole('button', { name: submit }).click();
		if (kind === 'contact') {
			await page.locator('main a[href^="/contacts/"]').first().waitFor();
			const href = await page.locator('main a[href^="/contacts/"]').first().getAttribute('href');
			return href ?? '';
		}
		await page.waitForURL(/\/opportunities\/[0-9a-f-]{36}/);
		return new URL(page.url()).pathname;
	};
}

/** Another page saves the opportunity first: this page's save shows both versions. */
const staleEdit: A11yDialog = {
	name: 'the stale-edit comparison',
	open: async (page) => {
		const nextStep = /^(next step|prochaine étape)$/i;
		const save = /^(save|enregistrer)$/i;
		const other = await page.context().newPage();
		try {
			await other.goto(page.url());
			await other.locator('html[data-hydrated]').waitFor({ state: 'attached' });
			await other.getByLabel(nextStep).fill(`Call back ${Date.now()}`);
			await other.getByRole('button', { name: save }).click();
			await other.getByText(/^(changes saved|modifications enregistrées)\.$/i).waitFor();
		} finally {
			await other.close();
		}
		await page.getByLabel(nextStep).fill('Send the proposal');
		await page.getByRole('button', { name: save }).click();
		await page.locator('#conflict-heading').waitFor();
	}
};

/**
 * Creates an account, then its plan by posting the /plans/new form (without opening the plan's
 * live editor, which this page does not audit); returns the plan's path.
 */
async function newPlan(page: Page): Promise<string> {
	const accountId = (await newAccount(page)).split('/').pop()!;
	const response = await page.request.post(`/plans/new?account=${accountId}`, {
		form: { kind: 'account', accountId, locale: 'fr', title: '' },
		headers: { origin: new URL(page.url()).origin, accept: 'text/html' },
		maxRedirects: 0
	});
	const location = response.headers()['location'] ?? '';
	if (!/^\/plans\/[0-9a-f-]{36}/.test(location)) {
		throw new Error(
			`Creating a plan answered ${response.status()} ${location} ${(await response.text()).slice(0, 300)}`
		);
	}
	return new URL(location, page.url()).pathname;
}

const NEW_CONTACT = /^(add a contact|ajouter un contact)$/i;
const NEW_OPPORTUNITY = /^(new opportunity|nouvelle opportunité)$/i;

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
		// The seed gives Alpha other people and a pending invitation (nicolas.faure@alpha.test).
		dialogs: [
			modal('the invitation dialog', INVITE),
			modal('the deactivate dialog', DEACTIVATE_PERSON),
			modal('the withdraw invitation dialog', REVOKE)
		]
	},
	{
		route: '/(app)/admin/users',
		path: '/admin/users',
		as: ADMIN,
		// The seed keeps a pending invitation to the host company.
		dialogs: [
			modal('the invitation dialog', INVITE),
			modal('the withdraw invitation dialog', REVOKE)
		]
	},
	{
		route: '/(app)/admin/users/[id=id]',
		// A seeded active manager no test signs in as or changes: not the admin's own page, which
		// has no deactivate button.
		path: firstLink('/admin/users?q=sophie.lambert', 'main a[href^="/admin/users/"]'),
		as: ADMIN,
		dialogs: [modal('the deactivate dialog', DEACTIVATE)]
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
	{
		route: '/(app)/admin/organisations/[id=id]',
		// An active partner with a pending invitation in the seed (nicolas.faure@alpha.test).
		label: 'an active partner with its confirm dialogs',
		path: async (page) => {
			await page.goto('/admin/organisations');
			const href = await page
				.getByRole('link', { name: 'Alpha', exact: true })
				.first()
				.getAttribute('href');
			if (!href) throw new Error('No Alpha on /admin/organisations.');
			return new URL(href, page.url()).pathname;
		},
		as: ADMIN,
		dialogs: [modal('the suspend dialog', SUSPEND), modal('the withdraw invitation dialog', REVOKE)]
	},
	{ route: '/(app)/admin/audit', path: '/admin/audit', as: ADMIN },
	{ route: '/(app)/admin/outbox', path: '/admin/outbox', as: ADMIN },
	{ route: '/(app)/admin/settings', path: '/admin/settings', as: ADMIN },

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
	// A link that is not valid answers 404 with the explanation and a way forward (+error.svelte).
	{
		route: '/(auth)/reset-password/[token]',
		path: '/reset-password/not-a-valid-token',
		status: 404
	},
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
	{ route: '/(auth)/invitation/[token]', path: '/invitation/not-a-valid-token', status: 404 },
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
	},
	// Partner directory, partner page, health and onboarding (issue 3)
	{ route: '/(app)/partners', path: '/partners', as: MANAGER },
	{
		route: '/(app)/partners/[id=id]',
		path: firstLink('/partners', 'main table a[href*="partners/"]'),
		as: MANAGER,
		dialogs: [modal('the suspend dialog', /^(suspend this partner|suspendre ce partenaire)$/i)]
	},
	{
		route: '/(app)/partners/[id=id]',
		label: 'with "why this score" open',
		path: firstLink('/partners?sort=health', 'main table a[href*="partners/"]'),
		as: REP,
		dialogs: [
			{
				name: 'the score breakdown',
				open: async (page) => {
					await page.locator('summary', { hasText: /why this score|pourquoi ce score/i }).click();
					await page.locator('details[open] table').waitFor();
				}
			}
		]
	},
	// Pipeline (issue 3): the board with the "why was it lost?" dialog, and the table view. The
	// board is audited on one stage's cards (every card has the same markup): the whole demo board
	// takes axe longer than the test's time.
	{
		route: '/(app)/pipeline',
		label: 'board',
		path: '/pipeline?stage=negotiation',
		as: MANAGER,
		dialogs: [
			{
				name: 'the lost reason dialog',
				open: async (page) => {
					const card = page
						.locator('li.deal')
						.filter({ has: page.locator('select') })
						.first();
					await card.locator('select').selectOption('lost');
					await card.getByRole('button', { name: /^(move|déplacer)$/i }).click();
					await page.getByRole('dialog').waitFor();
				}
			}
		]
	},
	{ route: '/(app)/pipeline', label: 'table', path: '/pipeline?view=table', as: MANAGER },

	// Deal registration: the partner's list and form, the review queue, a registration seen by
	// its partner and by a reviewer (with the conflict detail and the review forms).
	{ route: '/(app)/registrations', path: '/registrations', as: PARTNER_ADMIN },
	{ route: '/(app)/registrations', path: '/registrations', as: MANAGER, label: 'the review queue' },
	{
		route: '/(app)/registrations/new',
		path: '/registrations/new',
		as: PARTNER_ADMIN,
		dialogs: [
			{
				name: 'the field errors of an empty submission',
				open: (page) => submitEmpty(page, /submit the registration|soumettre l.enregistrement/i)
			}
		]
	},
	{
		route: '/(app)/registrations/[id=id]',
		label: 'seen by its partner',
		as: PARTNER_ADMIN,
		path: async (page) => {
			const { registerDeal } = await import('./support/deals.ts');
			return registerDeal(page, {
				accountName: 'Hôtel Majestic Bordeaux',
				accountDomain: 'majestic-bordeaux.fr',
				products: 'a11y'
			});
		}
	},
	{
		route: '/(app)/registrations/[id=id]',
		label: 'seen by a reviewer',
		as: MANAGER,
		path: async (page) => {
			const { registerDealAs } = await import('./support/deals.ts');
			const browser = page.context().browser();
			if (!browser) throw new Error('No browser to register a deal with.');
			return registerDealAs(browser, {
				accountName: 'Hôtel Majestic Bordeaux SA',
				accountDomain: 'majestic-bordeaux.fr',
				products: 'a11y review'
			});
		}
	},
	// CRM records: accounts, contacts, opportunities, recently deleted
	{ route: '/(app)/accounts', path: '/accounts', as: REP },
	{ route: '/(app)/accounts', label: 'for a partner', path: '/accounts', as: PARTNER },
	{
		route: '/(app)/accounts/new',
		path: '/accounts/new',
		as: REP,
		dialogs: [
			{
				name: 'the field errors of an empty submission',
				open: (page) => submitEmpty(page, ACCOUNT_CREATE)
			}
		]
	},
	{
		route: '/(app)/accounts/[id=id]',
		path: newAccount,
		as: MANAGER,
		dialogs: [
			modal('the new contact dialog', NEW_CONTACT),
			modal('the new opportunity dialog', NEW_OPPORTUNITY),
			modal('the delete dialog', DELETE)
		]
	},
	{
		route: '/(app)/contacts/[id=id]',
		path: newRecordOfAccount(
			NEW_CONTACT,
			/^(full name|nom complet)$/i,
			/^(add the contact|ajouter le contact)$/i,
			'contact'
		),
		as: MANAGER,
		dialogs: [modal('the delete dialog', DELETE)]
	},
	{
		route: '/(app)/opportunities/[id=id]',
		path: newRecordOfAccount(
			NEW_OPPORTUNITY,
			/^(opportunity name|nom de l.opportunité)$/i,
			/^(create the opportunity|créer l.opportunité)$/i,
			'opportunity'
		),
		as: MANAGER,
		dialogs: [staleEdit, modal('the delete dialog', DELETE)]
	},
	{ route: '/(app)/admin/deleted', path: '/admin/deleted', as: ADMIN },

	// Import, export, search (issue 3).
	{ route: '/(app)/imports', path: '/imports', as: ADMIN },
	{
		route: '/(app)/imports/new',
		path: '/imports/new',
		as: PARTNER_ADMIN,
		dialogs: [
			{
				name: 'the upload errors',
				open: (page) =>
					submitEmpty(page, /^(upload and map the columns|envoyer et associer les colonnes)$/i)
			}
		]
	},
	{
		route: '/(app)/imports/[id=id]',
		label: 'mapping and preview',
		// A small file with one bad row, uploaded through the page: the preview shows its error.
		path: async (page) => {
			await page.goto('/imports/new');
			await page.locator('#import-kind').selectOption('accounts');
			await page.locator('#import-file').setInputFiles({
				name: 'a11y.csv',
				mimeType: 'text/csv',
				buffer: Buffer.from('Nom;SIREN\nA11y Conseil;552120222\n;123\n')
			});
			await page.getByRole('button', { name: /upload and map|envoyer et associer/i }).click();
			await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
			return new URL(page.url()).pathname;
		},
		as: ADMIN
	},
	{
		route: '/(app)/imports/[id=id]',
		label: 'finished, with its errors',
		path: async (page) => {
			await page.goto('/imports/new');
			await page.locator('#import-kind').selectOption('accounts');
			await page.locator('#import-file').setInputFiles({
				name: 'a11y-done.csv',
				mimeType: 'text/csv',
				buffer: Buffer.from(`Name,Website\nA11y Done ${Date.now()},\n,bad\n`)
			});
			await page.getByRole('button', { name: /upload and map|envoyer et associer/i }).click();
			await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
			await page.getByRole('button', { name: /^(import|importer) 2 /i }).click();
			await page.locator('[role="progressbar"][aria-valuenow="100"]').waitFor();
			await page.locator('#errors-title').waitFor();
			return new URL(page.url()).pathname;
		},
		as: MANAGER
	},
	{ route: '/(app)/search', path: '/search', as: REP },
	{ route: '/(app)/search', label: 'results', path: '/search?q=a', as: MANAGER },
	{ route: '/(app)/search', label: 'no results', path: '/search?q=zzzzqqq', as: PARTNER },

	// Account plans (issue 4): the list, creating one, sharing and settings.
	{ route: '/(app)/plans', path: '/plans', as: MANAGER },
	{ route: '/(app)/plans', label: 'for a partner', path: '/plans', as: PARTNER_ADMIN },
	{ route: '/(app)/plans', label: 'no results', path: '/plans?q=zzzzqqq&stale=1', as: REP },
	{
		route: '/(app)/plans/new',
		path: async (page) => {
			const account = await newAccount(page);
			return `/plans/new?account=${account.split('/').pop()}`;
		},
		as: MANAGER
	},
	{
		route: '/(app)/plans/[id=id]/settings',
		path: async (page) => `${await newPlan(page)}/settings`,
		as: MANAGER,
		dialogs: [modal('the delete dialog', /^(delete the plan|supprimer le plan)$/i)]
	},
	{
		route: '/(app)/plans/[id=id]/settings',
		label: 'per-person access, for the partner admin',
		path: async (page) => {
			await page.goto('/plans?kind=partner');
			const href = await page.locator('main a[href^="/plans/"]').first().getAttribute('href');
			if (!href) throw new Error('No partner plan on /plans for the partner admin.');
			return `${new URL(href, page.url()).pathname}/settings`;
		},
		as: PARTNER_ADMIN
	},

	// The plan page and its editor (issue 4, the editor's own entries): as an editor, with the
	// section removal dialog; and a seeded plan as the partner admin sees it.
	{
		route: '/(app)/plans/[id=id]',
		path: newPlan,
		as: MANAGER,
		dialogs: [
			{
				name: 'the section removal dialog',
				open: async (page) => {
					await page
						.getByRole('button', { name: /^(add a section|ajouter une section)$/i })
						.click();
					await page
						.getByRole('button', { name: /^(remove the section|retirer la section) /i })
						.last()
						.click();
					await page.getByRole('dialog').waitFor();
				}
			},
			{
				name: 'the restore dialog',
				open: async (page) => {
					// A named version of the new plan, then "restore" on it.
					await page.getByRole('tab', { name: /^(history|historique)$/i }).click();
					const history = page.getByRole('region', { name: /^(history|historique)$/i });
					await history
						.getByLabel(/^(name the current version|nommer la version actuelle)$/i)
						.fill('Audit');
					await history
						.getByRole('button', { name: /^(save version|enregistrer la version)$/i })
						.click();
					await history
						.getByRole('listitem')
						.filter({ hasText: 'Audit' })
						// The page is reused for each language and width: one more "Audit" each time.
						.first()
						.getByRole('button', { name: /^(restore this version|restaurer cette version)$/i })
						.click();
					await page.getByRole('dialog').waitFor();
				}
			}
		]
	},
	{
		route: '/(app)/plans/[id=id]',
		label: 'a partner plan, for the partner admin',
		path: async (page) => {
			await page.goto('/plans?kind=partner');
			const href = await page.locator('main a[href^="/plans/"]').first().getAttribute('href');
			if (!href) throw new Error('No partner plan on /plans for the partner admin.');
			return new URL(href, page.url()).pathname;
		},
		as: PARTNER_ADMIN
	}
];

// The partner feed: the home timeline (host and partner), a community channel with its banner as
// one of its member partners, a permalink, channel creation and settings, the reports queue.
const FEED_CHANNELS = /^(channels|canaux)$/i;

/** A channel of the list on /feed whose link text starts with `name`. */
function feedChannel(name: RegExp) {
	return async (page: Page) => {
		await page.goto('/feed');
		const href = await page
			.getByRole('navigation', { name: FEED_CHANNELS })
			.getByRole('link', { name })
			.first()
			.getAttribute('href');
		if (!href) throw new Error(`No channel ${name} on /feed.`);
		return new URL(href, page.url()).pathname;
	};
}

/** The permalink of the first post of /feed. */
async function feedPermalink(page: Page) {
	await page.goto('/feed');
	const href = await page.locator('article.post time').first().locator('..').getAttribute('href');
	if (!href) throw new Error('No post on /feed.');
	return new URL(href, page.url()).pathname;
}

/** A channel the manager manages: its settings page. */
async function feedSettings(page: Page) {
	const channel = await feedChannel(/^Conseil des distributeurs/)(page);
	return `${channel}/settings`;
}

/** One's own post: the delete dialog (the report dialog is on others' posts, audited above). */
const feedPostDialogs: A11yDialog[] = [modal('the delete dialog', /^(delete|supprimer)$/i)];

a11yRoutes.push(
	{
		route: '/(app)/feed',
		path: '/feed',
		as: REP,
		dialogs: [modal('the report dialog', /^(report|signaler)$/i)]
	},
	{ route: '/(app)/feed', label: 'for a partner', path: '/feed', as: PARTNER_ADMIN },
	{
		route: '/(app)/feed/[id=id]',
		label: 'a community channel (banner), for a member partner',
		path: feedChannel(/^Conseil des distributeurs/),
		as: 'h.vasseur@vasseur-distribution.test',
		// Others' posts: the report dialog of a post card.
		dialogs: [modal('the report dialog', /^(report|signaler)$/i)]
	},
	{
		route: '/(app)/feed/[id=id]',
		label: 'the same channel for the admin who opened it',
		path: feedChannel(/^Conseil des distributeurs/),
		as: ADMIN,
		// Her own posts (delete) and others' (an admin hides or removes them in place).
		dialogs: [modal('the hide dialog', /^(hide|masquer)$/i), modal('the delete dialog', DELETE)]
	},
	{
		route: '/(app)/feed/posts/[id=id]',
		path: feedPermalink,
		as: REP,
		dialogs: [modal('the report dialog', /^(report|signaler)$/i)]
	},
	{
		route: '/(app)/feed/posts/[id=id]',
		label: 'own post with its dialogs',
		path: async (page) => {
			const channel = await feedChannel(/^Alpha(\s|$)/)(page);
			const answer = await page.request.post('/api/feed/posts', {
				data: { channelId: channel.split('/').pop(), body: 'Accessibility check' },
				headers: { origin: new URL(page.url()).origin }
			});
			if (answer.status() !== 201) throw new Error(`POST /api/feed/posts: ${answer.status()}`);
			return `/feed/posts/${((await answer.json()) as { id: string }).id}`;
		},
		as: PARTNER_ADMIN,
		dialogs: feedPostDialogs
	},
	{
		route: '/(app)/feed/channels/new',
		path: '/feed/channels/new',
		as: MANAGER,
		dialogs: [
			{
				name: 'the community fields and errors',
				open: async (page) => {
					await page.getByRole('radio', { name: /^(community|communauté)/i }).check();
					await submitEmpty(page, /^(create the channel|créer le canal)$/i);
				}
			}
		]
	},
	{
		route: '/(app)/feed/[id=id]/settings',
		path: feedSettings,
		as: MANAGER,
		dialogs: [
			modal(
				'the archive dialog',
				/^(archive the channel|archiver le canal|reopen the channel|rouvrir le canal)$/i
			)
		]
	},
	{
		route: '/(app)/admin/reports',
		path: '/admin/reports',
		as: ADMIN,
		// The seed's open report (a post of the distributors' council): each decision's dialog.
		// Its buttons are named "<decision> — <excerpt>".
		dialogs: [
			modal('the hide dialog', /^(hide|masquer) — /i),
			modal('the remove dialog', /^(remove|retirer) — /i),
			modal('the dismiss dialog', /^(dismiss|classer) — /i)
		]
	}
);
