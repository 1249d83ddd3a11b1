import type { Page } from '@playwright/test';
import {
	DEMO,
	expect,
	loginAs,
	setLocale,
	test,
	waitForHydration,
	type Locale
} from './support/fixtures.ts';

// CRM records in the browser: a rep creates an account and an opportunity; two pages edit the
// same opportunity and the second is shown both versions instead of overwriting. The test makes
// its own records (the demo seed's CRM data may change).

const TEXT = {
	en: {
		newAccount: 'New account',
		name: 'Name',
		domain: 'Website domain',
		siren: 'SIREN',
		createAccount: 'Create the account',
		accountCreated: /Account “.*” created/,
		sirenError: 'A SIREN has 9 digits',
		newOpportunity: 'New opportunity',
		opportunityName: 'Opportunity name',
		amount: 'Amount (€)',
		stage: 'Stage',
		createOpportunity: 'Create the opportunity',
		created: /Created at stage Proposal/,
		save: 'Save',
		saved: 'Changes saved.',
		conflict: 'Someone else changed this record',
		theirs: 'Saved now',
		yours: 'Your changes',
		reapply: 'Apply my changes to the new version'
	},
	fr: {
		newAccount: 'Nouveau compte',
		name: 'Nom',
		domain: 'Domaine du site web',
		siren: 'SIREN',
		createAccount: 'Créer le compte',
		accountCreated: /Compte « .* » créé/,
		sirenError: 'Un SIREN compte 9 chiffres',
		newOpportunity: 'Nouvelle opportunité',
		opportunityName: 'Nom de l’opportunité',
		amount: 'Montant (€)',
		stage: 'Étape',
		createOpportunity: 'Créer l’opportunité',
		created: /Créée à l’étape Proposition/,
		save: 'Enregistrer',
		saved: 'Modifications enregistrées.',
		conflict: 'Quelqu’un d’autre a modifié cette fiche',
		theirs: 'Enregistré maintenant',
		yours: 'Vos modifications',
		reapply: 'Appliquer mes modifications à la nouvelle version'
	}
} as const;

/** Creates an account, then an opportunity on it; returns the opportunity's path. */
async function createAccountAndOpportunity(page: Page, locale: Locale, stamp: string) {
	const t = TEXT[locale];
	await page.goto('/accounts');
	await waitForHydration(page);
	await page.getByRole('link', { name: t.newAccount }).click();
	await page.getByLabel(t.name, { exact: true }).fill(`Fromagerie Étoile ${stamp}`);
	await page.getByLabel(t.domain).fill('https://www.etoile-fromages.fr/contact');
	// A bad SIREN is refused beside its field, keeping what was typed.
	await page.getByLabel(t.siren, { exact: true }).fill('12');
	await page.getByRole('button', { name: t.createAccount }).click();
	await expect(page.getByText(t.sirenError)).toBeVisible();
	await expect(page.getByLabel(t.name, { exact: true })).toHaveValue(`Fromagerie Étoile ${stamp}`);
	await page.getByLabel(t.siren, { exact: true }).fill('732 829 320');
	await page.getByRole('button', { name: t.createAccount }).click();
	await expect(page.getByText(t.accountCreated)).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Fromagerie Étoile ${stamp}`);
	await expect(page.getByText('etoile-fromages.fr').first()).toBeVisible();

	await waitForHydration(page);
	await page.getByRole('button', { name: t.newOpportunity }).click();
	const dialog = page.getByRole('dialog', { name: t.newOpportunity });
	await dialog.getByLabel(t.opportunityName, { exact: true }).fill(`Caves ${stamp}`);
	await dialog.getByLabel(t.stage, { exact: true }).selectOption('proposal');
	await dialog.getByLabel(t.amount, { exact: true }).fill('12 500,50');
	await dialog.getByRole('button', { name: t.createOpportunity }).click();
	await expect(page).toHaveURL(/\/opportunities\/[0-9a-f-]{36}/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Caves ${stamp}`);
	await expect(page.getByText(t.created)).toBeVisible();
	return new URL(page.url()).pathname;
}

