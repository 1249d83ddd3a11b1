import type { Browser, Page } from '@playwright/test';
import { registerDeal } from './support/deals.ts';
import {
	DEMO,
	expect,
	loginAs,
	relaisUrl,
	setLocale,
	test,
	waitForHydration,
	type Locale
} from './support/fixtures.ts';

// A partner registers a deal on an account the direct team already works (the demo workspace's
// open deal on Hôtel Majestic Bordeaux), sees "possible conflict" without any detail of the other
// deal, a manager sees both side by side and approves, and the partner then finds the opportunity.

// Both languages use the same demo people: one after the other, so neither flips the other's language.
test.describe.configure({ mode: 'serial' });

async function signedIn(browser: Browser, email: string, locale: Locale): Promise<Page> {
	const context = await browser.newContext({ baseURL: relaisUrl() });
	const page = await context.newPage();
	await loginAs(page, email);
	await setLocale(context, locale);
	return page;
}

const TEXT = {
	en: { conflict: 'Possible conflict', direct: 'Direct team', approved: 'Approved' },
	fr: { conflict: 'Conflit possible', direct: 'Équipe directe', approved: 'Approuvé' }
} as const;

for (const locale of ['en', 'fr'] as const) {
	test(`a partner's deal on a direct account is flagged, approved and reaches the partner (${locale})`, async ({
		browser
	}) => {
		const text = TEXT[locale];
		const products = `Four mixte e2e-${locale}-${Date.now().toString(36)}`;

		// The partner registers the deal and is told at once, without any detail.
		const partner = await signedIn(browser, DEMO.partnerAdmin, locale);
		const path = await registerDeal(partner, {
			accountName: 'Hotel Majestic Bordeaux',
			accountDomain: 'https://www.majestic-bordeaux.fr/',
			amount: '12 500,50',
			products
		});
		await expect(partner.locator('html')).toHaveAttribute('lang', locale);
		await expect(partner.getByRole('status').filter({ hasText: text.conflict })).toBeVisible();
		await expect(partner.locator('.badge', { hasText: text.conflict })).toBeVisible();
		const seen = await partner.locator('main').innerText();
		for (const secret of [text.direct, 'Rénovation de la cuisine', 'Cuisines Pro Atlantique']) {
			expect(seen).not.toContain(secret);
		}

		// Another partner cannot open it.
		const beta = await signedIn(browser, DEMO.partnerMember, locale);
		expect((await beta.goto(path))?.status()).toBe(404);
		await beta.context().close();

		// The manager sees the conflict side by side and approves.
		const manager = await signedIn(browser, DEMO.manager, locale);
		await manager.goto(path);
		await waitForHydration(manager);
		const conflicts = manager.getByTestId('conflicts');
		await expect(conflicts).toContainText(text.direct);
		await expect(conflicts).toContainText('Hôtel Majestic Bordeaux');
		await manager.getByRole('button', { name: /^(approve|approuver)$/i }).click();
		await expect(manager.locator('.badge', { hasText: text.approved })).toBeVisible();
		await manager.context().close();

		// The partner finds the approved registration and its opportunity.
		await partner.goto('/registrations');
		const row = partner
			.getByTestId('registration-row')
			.filter({ has: partner.locator(`a[href="${path}"]`) });
		await expect(row).toContainText(text.approved);
		const link = row.locator('a[href^="/opportunities/"]');
		await expect(link).toHaveAttribute('href', /^\/opportunities\/[0-9a-f-]{36}$/);
		const fromList = await link.getAttribute('href');
		await partner.goto(path);
		await expect(partner.locator('.badge', { hasText: text.approved })).toBeVisible();
		const opportunity = await partner.locator('a[href^="/opportunities/"]').getAttribute('href');
		expect(opportunity).toBe(fromList);

		// The partner's pipeline, when it exists, shows the deal.
		const pipeline = await partner.goto('/pipeline?view=table');
		if (pipeline?.status() === 200) {
			await expect(partner.locator('main')).toContainText('Majestic');
		}
		await partner.context().close();
	});
}

test('the registration form explains bad input and keeps what was typed', async ({ browser }) => {
	const page = await signedIn(browser, DEMO.partnerAdmin, 'en');
	await page.goto('/registrations/new');
	await waitForHydration(page);
	await page.getByRole('radio', { name: /^(a new account|un nouveau compte)$/i }).check();
	await page.getByLabel(/^(website domain|domaine du site web)/i).fill('example.fr');
	await page.getByLabel(/^(estimated amount|montant estimé)/i).fill('-200');
	await page.getByLabel(/^(expected close date|date de clôture prévue)/i).fill('2020-01-15');
	await page.getByRole('button', { name: /submit the registration|soumettre/i }).click();
	await expect(page.locator('#registration-account-name')).toHaveAttribute('aria-invalid', 'true');
	await expect(page.locator('#registration-amount-error')).toHaveText(
		/negative amounts are not allowed|montants négatifs ne sont pas acceptés/i
	);
	await expect(page.locator('#registration-close-date-error')).toHaveText(
		/today or later|aujourd’hui ou plus tard/
	);
	await expect(page.getByLabel(/^(website domain|domaine du site web)/i)).toHaveValue('example.fr');
	await expect(page.getByLabel(/^(estimated amount|montant estimé)/i)).toHaveValue('-200');
	await page.context().close();
});
