import {
	DEMO,
	expect,
	latestEmailLink,
	loginAs,
	setLocale,
	submitLogin,
	test,
	waitForHydration
} from './support/fixtures.ts';

const ROLES = [
	{ email: DEMO.admin, name: 'Claire Morel' },
	{ email: DEMO.manager, name: 'Julien Fabre' },
	{ email: DEMO.rep, name: 'Thomas Girard' },
	{ email: DEMO.partnerAdmin, name: 'Sébastien Leroy' },
	{ email: DEMO.partnerMember, name: 'Pauline Chevalier' }
];

test.describe('signing in and out', () => {
	for (const { email, name } of ROLES) {
		test(`${email} signs in, sees their home page and signs out`, async ({ page, context }) => {
			await setLocale(context, 'en');
			await loginAs(page, email);
			// The account's stored language (French for the demo people) wins after sign-in.
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(
				new RegExp(`(Welcome|Bienvenue), ${name}`)
			);
			await waitForHydration(page);
			await page.getByLabel(/account menu for|menu du compte de/i).click();
			await page.getByRole('button', { name: /sign out|se déconnecter/i }).click();
			await expect(page).toHaveURL(/\/login/);
			await expect(page.getByRole('status')).toContainText(/signed out|déconnecté/i);
			// The old session is gone: the home page sends us back to sign in.
			await page.goto('/');
			await expect(page).toHaveURL(/\/login\?next=%2F/);
		});
	}

	test('a wrong password gets a clear message and keeps the e-mail typed', async ({
		page,
		context
	}) => {
		await setLocale(context, 'en');
		await submitLogin(page, DEMO.manager, 'not the password');
		await expect(page.getByRole('alert')).toHaveText(
			'This e-mail and password do not match an active account.'
		);
		await expect(page.getByLabel('E-mail')).toHaveValue(DEMO.manager);
		await expect(page.getByLabel('Password')).toHaveValue('');
	});

	test('a malformed e-mail is refused with a field message, not an error page', async ({
		page,
		context
	}) => {
		await setLocale(context, 'fr');
		await submitLogin(page, 'pas-une-adresse', 'x');
		await expect(
			page.getByText('Saisissez une adresse e-mail valide, comme nom@entreprise.fr.')
		).toBeVisible();
		await expect(page.getByLabel('Adresse e-mail')).toHaveAttribute('aria-invalid', 'true');
	});
});

test.describe('language', () => {
	test('the browser language is used first, then the switch, then the stored choice', async ({
		browser
	}) => {
		const french = await browser.newContext({ locale: 'fr-FR' });
		const page = await french.newPage();
		await page.goto('/login');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connexion à Relais');
		await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
		await page.getByRole('button', { name: 'English' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sign in to Relais');
		await expect(page.locator('html')).toHaveAttribute('lang', 'en');

		// A signed-in choice is stored for the account and follows it to a new browser.
		await loginAs(page, 'emma.clarke@relais.test');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Welcome/);
		await page.goto('/account');
		await page.getByRole('main').getByRole('button', { name: 'Français' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mon compte');
		await french.close();

		const english = await browser.newContext({ locale: 'en-GB' });
		const again = await english.newPage();
		await loginAs(again, 'emma.clarke@relais.test');
		await expect(again.getByRole('heading', { level: 1 })).toHaveText(/^Bienvenue/);
		// Put it back for other tests.
		await again.goto('/account');
		await again.getByRole('main').getByRole('button', { name: 'English' }).click();
		await expect(again.getByRole('heading', { level: 1 })).toHaveText('My account');
		await english.close();
	});
});

test.describe('access', () => {
	for (const email of [DEMO.partnerAdmin, DEMO.partnerMember]) {
		test(`${email} gets the 403 page on every admin URL`, async ({ page, context }) => {
			await setLocale(context, 'en');
			await loginAs(page, email);
			for (const path of [
				'/admin/users',
				'/admin/organisations',
				'/admin/audit',
				'/admin/outbox'
			]) {
				const response = await page.goto(path);
				expect(response?.status(), path).toBe(403);
				await expect(page.getByRole('heading', { level: 1 })).toHaveText(
					/You do not have access to this page|Vous n’avez pas accès à cette page/
				);
			}
		});
	}
});

test.describe('password reset', () => {
	test('a rep resets a forgotten password through the e-mailed link', async ({
		page,
		browser,
		context
	}) => {
		const email = 'nadia.haddad@relais.test';
		await setLocale(context, 'en');
		await page.goto('/forgot-password');
		await page.getByLabel('E-mail').fill(email);
		await page.getByRole('button', { name: 'Send the link' }).click();
		await expect(page.getByRole('status')).toContainText(`If an account uses ${email}`);

		const link = await latestEmailLink(browser, email, /^\/reset-password\//);
		await page.goto(link);
		await page.getByLabel('New password').fill('nouveau-secret-2026');
		await page.getByLabel('Confirm the password').fill('nouveau-secret-2026');
		await page.getByRole('button', { name: 'Save the new password' }).click();
		await expect(page).toHaveURL(/\/login\?reason=reset/);

		await loginAs(page, email, 'nouveau-secret-2026');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Nadia/);

		// The link works once: then 410 Gone, saying so, with a way to ask for a new one.
		const reused = await page.goto(link);
		expect(reused?.status()).toBe(410);
		await expect(page.getByRole('alert')).toContainText(/already been used|déjà servi/);
		await page.getByRole('link', { name: /Ask for a new link|Demander un nouveau lien/ }).click();
		await expect(page).toHaveURL(/\/forgot-password$/);
	});
});

test.describe('bad input', () => {
	test('an oversized form gets a readable 413 in the page language, not a bare error', async ({
		request,
		baseURL
	}) => {
		const response = await request.post('/login', {
			form: { email: 'someone@relais.test', password: 'x'.repeat(2 * 1024 * 1024) },
			headers: { origin: baseURL!, accept: 'text/html', 'accept-language': 'fr-FR' }
		});
		expect(response.status()).toBe(413);
		expect(await response.text()).toContain('la limite est de 1');
	});

	test('an invitation or reset link with a forged token says so plainly, with a 404', async ({
		page,
		context
	}) => {
		await setLocale(context, 'en');
		for (const [path, forward] of [
			['/invitation/forged-token', 'Back to sign in'],
			['/invitation/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'Back to sign in'],
			['/reset-password/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'Ask for a new link']
		]) {
			const response = await page.goto(path);
			expect(response?.status(), path).toBe(404);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('This link cannot be used');
			await expect(page.getByRole('alert')).toContainText('This link is not valid');
			await expect(page.getByRole('link', { name: forward })).toBeVisible();
		}
	});
});
