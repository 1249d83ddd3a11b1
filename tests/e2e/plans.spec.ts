import type { Browser, Page } from '@playwright/test';
import {
	DEMO,
	expect,
	loginAs,
	setLocale,
	test,
	waitForHydration,
	type Locale
} from './support/fixtures.ts';

// Account plans in the browser: a manager creates a plan from an account page, shares it with
// the partner serving the account as viewers; the partner admin finds it in their list and
// removes a colleague's access, who then gets a 404; the manager publishes and marks it reviewed.
// The test makes its own account (the demo's key accounts already have plans).

const MARIE = 'marie.petit@alpha.test';

const TEXT = {
	en: {
		name: 'Name',
		createAccount: 'Create the account',
		createPlan: 'Create a plan',
		openPlan: 'Open the plan',
		language: 'Language of the template',
		create: 'Create the plan',
		sharing: 'Sharing',
		sharedWith: 'Shared with',
		as: 'As',
		viewer: 'Viewer',
		none: 'No access',
		save: 'Save',
		shareSaved: 'Sharing saved.',
		people: 'Access of your people',
		accessOf: (name: string) => `Access of ${name}`,
		personSaved: 'Access saved.',
		publish: 'Publish',
		published: 'Published',
		markReviewed: 'Mark reviewed',
		reviewed: /Last reviewed/,
		title: (account: string) => `Account plan — ${account}`,
		draft: 'Draft',
		readOnly: 'Read only'
	},
	fr: {
		name: 'Nom',
		createAccount: 'Créer le compte',
		createPlan: 'Créer un plan',
		openPlan: 'Ouvrir le plan',
		language: 'Langue du modèle',
		create: 'Créer le plan',
		sharing: 'Partage',
		sharedWith: 'Partagé avec',
		as: 'En tant que',
		viewer: 'Lecteur',
		none: 'Aucun accès',
		save: 'Enregistrer',
		shareSaved: 'Partage enregistré.',
		people: 'Accès de vos collaborateurs',
		accessOf: (name: string) => `Accès de ${name}`,
		personSaved: 'Accès enregistré.',
		publish: 'Publier',
		published: 'Publié',
		markReviewed: 'Marquer comme revu',
		reviewed: /Revu le/,
		title: (account: string) => `Plan de compte — ${account}`,
		draft: 'Brouillon',
		readOnly: 'Lecture seule'
	}
} as const;

async function signedIn(browser: Browser, who: string, locale: Locale): Promise<Page> {
	const context = await browser.newContext();
	const page = await context.newPage();
	// Leaving the plan page while its last edits are still being stored asks first: leave anyway
	// (what is kept on this device is the editor's business, tested in plan-editor.spec.ts).
	page.on('dialog', (dialog) => void dialog.accept());
	await loginAs(page, who);
	await setLocale(context, locale);
	return page;
}

/** A new account served by Alpha, created by the signed-in manager; returns its name. */
async function accountServedByAlpha(page: Page, locale: Locale): Promise<string> {
	const t = TEXT[locale];
	const name = `Plan e2e ${locale} ${Date.now()}`;
	await page.goto('/accounts/new');
	await waitForHydration(page);
	await page.getByLabel(t.name, { exact: true }).fill(name);
	await page.getByRole('checkbox', { name: 'Alpha', exact: true }).check();
	await page.getByRole('button', { name: t.createAccount }).click();
	await page.waitForURL(/\/accounts\/[0-9a-f-]{36}/);
	return name;
}

/**
 * A fresh tab in the same session, the old one closed: the plan page keeps a live editor (and a
 * local copy) open, which the steps about lists and settings do not need.
 */
async function freshTab(page: Page): Promise<Page> {
	const next = await page.context().newPage();
	next.on('dialog', (dialog) => void dialog.accept());
	await page.close();
	return next;
}

/** Creates the account's plan from its page, in the page's language; returns the plan's path. */
async function createPlanFromAccount(page: Page, locale: Locale): Promise<string> {
	const t = TEXT[locale];
	await page.getByRole('link', { name: t.createPlan }).click();
	await page.waitForURL(/\/plans\/new\?account=/);
	await waitForHydration(page);
	await expect(page.getByLabel(t.language)).toHaveValue(locale);
	await page.getByRole('button', { name: t.create }).click();
	await page.waitForURL(/\/plans\/[0-9a-f-]{36}/);
	return new URL(page.url()).pathname;
}

