import type { Browser, BrowserContext, Locator, Page, WebSocketRoute } from '@playwright/test';
import * as encoding from 'lib0/encoding';
import {
	DEMO,
	expect,
	loginAs,
	relaisUrl,
	setLocale,
	test,
	waitForHydration,
	type Locale
} from './support/fixtures';

// The plan editor in the browser: two people typing into the same plan see each other's text and
// caret; one goes offline, keeps typing, comes back, and both copies converge; "saved" appears, and
// a fresh browser then gets every word from the database.

const TEXT = {
	en: {
		newAccount: 'New account',
		name: 'Name',
		createAccount: 'Create the account',
		createPlan: /^create a plan$/i,
		createThePlan: /^create the plan$/i,
		saved: 'Saved',
		offline: 'Offline — changes kept on this device',
		addGoal: 'Add a goal',
		goal: 'Goal',
		addSection: 'Add a section',
		sectionTitle: 'Section title',
		confirmRemove: 'Remove the section',
		budget: 'Connection stopped — reload the page',
		budgetText: /reload the page to carry on/
	},
	fr: {
		newAccount: 'Nouveau compte',
		name: 'Nom',
		createAccount: 'Créer le compte',
		createPlan: /^créer un plan$/i,
		createThePlan: /^créer le plan$/i,
		saved: 'Enregistré',
		offline: 'Hors ligne — modifications conservées sur cet appareil',
		addGoal: 'Ajouter un objectif',
		goal: 'Objectif',
		addSection: 'Ajouter une section',
		sectionTitle: 'Titre de la section',
		confirmRemove: 'Retirer la section',
		budget: 'Connexion interrompue — rechargez la page',
		budgetText: /rechargez la page pour continuer/
	}
} as const;

// The store waits ~2 s after the last change (at most 10 s), then the search index is updated.
const SAVE_TIMEOUT = 20_000;

