import {
	test as base,
	expect,
	type Browser,
	type BrowserContext,
	type Page
} from '@playwright/test';

export { expect };

/** The demo workspace's logins (README); all share DEMO_PASSWORD. */
export const DEMO = {
	admin: 'admin@relais.test',
	manager: 'manager@relais.test',
	rep: 'rep@relais.test',
	partnerAdmin: 'partner.admin@alpha.test',
	partnerMember: 'partner@beta.test'
} as const;

export type DemoLogin = (typeof DEMO)[keyof typeof DEMO];
export const DEMO_PASSWORD = 'relais-demo';
export type Locale = 'en' | 'fr';

/** The Relais server the global setup started for this run. */
export function relaisUrl(): string {
	const url = process.env.RELAIS_E2E_URL;
	if (!url)
		throw new Error('RELAIS_E2E_URL is not set: run the browser tests with `npm run test:e2e`.');
	return url;
}

/** Playwright's `test`, pointed at the run's Relais server (relative `page.goto('/login')` works). */
export const test = base.extend({
	baseURL: async ({ baseURL }, use) => {
		await use(process.env.RELAIS_E2E_URL ?? baseURL ?? relaisUrl());
	}
});

/** Fills and submits the sign-in form at /login, without waiting for the outcome. */
export async function submitLogin(page: Page, email: string, password = DEMO_PASSWORD) {
	await page.goto('/login');
	await page.getByLabel(/^(e-mail|adresse e-mail)$/i).fill(email);
	await page.getByLabel(/^(password|mot de passe)$/i).fill(password);
	await page.getByRole('button', { name: /sign in|se connecter/i }).click();
}

/** Signs in and waits until the app has left /login; fails with the form's message otherwise. */
export async function loginAs(page: Page, email: string, password = DEMO_PASSWORD) {
	await submitLogin(page, email, password);
	try {
		await page.waitForURL((url) => !url.pathname.startsWith('/login'), { timeout: 15_000 });
	} catch {
		const alert = await page.getByRole('alert').allInnerTexts();
		throw new Error(
			`Could not sign in as ${email}: ${alert.join(' ').trim() || 'still on /login'}`
		);
	}
}

/**
 * Chooses the interface language for this browser context: the PARAGLIDE_LOCALE cookie, which
 * wins over the account's stored language, so contexts are independent of tests running in
 * parallel with the same demo user. Sign-in resets it from the account: call this after loginAs
 * to force a language.
 */
export async function setLocale(context: BrowserContext, locale: Locale) {
	await context.addCookies([{ name: 'PARAGLIDE_LOCALE', value: locale, url: relaisUrl() }]);
}

/** A new browser context signed in as `email`, in English (the cookie wins over the stored choice). */
export async function signedIn(
	browser: Browser,
	email: string
): Promise<{ ctx: BrowserContext; page: Page }> {
	const ctx = await browser.newContext({ baseURL: relaisUrl() });
	const page = await ctx.newPage();
	await loginAs(page, email);
	await setLocale(ctx, 'en');
	return { ctx, page };
}

/**
 * Waits until SvelteKit has hydrated the page (the root layout sets `data-hydrated` on <html> in
 * onMount), so clicks reach Svelte's handlers instead of the server-rendered HTML.
 */
export async function waitForHydration(page: Page) {
	await page
		.locator('html[data-hydrated]')
		.waitFor({ state: 'attached', timeout: 10_000 })
		.catch(() => {
			throw new Error(
				'The page never set <html data-hydrated>: the root +layout.svelte must set it in onMount.'
			);
		});
}

export type Email = {
	/** Text of the message as the Outbox shows it (recipient, subject, body). */
	text: string;
	/** Links found in the message, on the test server's origin. */
	links: string[];
};

/**
 * The newest e-mail to `to`, read on the admin Outbox page (/admin/outbox, newest first, each message
 * in an element with data-testid="outbox-message") from a separate admin session, so the calling
 * test's own session is untouched. Waits up to `timeout` ms for the message to appear.
 */
export async function readLatestEmail(
	browser: Browser,
	to: string,
	{ timeout = 10_000 }: { timeout?: number } = {}
): Promise<Email> {
	const context = await browser.newContext({ baseURL: relaisUrl() });
	try {
		const page = await context.newPage();
		await loginAs(page, DEMO.admin);
		const deadline = Date.now() + timeout;
		for (;;) {
			await page.goto('/admin/outbox');
			const message = page.getByTestId('outbox-message').filter({ hasText: to }).first();
			if ((await message.count()) > 0) return await readMessage(message);
			if (Date.now() > deadline)
				throw new Error(`No e-mail to ${to} in the Outbox after ${timeout} ms.`);
			await page.waitForTimeout(250);
		}
	} finally {
		await context.close();
	}
}

/** The first link in the newest e-mail to `to` whose path matches `pattern` (e.g. /\/invitation\//). */
export async function latestEmailLink(
	browser: Browser,
	to: string,
	pattern?: RegExp
): Promise<string> {
	const email = await readLatestEmail(browser, to);
	const link = email.links.find((href) => !pattern || pattern.test(new URL(href).pathname));
	if (!link)
		throw new Error(
			`The newest e-mail to ${to} has no link${pattern ? ` matching ${pattern}` : ''}:\n${email.text}`
		);
	return link;
}

async function readMessage(message: ReturnType<Page['getByTestId']>): Promise<Email> {
	const text = (await message.innerText()).trim();
	const hrefs = await message
		.locator('a[href]')
		.evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
	const inText = text.match(/https?:\/\/[^\s<>"')\]]+/g) ?? [];
	// Links point at the server's public origin; tests follow them on this run's server.
	const origin = relaisUrl();
	const links = [...new Set([...hrefs, ...inText])].map((href) => {
		const url = new URL(href);
		return new URL(url.pathname + url.search + url.hash, origin).toString();
	});
	return { text, links };
}
