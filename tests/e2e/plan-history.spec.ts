import type { Browser, Page } from '@playwright/test';
import {
	DEMO,
	expect,
	loginAs,
	setLocale,
	test,
	waitForHydration,
	type Locale
} from './support/fixtures.ts';

// Plan history and comments in the browser: comment on selected text with the keyboard
// (Ctrl+Alt+M) and resolve the thread; name a version, change the text, restore the version and
// see the text come back. Each test makes its own account and plan (the demo's plans are shared
// by other tests).

const TEXT = {
	en: {
		name: 'Name',
		createAccount: 'Create the account',
		createPlan: 'Create a plan',
		create: 'Create the plan',
		summary: 'Summary',
		comments: 'Comments',
		yourComment: 'Your comment',
		comment: 'Comment',
		resolve: 'Resolve',
		resolved: /^Resolved/,
		reopen: 'Reopen',
		noOpen: 'No open comments.',
		quote: 'On “tight”',
		history: 'History',
		nameVersion: 'Name the current version',
		saveVersion: 'Save version',
		restore: 'Restore this version',
		confirmRestore: 'Restore',
		restored: 'Version restored.',
		plan: 'Plan',
		before: /Before restoring/
	},
	fr: {
		name: 'Nom',
		createAccount: 'Créer le compte',
		createPlan: 'Créer un plan',
		create: 'Créer le plan',
		summary: 'Synthèse',
		comments: 'Commentaires',
		yourComment: 'Votre commentaire',
		comment: 'Commenter',
		resolve: 'Résoudre',
		resolved: /^Résolus/,
		reopen: 'Rouvrir',
		noOpen: 'Aucun commentaire ouvert.',
		quote: 'Sur « tight »',
		history: 'Historique',
		nameVersion: 'Nommer la version actuelle',
		saveVersion: 'Enregistrer la version',
		restore: 'Restaurer cette version',
		confirmRestore: 'Restaurer',
		restored: 'Version restaurée.',
		plan: 'Plan',
		before: /Avant de restaurer/
	}
} as const;

/** A page in a new browser context; the test closes it (`page.context().close()`). */
async function signedIn(browser: Browser, who: string, locale: Locale): Promise<Page> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await loginAs(page, who);
	await setLocale(context, locale);
	return page;
}

/** A new account (created by the signed-in manager) and its plan; opens the plan. */
async function newPlan(page: Page, locale: Locale): Promise<string> {
	const t = TEXT[locale];
	await page.goto('/accounts/new');
	await waitForHydration(page);
	await page.getByLabel(t.name, { exact: true }).fill(`History e2e ${locale} ${Date.now()}`);
	await page.getByRole('button', { name: t.createAccount }).click();
	await page.waitForURL(/\/accounts\/[0-9a-f-]{36}/);
	await page.getByRole('link', { name: t.createPlan }).click();
	await page.waitForURL(/\/plans\/new\?account=/);
	await waitForHydration(page);
	await page.getByRole('button', { name: t.create }).click();
	await page.waitForURL(/\/plans\/[0-9a-f-]{36}(\?created)?$/);
	await waitForHydration(page);
	// The server's copy (the template's summary) has arrived. The editor is usable before: text
	// typed into the still-empty copy is concurrent with the template's, and lands before or after
	// it instead of replacing it (Ctrl+A selected nothing yet).
	await expect(page.getByRole('textbox', { name: t.summary, exact: true })).toHaveText(/\S/);
	return new URL(page.url()).pathname;
}

/** Replaces the summary's content with `text` (typed), and waits until the server stored it. */
async function typeSummary(page: Page, locale: Locale, text: string) {
	const t = TEXT[locale];
	const summary = page.getByRole('textbox', { name: t.summary, exact: true });
	await summary.click();
	await page.keyboard.press('ControlOrMeta+a');
	await page.keyboard.type(text);
	await expect(summary).toContainText(text);
	// "Saved" only once the database holds every local edit (the editor's contract).
	await expect(page.getByTestId('save-status').first()).toHaveAttribute('data-state', 'saved', {
		timeout: 15_000
	});
}