/** A rep creates an account and its plan (through the account page); returns the plan's path. */
async function newPlan(page: Page, locale: Locale): Promise<string> {
	const t = TEXT[locale];
	await page.goto('/accounts');
	await waitForHydration(page);
	await page.getByRole('link', { name: t.newAccount }).click();
	const stamp = `${locale}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
	await page.getByLabel(t.name, { exact: true }).fill(`Plan test ${stamp}`);
	await page.getByRole('button', { name: t.createAccount }).click();
	await page.waitForURL(/\/accounts\/[0-9a-f-]{36}/);
	await page.getByRole('link', { name: t.createPlan }).click();
	await page.waitForURL(/\/plans\/new\?account=/);
	await page.getByRole('button', { name: t.createThePlan }).click();
	await page.waitForURL(/\/plans\/[0-9a-f-]{36}/);
	return new URL(page.url()).pathname;
}

async function signedIn(
	browser: Browser,
	email: string,
	locale: Locale,
	viewport = { width: 1280, height: 900 }
): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ baseURL: relaisUrl(), viewport });
	const page = await context.newPage();
	await loginAs(page, email);
	await setLocale(context, locale);
	return { context, page };
}

/**
 * Opens a plan and waits for the server's copy (a new plan's template: summary text, sections).
 * The editor is usable before it arrives; a row added to the still-empty copy is concurrent with
 * the template's rows, and Yjs may then order it before them.
 */
async function openPlan(page: Page, path: string): Promise<void> {
	await page.goto(path);
	await waitForHydration(page);
	await expect(summary(page)).toHaveText(/\S/);
}

const summary = (page: Page) => page.locator('[data-field="summary"]');
const status = (page: Page) => page.getByTestId('save-status').first();

/** Puts the caret at the end of the summary (waiting for focus, or the first keys are lost). */
async function typeAtEnd(page: Page, editor: Locator, text: string): Promise<void> {
	await editor.click();
	await expect(editor).toBeFocused();
	await page.keyboard.press('Control+End');
	await page.keyboard.press('Enter');
	await page.keyboard.type(text, { delay: 15 });
}

/** The summary's text without the other people's caret labels. */
function plainText(page: Page): Promise<string | null> {
	return summary(page).evaluate((element) => {
		const copy = element.cloneNode(true) as HTMLElement;
		copy.querySelectorAll('.collaboration-carets__caret').forEach((caret) => caret.remove());
		return copy.textContent;
	});
}

/** Records every save state the page shows from now on (to see "saving" before "saved"). */
async function recordStates(page: Page): Promise<() => Promise<string[]>> {
	await page.evaluate(() => {
		const element = document.querySelector('[data-testid="save-status"]')!;
		const states: string[] = [element.getAttribute('data-state') ?? ''];
		(window as unknown as { __states: string[] }).__states = states;
		new MutationObserver(() => states.push(element.getAttribute('data-state') ?? '')).observe(
			element,
			{ attributes: true, attributeFilter: ['data-state'] }
		);
	});
	return () => page.evaluate(() => (window as unknown as { __states: string[] }).__states);
}

async function myName(page: Page): Promise<string> {
	return (await page.locator('.user-menu .who').innerText()).trim();
}

test('the editor takes no keys before the server copy of the plan arrives', async ({ browser }) => {
	test.setTimeout(90_000);
	const creator = await signedIn(browser, DEMO.rep, 'en');
	// A second browser: no copy of this plan on the device, so only the server's copy can fill it.
	const reader = await signedIn(browser, DEMO.rep, 'en');
	try {
		const path = await newPlan(creator.page, 'en');
		let release: () => void = () => {};
		const arrived = new Promise<void>((resolve) => (release = resolve));
		await reader.page.routeWebSocket(/\/collab$/, (ws) => {
			// The page's messages go through; the server's answers wait until released.
			const server = ws.connectToServer();
			server.onMessage((message) => void arrived.then(() => ws.send(message)));
		});
		await reader.page.goto(path);
		await waitForHydration(reader.page);
		const editor = summary(reader.page);
		await expect(editor).toHaveAttribute('aria-readonly', 'true');
		await editor.click();
		await reader.page.keyboard.type('too early', { delay: 15 });

		release();
		await expect(editor).toHaveText(/\S/);
		await expect(editor).toHaveAttribute('aria-readonly', 'false');
		await expect(editor).not.toContainText('too early');
		await typeAtEnd(reader.page, editor, 'In time');
		await expect(editor).toContainText('In time');
	} finally {
		await creator.context.close();
		await reader.context.close();
	}
});

for (const locale of ['en', 'fr'] as const) {
	const t = TEXT[locale];

	test(`two people edit one plan live, offline and back (${locale})`, async ({ browser }) => {
		test.setTimeout(180_000);
		const rep = await signedIn(browser, DEMO.rep, locale);
		const admin = await signedIn(browser, DEMO.admin, locale);
		try {
			const path = await newPlan(rep.page, locale);
			await openPlan(rep.page, path);
			await openPlan(admin.page, path);
			const repName = await myName(rep.page);

			// Presence: the admin sees the rep among who is here.
			await expect(admin.page.getByTestId('presence')).toContainText(repName);

			// Live text both ways, and the rep's caret (with the name) in the admin's editor.
			const stamp = Date.now().toString(36);
			const fromRep = `Rep writes ${stamp}`;
			const fromAdmin = `Admin writes ${stamp}`;
			const states = await recordStates(rep.page);
			await typeAtEnd(rep.page, summary(rep.page), fromRep);
			await expect(summary(admin.page)).toContainText(fromRep);
			await expect(
				admin.page.locator('.collaboration-carets__label', { hasText: repName })
			).toBeVisible();
			await typeAtEnd(admin.page, summary(admin.page), fromAdmin);
			await expect(summary(rep.page)).toContainText(fromAdmin);

			// "Saved" only once the server says it stored everything this copy holds.
			await expect(status(rep.page)).toHaveText(t.saved, { timeout: SAVE_TIMEOUT });
			// The edit was "saving…" (announced as such) before the server confirmed it.
			const seen = await states();
			expect(seen.indexOf('saving')).toBeGreaterThanOrEqual(0);
			expect(seen.lastIndexOf('saved')).toBeGreaterThan(seen.indexOf('saving'));

			// The rep goes offline and keeps typing; the admin types too.
			await rep.context.setOffline(true);
			await expect(status(rep.page)).toHaveText(t.offline);
			const offlineText = `Offline words ${stamp}`;
			const meanwhile = `Meanwhile ${stamp}`;
			await typeAtEnd(rep.page, summary(rep.page), offlineText);
			await typeAtEnd(admin.page, summary(admin.page), meanwhile);
			await expect(summary(rep.page)).toContainText(offlineText);
			await expect(summary(admin.page)).not.toContainText(offlineText);
			await expect(status(rep.page)).toHaveText(t.offline);

			// Back online: both copies converge, and the rep's copy is saved again.
			await rep.context.setOffline(false);
			await expect(summary(admin.page)).toContainText(offlineText, { timeout: 15_000 });
			await expect(summary(rep.page)).toContainText(meanwhile, { timeout: 15_000 });
			await expect
				.poll(async () => (await plainText(rep.page)) === (await plainText(admin.page)))
				.toBe(true);
			await expect(status(rep.page)).toHaveText(t.saved, { timeout: SAVE_TIMEOUT });
			await expect(status(admin.page)).toHaveText(t.saved, { timeout: SAVE_TIMEOUT });

			// Everyone leaves (the server stores and unloads the document); a fresh browser, with
			// nothing in its IndexedDB, gets every word from the database.
			await rep.context.close();
			await admin.context.close();
			const fresh = await signedIn(browser, DEMO.admin, locale);
			try {
				await openPlan(fresh.page, path);
				for (const words of [fromRep, fromAdmin, offlineText, meanwhile]) {
					await expect(summary(fresh.page)).toContainText(words);
				}
			} finally {
				await fresh.context.close();
			}
		} finally {
			await rep.context.close();
			await admin.context.close();
		}
	});
}

test('on a 360 px phone, a goal and a section are edited, and a removed section comes back with Ctrl+Z', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const t = TEXT.fr;
	const rep = await signedIn(browser, DEMO.rep, 'fr', { width: 360, height: 740 });
	try {
		const path = await newPlan(rep.page, 'fr');
		await openPlan(rep.page, path);
		const page = rep.page;
		const overflow = await page.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth
		);
		expect(overflow).toBeLessThanOrEqual(0);

		// A goal: the new row's first field gets the focus; the value is written on change.
		await page.getByRole('button', { name: t.addGoal }).click();
		const goals = page.getByRole('region', { name: 'Objectifs' });
		const title = goals.getByLabel(t.goal, { exact: true }).last();
		await expect(title).toBeFocused();
		await title.fill('Doubler le parc installé');
		await title.press('Tab');

		// A free section, removed after confirmation, then brought back with Ctrl+Z.
		await page.getByRole('button', { name: t.addSection }).click();
		const sectionTitle = page.getByLabel(t.sectionTitle).last();
		await expect(sectionTitle).toBeFocused();
		await sectionTitle.fill('Plan de formation');
		await sectionTitle.press('Tab');
		const removeIt = page.getByRole('button', { name: /^retirer la section plan de formation$/i });
		await removeIt.click();
		const dialog = page.getByRole('dialog');
		await dialog.getByRole('button', { name: t.confirmRemove }).click();
		await expect(removeIt).toHaveCount(0);
		// The focus is back on "Add a section", outside any text field: Ctrl+Z is the plan's undo.
		await expect(page.getByRole('button', { name: t.addSection })).toBeFocused();
		await page.keyboard.press('Control+z');
		// Only the removal is undone, not the edits made just before it (each is its own step).
		await expect(removeIt).toHaveCount(1);
		await expect(page.getByLabel(t.sectionTitle).last()).toHaveValue('Plan de formation');
		await expect(title).toHaveValue('Doubler le parc installé');

		// Everything reaches the server: a reload (new page, same device) shows it.
		await expect(status(page)).toHaveText(t.saved, { timeout: SAVE_TIMEOUT });
		await page.reload();
		await waitForHydration(page);
		await expect(goals.getByLabel(t.goal, { exact: true }).last()).toHaveValue(
			'Doubler le parc installé'
		);
		await expect(page.getByLabel(t.sectionTitle).last()).toHaveValue('Plan de formation');
	} finally {
		await rep.context.close();
	}
});

/** A sync step 1 with an empty state vector ("send me the whole document"), Hocuspocus-framed. */
function emptySyncStep1(documentName: string): Buffer {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, documentName);
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint8Array(encoder, new Uint8Array([0]));
	return Buffer.from(encoding.toUint8Array(encoder));
}

test('a page whose connection spent its budget (4429) stops reconnecting and says so', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const t = TEXT.fr;
	const rep = await signedIn(browser, DEMO.rep, 'fr');
	try {
		const path = await newPlan(rep.page, 'fr');
		const page = rep.page;
		let sockets = 0;
		let server: WebSocketRoute | null = null;
		await page.routeWebSocket(/\/collab$/, (ws) => {
			sockets += 1;
			// Everything passes both ways, closes included.
			server = ws.connectToServer();
		});
		await openPlan(page, path);
		// Authenticated and synced: the editor takes keys.
		await expect(summary(page)).toHaveAttribute('aria-readonly', 'false');
		expect(sockets).toBe(1);

		// Flood the real server on the page's socket, as a hostile script in the page would: it
		// closes the socket with 4429, which reaches the page.
		const name = `plan.${path.split('/').at(-1)}`;
		for (let i = 0; i < 400; i += 1) server!.send(emptySyncStep1(name));
		await expect(status(page)).toHaveText(t.budget);
		await expect(page.getByText(t.budgetText)).toBeVisible();
		await expect(summary(page)).toHaveAttribute('aria-readonly', 'true');
		// The provider would retry after 1 s; the page stopped it.
		await page.waitForTimeout(3_000);
		expect(sockets).toBe(1);
	} finally {
		await rep.context.close();
	}
});