test('a manager creates and shares a plan; the partner admin narrows it; a colleague loses it', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const t = TEXT.fr;
	let manager = await signedIn(browser, DEMO.manager, 'fr');
	const account = await accountServedByAlpha(manager, 'fr');
	const accountPage = new URL(manager.url()).pathname;
	const plan = await createPlanFromAccount(manager, 'fr');
	const title = t.title(account);
	manager = await freshTab(manager);

	// The account page now opens the plan instead of creating another one.
	await manager.goto(accountPage);
	await expect(manager.getByRole('link', { name: t.openPlan })).toHaveAttribute('href', plan);

	// Share with Alpha (the partner serving the account) as viewers.
	await manager.goto(`${plan}/settings`);
	await waitForHydration(manager);
	const sharing = manager.getByRole('region', { name: t.sharing });
	await sharing.getByLabel(t.sharedWith).selectOption({ label: 'Alpha' });
	await sharing.getByLabel(t.as).selectOption({ label: t.viewer });
	await sharing.getByRole('button', { name: t.save }).click();
	await expect(sharing.getByText(t.shareSaved)).toBeVisible();

	// The partner admin sees it in their list (read only), and narrows Marie to no access.
	const partnerAdmin = await signedIn(browser, DEMO.partnerAdmin, 'fr');
	await partnerAdmin.goto(`/plans?q=${encodeURIComponent(account)}`);
	const item = partnerAdmin.getByRole('listitem').filter({ hasText: title });
	await expect(item.getByRole('link', { name: title })).toHaveAttribute('href', plan);
	await expect(item.getByText(t.readOnly)).toBeVisible();
	await partnerAdmin.goto(`${plan}/settings`);
	await waitForHydration(partnerAdmin);
	const people = partnerAdmin.getByRole('region', { name: t.people });
	await expect(people).toBeVisible();
	// No sharing form for a partner: only their own people.
	await expect(partnerAdmin.getByRole('region', { name: t.sharing })).toHaveCount(0);
	await expect(people.getByRole('cell', { name: 'Marie Petit', exact: true })).toBeVisible();
	const marieRow = people.getByRole('row').filter({ hasText: 'Marie Petit' });
	await marieRow.getByLabel(t.accessOf('Marie Petit')).selectOption({ label: t.none });
	await marieRow.getByRole('button', { name: t.save }).click();
	await expect(people.getByText(t.personSaved)).toBeVisible();
	await expect(marieRow.getByLabel(t.accessOf('Marie Petit'))).toHaveValue('none');

	// Marie: the plan does not exist for her, and is not in her list.
	const marie = await signedIn(browser, MARIE, 'fr');
	const response = await marie.goto(plan);
	expect(response?.status()).toBe(404);
	expect((await marie.goto(`${plan}/settings`))?.status()).toBe(404);
	await marie.goto(`/plans?q=${encodeURIComponent(account)}`);
	await expect(marie.getByRole('link', { name: title })).toHaveCount(0);

	// The manager publishes the plan and marks it reviewed.
	// (Plain forms: they work before the editor page has hydrated, too.)
	await manager.goto(plan);
	await manager.getByRole('button', { name: t.publish, exact: true }).click();
	await expect(manager.getByTestId('plan-status')).toHaveText(t.published);
	await manager.getByRole('button', { name: t.markReviewed }).click();
	await expect(manager.getByText(t.reviewed).first()).toBeVisible();
	manager = await freshTab(manager);
	await manager.goto(`/plans?q=${encodeURIComponent(account)}&status=published`);
	await expect(manager.getByRole('link', { name: title })).toBeVisible();

	for (const page of [manager, partnerAdmin, marie]) await page.context().close();
});

test('in English: the template, the list and the refusal of a second plan', async ({ browser }) => {
	test.setTimeout(90_000);
	const t = TEXT.en;
	let manager = await signedIn(browser, DEMO.manager, 'en');
	const account = await accountServedByAlpha(manager, 'en');
	const accountPage = new URL(manager.url()).pathname;
	const plan = await createPlanFromAccount(manager, 'en');
	manager = await freshTab(manager);
	await manager.goto(`/plans?q=${encodeURIComponent(account)}`);
	const item = manager.getByRole('listitem').filter({ hasText: t.title(account) });
	await expect(item.getByRole('link', { name: t.title(account) })).toHaveAttribute('href', plan);
	await expect(item.getByText(t.draft, { exact: true })).toBeVisible();
	// /plans/new for an account that has a plan leads to that plan.
	await manager.goto(`/plans/new?account=${accountPage.split('/').pop()}`);
	await expect(manager).toHaveURL(new RegExp(`${plan}$`));
	manager = await freshTab(manager);
	// Settings of the plan: the sharing form lists Alpha, the partner serving the account.
	await manager.goto(`${plan}/settings`);
	await expect(
		manager.getByRole('region', { name: t.sharing }).getByLabel(t.sharedWith)
	).toContainText('Alpha');
	await manager.context().close();
});
