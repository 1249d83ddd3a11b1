import type { Browser, Page } from '@playwright/test';
import {
	DEMO,
	expect,
	latestEmailLink,
	loginAs,
	relaisUrl,
	setLocale,
	signedIn,
	submitLogin,
	test,
	waitForHydration
} from './support/fixtures.ts';

// The admin pages driven in a browser, as the demo admin (Claire Morel) and Alpha's partner admin:
// people, organisations, the audit log, and the notifications menu of a person they changed.
// Tests run beside others on one database: they act on people and partners they create themselves,
// and only read the demo ones.

const PASSWORD = 'un-mot-de-passe-solide';
const ADMIN_NAME = 'Claire Morel';

/** Follows the newest invitation e-mailed to `email` and creates the account; returns its page. */
async function acceptInvitation(browser: Browser, email: string, name: string) {
	const link = await latestEmailLink(browser, email, /^\/invitation\//);
	const ctx = await browser.newContext({ baseURL: relaisUrl() });
	await setLocale(ctx, 'en');
	const page = await ctx.newPage();
	await page.goto(link);
	await page.getByLabel('Full name').fill(name);
	await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await page.getByLabel('Confirm the password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Create my account' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${name}`);
	await setLocale(ctx, 'en');
	return { ctx, page };
}

/** The text of the chosen option of a select. */
function chosen(page: Page, label: string) {
	return page.getByLabel(label, { exact: true }).locator('option:checked');
}

/** Signs in with a wrong outcome expected: the form refuses, the same way as a wrong password. */
async function expectRefused(browser: Browser, email: string) {
	const ctx = await browser.newContext({ baseURL: relaisUrl() });
	await setLocale(ctx, 'en');
	const page = await ctx.newPage();
	await submitLogin(page, email, PASSWORD);
	await expect(page.getByRole('alert')).toHaveText(
		'This e-mail and password do not match an active account.'
	);
	await expect(page).toHaveURL(/\/login/);
	await ctx.close();
}

/** Filters /admin/audit by actor and action through its form; returns the table's body rows. */
async function auditRows(page: Page, action: string) {
	await page.goto('/admin/audit');
	await waitForHydration(page);
	const filters = page.getByRole('search', { name: 'Filter the audit log' });
	await filters.getByLabel('Done by').selectOption({ label: ADMIN_NAME });
	await filters.getByLabel('Action', { exact: true }).selectOption({ label: action });
	await filters.getByRole('button', { name: 'Apply' }).click();
	await expect(page).toHaveURL(/[?&]actor=[0-9a-f-]{36}/);
	await expect(page).toHaveURL(/[?&]action=/);
	const rows = page.getByRole('table', { name: 'Audit log' }).locator('tbody tr');
	await expect(rows.first()).toBeVisible();
	// Every row shown matches both filters.
	for (const text of await rows.allInnerTexts()) {
		expect(text).toContain(ADMIN_NAME);
		expect(text).toContain(action);
	}
	return rows;
}

test('an admin changes a person’s role, team and region, the person reads the news, then is deactivated', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const stamp = Date.now().toString(36);
	const email = `aude.${stamp}@relais.test`;
	const name = `Aude Lenoir ${stamp}`;
	const { ctx: adminCtx, page: admin } = await signedIn(browser, DEMO.admin);

	await test.step('the admin invites a rep, who joins', async () => {
		await admin.goto('/admin/users');
		await waitForHydration(admin);
		await admin.getByRole('button', { name: 'Invite someone' }).click();
		const dialog = admin.getByRole('dialog', { name: 'Invite someone' });
		await dialog.getByLabel('E-mail', { exact: true }).fill(email);
		await dialog.getByLabel('Role').selectOption('rep');
		await dialog.getByRole('button', { name: 'Send the invitation' }).click();
		await expect(admin.getByText(`Invitation sent to ${email}`)).toBeVisible();
	});
	const { ctx: personCtx, page: person } = await acceptInvitation(browser, email, name);

	let personPath = '';
	await test.step('the admin finds the person and changes the role', async () => {
		await admin.goto('/admin/users');
		await waitForHydration(admin);
		await admin.getByLabel('Name or e-mail').fill(email);
		await admin.getByRole('button', { name: 'Apply' }).click();
		// The unfiltered list may already show the person: click once the filtered one is in.
		await expect(admin).toHaveURL(/[?&]q=aude/);
		await expect(admin.getByRole('table', { name: 'Users' }).locator('tbody tr')).toHaveCount(1);
		await admin.getByRole('link', { name, exact: true }).click();
		await expect(admin.getByRole('heading', { level: 1 })).toHaveText(name);
		personPath = new URL(admin.url()).pathname;
		expect(personPath).toMatch(/^\/admin\/users\/[0-9a-f-]{36}$/);
		await waitForHydration(admin);

		const role = admin.getByRole('region', { name: 'Role', exact: true });
		await role.getByLabel('New role').selectOption('manager');
		await role.getByRole('button', { name: 'Change the role' }).click();
		await expect(role.getByText('Role changed. The person has been told.')).toBeVisible();
	});

	await test.step('and the team and region, kept after a reload', async () => {
		const team = admin.getByRole('region', { name: 'Team and region', exact: true });
		await team.getByLabel('Team', { exact: true }).selectOption({
			label: 'Équipe Lyon Alpes (Auvergne-Rhône-Alpes)'
		});
		await team
			.getByLabel('Region', { exact: true })
			.selectOption({ label: 'Auvergne-Rhône-Alpes' });
		await team.getByRole('button', { name: 'Save' }).click();
		await expect(team.getByText('Team and region saved.')).toBeVisible();

		await admin.reload();
		await expect(chosen(admin, 'New role')).toHaveText('Manager');
		await expect(chosen(admin, 'Team')).toHaveText('Équipe Lyon Alpes (Auvergne-Rhône-Alpes)');
		await expect(chosen(admin, 'Region')).toHaveText('Auvergne-Rhône-Alpes');
		const about = admin.getByRole('region', { name: 'About', exact: true });
		await expect(about).toContainText('Manager');
		await expect(about).toContainText('Équipe Lyon Alpes · Auvergne-Rhône-Alpes');
	});

	await test.step('the person marks one notification read, then all, and they stay read', async () => {
		await person.goto('/');
		await waitForHydration(person);
		// The welcome and the role change.
		const bell = person.getByRole('button', { name: /^Notifications, / });
		await expect(bell).toHaveAccessibleName('Notifications, 2 unread');
		await bell.click();
		const menu = person.getByRole('region', { name: 'Notifications' });
		await expect(menu.getByText('Unread:')).toHaveCount(2);
		await menu.getByRole('link', { name: /Your role is now: Manager/ }).click();
		// Opening an item marks it read (then follows its link, the home page).
		await expect(bell).toHaveAccessibleName('Notifications, 1 unread', { timeout: 10_000 });
		await person.reload();
		await waitForHydration(person);
		await expect(bell).toHaveAccessibleName('Notifications, 1 unread');

		await bell.click();
		await expect(menu.getByText('Unread:')).toHaveCount(1);
		await menu.getByRole('button', { name: 'Mark all as read' }).click();
		await expect(bell).toHaveAccessibleName('Notifications, none unread');
		await expect(menu.getByText('Unread:')).toHaveCount(0);
		await expect(menu.getByRole('button', { name: 'Mark all as read' })).toHaveCount(0);

		await person.reload();
		await waitForHydration(person);
		await expect(bell).toHaveAccessibleName('Notifications, none unread');
		await bell.click();
		await expect(menu.getByRole('link', { name: /Welcome to Nordis Équipements/ })).toBeVisible();
		await expect(menu.getByText('Unread:')).toHaveCount(0);
	});

	await test.step('the admin deactivates the person, who can no longer sign in', async () => {
		await waitForHydration(admin);
		const access = admin.getByRole('region', { name: 'Access', exact: true });
		await access.getByRole('button', { name: 'Deactivate' }).click();
		const dialog = admin.getByRole('dialog', { name: `Deactivate ${name}?` });
		await expect(dialog).toContainText('will no longer be able to sign in');
		await dialog.getByRole('button', { name: 'Deactivate and sign out' }).click();
		await expect(dialog).toBeHidden();
		await expect(
			access.getByText('Account deactivated: every session of this person has ended.')
		).toBeVisible();
		await admin.reload();
		await expect(admin.locator('.page-header .badge')).toHaveText('Deactivated');
		await expect(access.getByRole('button', { name: 'Reactivate' })).toBeVisible();

		// The open session is gone, and signing in again is refused.
		await person.goto('/');
		await expect(person).toHaveURL(/\/login/);
		await expectRefused(browser, email);
	});

	await test.step('the audit log, filtered by actor and action, shows both changes', async () => {
		const id = personPath.split('/').pop()!;
		for (const action of ['Role changed', 'Team or region changed', 'Account deactivated']) {
			const rows = await auditRows(admin, action);
			await expect(
				rows.filter({ has: admin.locator(`a[href$="/admin/users/${id}"]`) })
			).toHaveCount(1);
		}
	});

	await personCtx.close();
	await adminCtx.close();
});

test('an admin runs a partner’s life cycle; a partner admin manages only their own company', async ({
	browser
}) => {
	test.setTimeout(150_000);
	const stamp = Date.now().toString(36);
	const partnerName = `Delta Froid ${stamp}`;
	const bossEmail = `patronne.${stamp}@delta.test`;
	const bossName = `Hélène Roy ${stamp}`;
	const { ctx: adminCtx, page: admin } = await signedIn(browser, DEMO.admin);

	await test.step('the admin creates a partner, whose partner admin joins', async () => {
		await admin.goto('/admin/organisations');
		await waitForHydration(admin);
		await admin.getByRole('button', { name: 'New partner' }).click();
		const dialog = admin.getByRole('dialog', { name: 'New partner' });
		await dialog.getByLabel('Name', { exact: true }).fill(partnerName);
		await dialog.getByLabel('Tier').selectOption('silver');
		await dialog.getByLabel('Region').selectOption({ label: 'Grand Est' });
		await dialog.getByLabel(/^Partner administrator.s e-mail/).fill(bossEmail);
		await dialog.getByLabel('Language of the invitation e-mail').selectOption('en');
		await dialog.getByRole('button', { name: 'Create the partner' }).click();
		await expect(admin.getByRole('heading', { level: 1 })).toHaveText(partnerName);
		await expect(admin.getByText(`${partnerName} was created.`)).toBeVisible();
	});
	const partnerPath = new URL(admin.url()).pathname;
	expect(partnerPath).toMatch(/^\/admin\/organisations\/[0-9a-f-]{36}$/);
	const { ctx: bossCtx, page: boss } = await acceptInvitation(browser, bossEmail, bossName);

	await test.step('the admin changes its tier and region, kept after a reload', async () => {
		await admin.goto(partnerPath);
		await waitForHydration(admin);
		await expect(chosen(admin, 'Tier')).toHaveText('Silver');
		const details = admin.getByRole('region', { name: 'Details', exact: true });
		await details.getByLabel('Tier').selectOption('gold');
		await details.getByLabel('Region').selectOption({ label: 'Hauts-de-France' });
		await details.getByRole('button', { name: 'Save' }).click();
		await expect(details.getByText('Changes saved.')).toBeVisible();

		await admin.reload();
		await expect(chosen(admin, 'Tier')).toHaveText('Gold');
		await expect(chosen(admin, 'Region')).toHaveText('Hauts-de-France');
		await expect(admin.locator('.page-header .muted')).toContainText('Gold');
		// Its partner admin is told of the new tier.
		await boss.goto('/');
		await waitForHydration(boss);
		await boss.getByRole('button', { name: /^Notifications, / }).click();
		await expect(
			boss
				.getByRole('region', { name: 'Notifications', exact: true })
				.getByText(`${partnerName} is now at the Gold tier`)
		).toBeVisible();
	});

	await test.step('suspended, its people are signed out and refused', async () => {
		await waitForHydration(admin);
		const status = admin.getByRole('region', { name: 'Status', exact: true });
		await status.getByRole('button', { name: 'Suspend this partner' }).click();
		const dialog = admin.getByRole('dialog', { name: `Suspend ${partnerName}?` });
		await expect(dialog).toContainText('its 1 active people will be signed out');
		await dialog.getByRole('button', { name: 'Suspend and sign everyone out' }).click();
		await expect(dialog).toBeHidden();
		await expect(
			status.getByText('Partner suspended: all its people have been signed out.')
		).toBeVisible();
		await admin.reload();
		await expect(admin.locator('.page-header .badge')).toHaveText('Suspended');

		await boss.goto('/');
		await expect(boss).toHaveURL(/\/login/);
		await expectRefused(browser, bossEmail);
	});

	await test.step('reactivated, its people sign in again', async () => {
		await waitForHydration(admin);
		const status = admin.getByRole('region', { name: 'Status', exact: true });
		await status.getByRole('button', { name: 'Reactivate this partner' }).click();
		await expect(
			status.getByText('Partner reactivated: its people can sign in again.')
		).toBeVisible();
		await admin.reload();
		await expect(admin.locator('.page-header .badge')).toHaveText('Active');
		await loginAs(boss, bossEmail, PASSWORD);
		await expect(boss.getByRole('heading', { level: 1 })).toContainText(bossName);
	});

	await test.step('the audit log, filtered by actor and action, shows each change', async () => {
		const id = partnerPath.split('/').pop()!;
		// A status change is recorded as a change of the organisation too: tier and region, then
		// suspended, then active again.
		for (const [action, count] of [
			['Partner created', 1],
			['Organisation changed', 3],
			['Partner suspended', 1],
			['Partner reactivated', 1]
		] as const) {
			const rows = await auditRows(admin, action);
			const ours = rows.filter({ has: admin.locator(`a[href$="/admin/organisations/${id}"]`) });
			await expect(ours).toHaveCount(count);
			if (action === 'Organisation changed') {
				// Its details name the fields changed (key order is the database's).
				await expect(ours.last()).toContainText(
					/tier\s*\{("to":"gold","from":"silver"|"from":"silver","to":"gold")\}/
				);
			}
		}
	});

	// A Beta person's page, as the admin sees it.
	await admin.goto('/admin/users?q=partner%40beta.test');
	const betaHref = await admin
		.getByRole('link', { name: 'Pauline Chevalier', exact: true })
		.getAttribute('href');
	const betaPath = new URL(betaHref ?? '', admin.url()).pathname;
	expect(betaPath).toMatch(/^\/admin\/users\/[0-9a-f-]{36}$/);
	await bossCtx.close();

	const colleagueEmail = `remi.${stamp}@alpha.test`;
	const colleagueName = `Rémi Garnier ${stamp}`;
	const { ctx: alphaCtx, page: alpha } = await signedIn(browser, DEMO.partnerAdmin);
	await test.step('Alpha’s partner admin sees only Alpha’s people', async () => {
		await alpha.goto('/company');
		await expect(alpha.getByRole('heading', { level: 1 })).toHaveText('Alpha');
		const people = alpha.getByRole('table', { name: 'People' }).locator('tbody tr');
		await expect(people.first()).toBeVisible();
		for (const text of await people.allInnerTexts()) expect(text).toMatch(/@alpha\.test/);
		await expect(alpha.getByText('Pauline Chevalier')).toHaveCount(0);
		await expect(alpha.getByText('@beta.test')).toHaveCount(0);

		// A Beta person is out of reach: the admin pages are closed to a partner admin, and the
		// company page's own actions refuse a person of another company.
		const direct = await alpha.goto(betaPath);
		expect(direct?.status()).toBe(403);
		await alpha.goto('/company');
		const posted = await alpha.request.post('/company?/changeRole', {
			form: { userId: betaPath.split('/').pop()!, role: 'partner_admin' },
			headers: { origin: new URL(alpha.url()).origin }
		});
		expect(posted.status()).toBe(404);
	});

	await test.step('and manages them: invites one, changes the role, deactivates', async () => {
		await alpha.goto('/company');
		await waitForHydration(alpha);
		await alpha.getByRole('button', { name: 'Invite someone' }).click();
		const invite = alpha.getByRole('dialog');
		await invite.getByLabel('E-mail', { exact: true }).fill(colleagueEmail);
		await invite.getByRole('button', { name: 'Send the invitation' }).click();
		await expect(alpha.getByText(`Invitation sent to ${colleagueEmail}`)).toBeVisible();
		const { ctx: colleagueCtx } = await acceptInvitation(browser, colleagueEmail, colleagueName);
		await colleagueCtx.close();

		await alpha.reload();
		await waitForHydration(alpha);
		const row = alpha.getByRole('row').filter({ hasText: colleagueEmail });
		await row.getByLabel(`Role of ${colleagueName}`, { exact: true }).selectOption('partner_admin');
		await row.getByRole('button', { name: `Change the role of ${colleagueName}` }).click();
		await expect(alpha.getByText('Role changed. The person has been told.')).toBeVisible();
		await alpha.reload();
		await expect(row.getByLabel(`Role of ${colleagueName}`, { exact: true })).toHaveValue(
			'partner_admin'
		);

		await waitForHydration(alpha);
		await row.getByRole('button', { name: `Deactivate ${colleagueName}` }).click();
		const dialog = alpha.getByRole('dialog', { name: `Deactivate ${colleagueName}?` });
		await dialog.getByRole('button', { name: 'Deactivate and sign out' }).click();
		await expect(dialog).toBeHidden();
		await alpha.reload();
		await expect(row.getByText('Deactivated')).toBeVisible();
		await expect(row.getByRole('button', { name: `Reactivate ${colleagueName}` })).toBeVisible();
		await expectRefused(browser, colleagueEmail);
	});

	await alphaCtx.close();
	await adminCtx.close();
});
