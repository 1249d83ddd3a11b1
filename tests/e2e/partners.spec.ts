import { DEMO, expect, loginAs, setLocale, test, waitForHydration } from './support/fixtures.ts';

// The partner directory: onboarding from the admin page, a manager's directory and partner page,
// and a partner person kept out of both. The demo seed has no CRM data: the test makes its own.

test('an admin onboards a partner, a manager finds it, reads why its score, and sets its owner', async ({
	browser
}) => {
	const stamp = Date.now().toString(36);
	const name = `Oméga Froid ${stamp}`;
	const adminEmail = `patron.${stamp}@omega.test`;

	// Onboarding in one flow: the company and its partner admin's invitation.
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await loginAs(admin, DEMO.admin);
	await setLocale(adminContext, 'en');
	await admin.goto('/admin/organisations');
	await waitForHydration(admin);
	await admin.getByRole('button', { name: 'New partner' }).click();
	const dialog = admin.getByRole('dialog', { name: 'New partner' });
	await dialog.getByLabel('Name', { exact: true }).fill(name);
	await dialog.getByLabel(/^Partner administrator.s e-mail/).fill(adminEmail);
	await dialog.getByLabel('Language of the invitation e-mail').selectOption('fr');
	await dialog.getByRole('button', { name: 'Create the partner' }).click();
	await expect(admin.getByRole('heading', { level: 1 })).toHaveText(name);
	await expect(admin.getByRole('cell', { name: adminEmail, exact: true })).toBeVisible();
	await adminContext.close();

	// The manager filters the directory down to it and opens its page.
	const managerContext = await browser.newContext();
	const page = await managerContext.newPage();
	await loginAs(page, DEMO.manager);
	await setLocale(managerContext, 'en');
	await page.goto('/partners');
	await waitForHydration(page);
	await page.getByLabel('Search by name').fill(`omega froid ${stamp}`);
	await page.getByLabel('Tier').selectOption('registered');
	await page.getByRole('button', { name: 'Apply' }).click();
	await expect(page).toHaveURL(/q=omega/);
	const rows = page.getByRole('table').getByRole('row');
	await expect(rows).toHaveCount(2);
	await expect(rows.nth(1)).toContainText('at risk');
	await page.getByRole('link', { name }).click();

	await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
	await waitForHydration(page);
	await expect(page.getByText('0 of 3 steps done')).toBeVisible();
	await expect(page.getByText(/Invitation sent, waiting for a first sign-in/)).toBeVisible();
	await expect(page.getByText('No deal yet')).toBeVisible();
	await page.locator('summary', { hasText: 'Why this score' }).click();
	const why = page.getByRole('table', { name: 'Why this score' });
	await expect(why.getByRole('row', { name: /Deals registered \(180 days\)/ })).toContainText(
		'0 of 20'
	);
	await expect(why.getByRole('row', { name: /Visits/ })).toContainText('0 of 0');

	await page.getByLabel('Owner rep').selectOption({ label: 'Julien Fabre (Manager)' });
	await page.getByLabel('Agreement signed on').fill('2025-01-15');
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByText('Partner saved.')).toBeVisible();
	const facts = page.getByRole('region', { name: 'At a glance' });
	await expect(facts).toContainText('Julien Fabre');
	await expect(page.getByText('1 of 3 steps done')).toBeVisible();
	await expect(page.getByRole('list').getByText('Owner rep changed')).toBeVisible();
	await managerContext.close();
});

test('a partner person gets 403 on the directory and 404 on another partner’s page', async ({
	browser
}) => {
	// Alpha's id, as the host sees it.
	const hostContext = await browser.newContext();
	const host = await hostContext.newPage();
	await loginAs(host, DEMO.manager);
	await setLocale(hostContext, 'en');
	await host.goto('/partners?q=alpha');
	const link = await host.getByRole('link', { name: 'Alpha', exact: true }).getAttribute('href');
	// Server-rendered links are relative ("./partners/…"): resolve against the page.
	const href = new URL(link ?? '', host.url()).pathname;
	await hostContext.close();
	expect(href).toMatch(/^\/partners\/[0-9a-f-]{36}$/);

	const context = await browser.newContext();
	const page = await context.newPage();
	await loginAs(page, DEMO.partnerMember);
	await setLocale(context, 'en');
	const directory = await page.goto('/partners');
	expect(directory?.status()).toBe(403);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(
		'You do not have access to this page'
	);
	const other = await page.goto(href);
	expect(other?.status()).toBe(404);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
	await context.close();
});
