import type { Browser, Page } from '@playwright/test';
import { DEMO, loginAs, relaisUrl, waitForHydration } from './fixtures.ts';

export type DealValues = {
	accountName: string;
	accountDomain?: string;
	amount?: string;
	products?: string;
	closeDate?: string;
};

/** A day `days` from now, as the date input takes it. */
export function inDays(days: number): string {
	return new Date(Date.now() + days * 24 * 3600 * 1000).toISOString().slice(0, 10);
}

/** Fills and sends /registrations/new on a new account; returns the registration's path. */
export async function registerDeal(page: Page, values: DealValues): Promise<string> {
	await page.goto('/registrations/new');
	await waitForHydration(page);
	await page.getByRole('radio', { name: /^(a new account|un nouveau compte)$/i }).check();
	await page.getByLabel(/^(company name|nom de l.entreprise)$/i).fill(values.accountName);
	if (values.accountDomain) {
		await page.getByLabel(/^(website domain|domaine du site web)/i).fill(values.accountDomain);
	}
	await page.getByLabel(/^(estimated amount|montant estimé)/i).fill(values.amount ?? '12 500,50');
	if (values.products) await page.getByLabel(/^(products|produits)/i).fill(values.products);
	await page
		.getByLabel(/^(expected close date|date de clôture prévue)/i)
		.fill(values.closeDate ?? inDays(30));
	await page.getByRole('button', { name: /submit the registration|soumettre/i }).click();
	await page.waitForURL(/\/registrations\/[0-9a-f-]{36}\?submitted=1$/);
	return new URL(page.url()).pathname;
}

/** Registers a deal as a partner in a separate session (the caller's session is untouched). */
export async function registerDealAs(
	browser: Browser,
	values: DealValues,
	email: string = DEMO.partnerAdmin
): Promise<string> {
	const context = await browser.newContext({ baseURL: relaisUrl() });
	try {
		const page = await context.newPage();
		await loginAs(page, email);
		return await registerDeal(page, values);
	} finally {
		await context.close();
	}
}
