import {
	DEMO,
	expect,
	latestEmailLink,
	loginAs,
	setLocale,
	test,
	waitForHydration
} from './support/fixtures.ts';

// The demo admin and partner admin work in French (their stored language wins after sign-in).
const unreadLabel = /^Notifications, (aucune non lue|\d+ non lues?)$/;

function unreadCount(label: string | null): number {
	const match = label?.match(/(\d+) non lue/);
	return match ? Number(match[1]) : 0;
}

test('an admin invites a rep, who joins through the outbox link, and the admin is told live', async ({
	browser
}) => {
	const email = `lea.moreau.${Date.now()}@relais.test`;

	// The admin invites from the Users page.
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await loginAs(admin, DEMO.admin);
	await setLocale(adminContext, 'fr');
	await admin.goto('/admin/users');
	await waitForHydration(admin);
	await admin.getByRole('button', { name: 'Inviter quelqu’un' }).click();
	const dialog = admin.getByRole('dialog', { name: 'Inviter quelqu’un' });
	await dialog.getByLabel('Adresse e-mail', { exact: true }).fill(email);
	await dialog.getByLabel('Rôle').selectOption({ label: 'Commercial' });
	await dialog.getByRole('button', { name: 'Envoyer l’invitation' }).click();
	await expect(admin.getByText(`Invitation envoyée à ${email}`)).toBeVisible();

	// The admin waits on the home page, with the live stream open.
	const stream = admin.waitForResponse((r) => r.url().endsWith('/api/events'));
	await admin.goto('/');
	await waitForHydration(admin);
	await stream;
	const bell = admin.getByRole('button', { name: unreadLabel });
	const before = unreadCount(await bell.getAttribute('aria-label'));

	// The invitee follows the e-mailed link in another browser and creates the account.
	const link = await latestEmailLink(browser, email, /^\/invitation\//);
	const inviteeContext = await browser.newContext();
	await setLocale(inviteeContext, 'en');
	const invitee = await inviteeContext.newPage();
	await invitee.goto(link);
	await expect(invitee.getByRole('heading', { level: 1 })).toContainText('Join Nordis Équipements');
	await invitee.getByLabel('Full name').fill('Léa Moreau');
	await invitee.getByLabel('Password', { exact: true }).fill('un-mot-de-passe-solide');
	await invitee.getByLabel('Confirm the password').fill('un-mot-de-passe-solide');
	await invitee.getByRole('button', { name: 'Create my account' }).click();
	await expect(invitee.getByRole('heading', { level: 1 })).toHaveText('Welcome, Léa Moreau');

	// Without reloading, the admin's unread count goes up and the menu names the newcomer. (Other
	// specs running at the same time may add their own notifications for this admin: at least one.)
	await expect
		.poll(async () => unreadCount(await bell.getAttribute('aria-label')), { timeout: 10_000 })
		.toBeGreaterThan(before);
	await bell.click();
	await expect(admin.getByText('Léa Moreau a accepté votre invitation')).toBeVisible();

	// The link cannot be used a second time.
	await invitee.goto(link);
	await expect(invitee.getByRole('alert')).toContainText('already been used');

	await adminContext.close();
	await inviteeContext.close();
});

test('a partner admin invites a colleague into their own company only', async ({
	page,
	context
}) => {
	await loginAs(page, DEMO.partnerAdmin);
	await setLocale(context, 'fr');
	await page.goto('/company');
	await waitForHydration(page);
	await page.getByRole('button', { name: 'Inviter quelqu’un' }).click();
	const dialog = page.getByRole('dialog');
	// Only partner roles are offered, and no organisation can be chosen.
	await expect(dialog.getByLabel('Organisation')).toHaveCount(0);
	const roles = await dialog.getByLabel('Rôle').locator('option').allInnerTexts();
	expect(roles.map((r) => r.trim())).toEqual(['Administrateur partenaire', 'Membre partenaire']);
	const email = `nouveau.${Date.now()}@alpha.test`;
	await dialog.getByLabel('Adresse e-mail', { exact: true }).fill(email);
	await dialog.getByRole('button', { name: 'Envoyer l’invitation' }).click();
	await expect(page.getByText(`Invitation envoyée à ${email}`)).toBeVisible();
});