for (const locale of ['en', 'fr'] as const) {
	test(`comments on selected text with the keyboard, then resolves it (${locale})`, async ({
		browser
	}) => {
		test.setTimeout(90_000);
		const t = TEXT[locale];
		const page = await signedIn(browser, DEMO.manager, locale);
		try {
			const path = await newPlan(page, locale);
			await typeSummary(page, locale, 'Budget is tight this year');

			// Select "tight" with the keyboard: End, then Shift+Left over " this year" and "tight".
			const summary = page.getByRole('textbox', { name: t.summary, exact: true });
			await summary.focus();
			await page.keyboard.press('End');
			for (let i = 0; i < ' this year'.length; i += 1) await page.keyboard.press('ArrowLeft');
			for (let i = 0; i < 'tight'.length; i += 1) await page.keyboard.press('Shift+ArrowLeft');
			await page.keyboard.press('Control+Alt+m');

			const panel = page.getByRole('region', { name: t.comments });
			const box = panel.getByRole('textbox', { name: t.yourComment });
			await expect(box).toBeFocused();
			await expect(panel.getByText(t.quote)).toBeVisible();
			await box.fill('Can we ask for more? ');
			// @ opens the people who may open the plan; Enter picks the first, shown as @Name.
			await page.keyboard.type('@');
			const option = panel.getByRole('option').first();
			const name = (await option.textContent())!.trim();
			await page.keyboard.press('Enter');
			await expect(box).toHaveValue(`Can we ask for more? @${name} `);
			await panel.getByRole('button', { name: t.comment, exact: true }).click();

			const thread = panel.getByRole('article');
			await expect(thread).toContainText(`Can we ask for more? @${name}`);
			// Stored as the one token (no name inside), the name resolved for the reader.
			const answer = await page.request.get(`/api${path}/comments?document=shared`);
			const { threads } = (await answer.json()) as {
				threads: { comments: { body: string; tokens: { label: string | null }[] }[] }[];
			};
			expect(threads[0].comments[0].body).toMatch(
				/^Can we ask for more\? @\[user:[0-9a-f-]{36}\]$/
			);
			expect(threads[0].comments[0].tokens[0].label).toBe(name);
			// The anchored text is highlighted in the editor.
			await expect(summary.locator('.comment-anchor')).toHaveText('tight');

			await thread.getByRole('button', { name: t.resolve }).click();
			await expect(panel.getByText(t.noOpen)).toBeVisible();
			await expect(summary.locator('.comment-anchor')).toHaveCount(0);
			await panel.getByRole('button', { name: t.resolved }).click();
			await expect(panel.getByRole('article')).toContainText('Can we ask for more?');
			await expect(panel.getByRole('button', { name: t.reopen })).toBeVisible();
		} finally {
			await page.context().close();
		}
	});

	test(`restores a named version and the text comes back (${locale})`, async ({ browser }) => {
		test.setTimeout(90_000);
		const t = TEXT[locale];
		const page = await signedIn(browser, DEMO.manager, locale);
		try {
			await newPlan(page, locale);
			await typeSummary(page, locale, 'The original wording');

			const tabs = page.getByRole('tablist');
			await tabs.getByRole('tab', { name: t.history }).click();
			const history = page.getByRole('region', { name: t.history, exact: true });
			await history.getByLabel(t.nameVersion).fill('Kick-off');
			await history.getByRole('button', { name: t.saveVersion }).click();
			const named = history.getByRole('listitem').filter({ hasText: 'Kick-off' });
			await expect(named).toBeVisible();

			await tabs.getByRole('tab', { name: t.plan, exact: true }).click();
			await typeSummary(page, locale, 'A rewrite nobody wanted');

			await tabs.getByRole('tab', { name: t.history }).click();
			await named.getByRole('button', { name: t.restore }).click();
			await page
				.getByRole('dialog')
				.getByRole('button', { name: t.confirmRestore, exact: true })
				.click();
			await expect(history.getByText(t.restored)).toBeVisible();
			// Nothing is lost: the text before the restore is a version too.
			await expect(history.getByRole('listitem').filter({ hasText: t.before })).toBeVisible();

			await tabs.getByRole('tab', { name: t.plan, exact: true }).click();
			const summary = page.getByRole('textbox', { name: t.summary, exact: true });
			await expect(summary).toContainText('The original wording', { timeout: 15_000 });
			await expect(summary).not.toContainText('nobody wanted');
		} finally {
			await page.context().close();
		}
	});
}
