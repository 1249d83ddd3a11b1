import type { APIRequestContext, Response } from '@playwright/test';
import {
	DEMO,
	expect,
	latestEmailLink,
	relaisUrl,
	setLocale,
	signedIn,
	test,
	waitForHydration
} from './support/fixtures.ts';

// Sessions that end while a browser still holds their cookie: "sign out everywhere", a
// deactivated account, a tampered cookie. The next page request goes to the sign-in page saying
// the session has ended (the redirect itself carries the reason), an API call gets a 401 with the
// same sentence, and the live stream ends. Tests run beside others on one database: the demo
// person signed out everywhere is one no other browser test signs in as, and the deactivated
// person is invited by the test itself.

const EVERYWHERE = 'antoine.schmitt@relais.test';
const PASSWORD = 'un-mot-de-passe-solide';
const ENDED_EN = 'Your session has ended. Please sign in again.';
const ENDED_FR = 'Votre session a pris fin. Reconnectez-vous.';
const SESSION_COOKIE = 'relais_session';

/** The 303 that led to `response`: it must name the reason, not only the sign-in page. */
async function redirectBefore(response: Response | null) {
	const first = response?.request().redirectedFrom();
	const redirect = await first?.response();
	return { status: redirect?.status(), location: redirect?.headers().location ?? '' };
}

/** An API call and the live stream with this cookie: both 401 with the sentence. */
async function expectApiRefused(request: APIRequestContext, token: string, sentence: string) {
	for (const path of ['/api/notifications', '/api/events']) {
		const response = await request.get(path, {
			headers: { cookie: `${SESSION_COOKIE}=${token}`, 'accept-language': 'en' }
		});
		expect(response.status(), path).toBe(401);
		expect(response.headers()['content-type'], path).toMatch(/^application\/json/);
		expect(await response.json(), path).toEqual({ message: sentence, code: 'SESSION_ENDED' });
	}
}

test('signing out everywhere ends the other browser’s session and its live stream', async ({
	browser
}) => {
	const { ctx: laptopCtx, page: laptop } = await signedIn(browser, EVERYWHERE);
	const { ctx: phoneCtx, page: phone } = await signedIn(browser, EVERYWHERE);

	// The phone reads the feed, its live stream open.
	const opened = phone.waitForResponse((r) => r.url().endsWith('/api/events') && r.ok());
	await phone.goto('/feed');
	await waitForHydration(phone);
	await opened;
	const timeline = phone.locator('.timeline');
	await expect(timeline).toHaveAttribute('data-live', 'true');
	let reopened = 0;
	phone.on('request', (r) => {
		if (r.url().endsWith('/api/events')) reopened += 1;
	});

	await laptop.goto('/account');
	await waitForHydration(laptop);
	await laptop.getByRole('button', { name: 'Sign out everywhere' }).click();
	await expect(laptop).toHaveURL(/\/login\?reason=signed-out/);
	await expect(laptop.getByRole('status')).toHaveText('You are signed out.');

	// The phone's stream ends at once and the page does not reopen it. (Whether Chromium reports
	// the request as finished or failed depends on which side closes first: the page, on the
	// `session.ended` event, or the server — so the page's own state is what is checked.)
	await expect(timeline).toHaveAttribute('data-live', 'false');
	await phone.waitForTimeout(500);
	expect(reopened).toBe(0);
	// The page says so at once, with a way back to this page (nothing typed is lost: no redirect).
	const notice = phone.getByRole('main').getByRole('status').filter({ hasText: ENDED_EN });
	await expect(notice).toBeVisible();
	await expect(notice.getByRole('link', { name: 'Sign in again' })).toHaveAttribute(
		'href',
		'/login?reason=session-ended&next=%2Ffeed'
	);

	// Its next navigation (client-side) goes to sign in, saying why, and comes back after.
	await phone
		.getByRole('navigation', { name: 'Main navigation' })
		.getByRole('link', { name: 'Pipeline' })
		.click();
	await expect(phone).toHaveURL(/\/login\?reason=session-ended&next=%2Fpipeline$/);
	await expect(phone.getByRole('status')).toHaveText(ENDED_EN);
	await phone.getByLabel('E-mail').fill(EVERYWHERE);
	await phone.getByLabel('Password').fill('relais-demo');
	await phone.getByRole('button', { name: 'Sign in' }).click();
	await expect(phone).toHaveURL(/\/pipeline$/);

	await laptopCtx.close();
	await phoneCtx.close();
});