for (const locale of ['en', 'fr'] as const) {
	const t = TEXT[locale];

	test(`a rep creates an account and an opportunity (${locale})`, async ({ page, context }) => {
		await loginAs(page, DEMO.rep);
		await setLocale(context, locale);
		const stamp = `${locale}-${Date.now().toString(36)}`;
		await createAccountAndOpportunity(page, locale, stamp);
		await expect(page.getByLabel(t.amount, { exact: true })).toHaveValue(
			locale === 'fr' ? '12500,50' : '12500.50'
		);
	});

	test(`a stale edit of an opportunity is caught and shows both versions (${locale})`, async ({
		page,
		context
	}) => {
		await loginAs(page, DEMO.rep);
		await setLocale(context, locale);
		const stamp = `${locale}-${Date.now().toString(36)}`;
		const path = await createAccountAndOpportunity(page, locale, stamp);

		// A second page opens the same opportunity at the same version.
		const second = await context.newPage();
		await second.goto(path);
		await waitForHydration(second);
		await page.goto(path);
		await waitForHydration(page);

		// The first page saves a new name.
		await page.getByLabel(t.opportunityName, { exact: true }).fill(`Caves renamed ${stamp}`);
		await page.getByRole('button', { name: t.save, exact: true }).click();
		await expect(page.getByText(t.saved)).toBeVisible();

		// The second page, still at the old version, changes the amount: nothing is overwritten.
		await second.getByLabel(t.amount, { exact: true }).fill('99 000');
		await second.getByRole('button', { name: t.save, exact: true }).click();
		const panel = second.getByRole('region', { name: t.conflict });
		await expect(panel).toBeVisible();
		await expect(panel.getByRole('columnheader', { name: t.theirs })).toBeVisible();
		await expect(panel.getByRole('columnheader', { name: t.yours })).toBeVisible();
		await expect(panel.getByRole('cell', { name: `Caves renamed ${stamp}` })).toBeVisible();
		await expect(panel.getByRole('cell', { name: `Caves ${stamp}` })).toBeVisible();
		// The form keeps the typed amount, on the new version.
		await expect(second.getByLabel(t.amount, { exact: true })).toHaveValue('99 000');

		// Re-applying on the new version: the typed name (the old one) and amount win, knowingly.
		await second.getByLabel(t.opportunityName, { exact: true }).fill(`Caves renamed ${stamp}`);
		await second.getByRole('button', { name: t.reapply }).click();
		await expect(second.getByText(t.saved)).toBeVisible();
		await expect(second.getByRole('region', { name: t.conflict })).toHaveCount(0);
		await page.reload();
		await expect(page.getByLabel(t.amount, { exact: true })).toHaveValue('99000');
		await expect(page.getByLabel(t.opportunityName, { exact: true })).toHaveValue(
			`Caves renamed ${stamp}`
		);
	});
}

test("a rep reads another person's account without edit buttons; a partner gets 404 for it", async ({
	browser
}) => {
	const stamp = Date.now().toString(36);
	const managerContext = await browser.newContext();
	const manager = await managerContext.newPage();
	await loginAs(manager, DEMO.manager);
	await setLocale(managerContext, 'en');
	const opportunityPath = await createAccountAndOpportunity(manager, 'en', `m-${stamp}`);
	const accountHref = await manager
		.getByRole('link', { name: `Fromagerie Étoile m-${stamp}` })
		.getAttribute('href');
	await managerContext.close();
	if (!accountHref) throw new Error('No link back to the account.');

	const repContext = await browser.newContext();
	const rep = await repContext.newPage();
	await loginAs(rep, DEMO.rep);
	await setLocale(repContext, 'en');
	await rep.goto(accountHref);
	await expect(rep.getByText('You can read this record')).toBeVisible();
	await expect(rep.getByRole('button', { name: 'Save', exact: true })).toHaveCount(0);
	await expect(rep.getByRole('button', { name: 'Delete' })).toHaveCount(0);
	await rep.goto(opportunityPath);
	await expect(rep.getByText('You can read this record')).toBeVisible();
	await repContext.close();

	// The direct team's records do not exist for a partner: the same answer as an unknown id.
	const partnerContext = await browser.newContext();
	const partner = await partnerContext.newPage();
	await loginAs(partner, DEMO.partnerAdmin);
	for (const path of [accountHref, opportunityPath, `/accounts/${crypto.randomUUID()}`]) {
		const response = await partner.goto(path);
		expect(response?.status(), path).toBe(404);
	}
	await partnerContext.close();
});