test('a deactivated person’s open page goes to sign in with the reason; the API answers 401', async ({
	browser,
	request
}) => {
	test.setTimeout(90_000);
	const stamp = Date.now().toString(36);
	const email = `bastien.${stamp}@relais.test`;
	const name = `Bastien Roy ${stamp}`;
	const { ctx: adminCtx, page: admin } = await signedIn(browser, DEMO.admin);

	await admin.goto('/admin/users');
	await waitForHydration(admin);
	await admin.getByRole('button', { name: 'Invite someone' }).click();
	const invite = admin.getByRole('dialog', { name: 'Invite someone' });
	await invite.getByLabel('E-mail', { exact: true }).fill(email);
	await invite.getByLabel('Role').selectOption('rep');
	await invite.getByRole('button', { name: 'Send the invitation' }).click();
	await expect(admin.getByText(`Invitation sent to ${email}`)).toBeVisible();

	const link = await latestEmailLink(browser, email, /^\/invitation\//);
	const personCtx = await browser.newContext({ baseURL: relaisUrl() });
	await setLocale(personCtx, 'en');
	const person = await personCtx.newPage();
	await person.goto(link);
	await person.getByLabel('Full name').fill(name);
	await person.getByLabel('Password', { exact: true }).fill(PASSWORD);
	await person.getByLabel('Confirm the password').fill(PASSWORD);
	await person.getByRole('button', { name: 'Create my account' }).click();
	await expect(person.getByRole('heading', { level: 1 })).toHaveText(`Welcome, ${name}`);
	await setLocale(personCtx, 'en');
	const token = (await personCtx.cookies()).find((c) => c.name === SESSION_COOKIE)?.value;
	expect(token).toBeTruthy();

	await admin.getByLabel('Name or e-mail').fill(email);
	await admin.getByRole('button', { name: 'Apply' }).click();
	await admin.getByRole('link', { name, exact: true }).click();
	await expect(admin.getByRole('heading', { level: 1 })).toHaveText(name);
	await waitForHydration(admin);
	const access = admin.getByRole('region', { name: 'Access', exact: true });
	await access.getByRole('button', { name: 'Deactivate' }).click();
	await admin
		.getByRole('dialog', { name: `Deactivate ${name}?` })
		.getByRole('button', { name: 'Deactivate and sign out' })
		.click();
	await expect(
		access.getByText('Account deactivated: every session of this person has ended.')
	).toBeVisible();

	// The old cookie, replayed on the API and the live stream: a 401 that says why.
	await expectApiRefused(request, token!, ENDED_EN);

	// The person's next page: the sign-in page with the notice, reached by a 303 naming the reason.
	const response = await person.goto('/accounts');
	expect(response?.status()).toBe(200);
	expect(await redirectBefore(response)).toEqual({
		status: 303,
		location: '/login?reason=session-ended&next=%2Faccounts'
	});
	await expect(person.getByRole('status')).toHaveText(ENDED_EN);
	// The dead cookie was removed on the way.
	expect((await personCtx.cookies()).some((c) => c.name === SESSION_COOKIE)).toBe(false);

	await personCtx.close();
	await adminCtx.close();
});

test('a tampered session cookie gets the same notice, never an error page', async ({
	browser,
	request
}) => {
	const tampered = [
		// The right shape, but no such session.
		'abcdefghijklmnopqrstuvwxyz234567abcdefgh',
		// Not even the shape of a token.
		'forged-session!',
		'x'.repeat(3000),
		// Broken percent-encoding.
		'%E0%A4%A'
	];
	for (const value of tampered) {
		const ctx = await browser.newContext({ baseURL: relaisUrl() });
		await ctx.addCookies([{ name: SESSION_COOKIE, value, url: relaisUrl() }]);
		await setLocale(ctx, 'fr');
		const page = await ctx.newPage();
		const response = await page.goto('/pipeline?stage=won');
		expect(response?.status(), value).toBe(200);
		expect(await redirectBefore(response), value).toEqual({
			status: 303,
			location: '/login?reason=session-ended&next=%2Fpipeline%3Fstage%3Dwon'
		});
		await expect(page.getByRole('status')).toHaveText(ENDED_FR);
		await ctx.close();
	}
	await expectApiRefused(request, 'abcdefghijklmnopqrstuvwxyz234567abcdefgh', ENDED_EN);
	await expectApiRefused(request, 'forged-session!', ENDED_EN);
});
