import type { Locator, Page } from '@playwright/test';
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

// The pipeline board with the demo workspace's deals. Tests run in parallel on one database: each
// works on the deals of its own partner company (chosen in the filter form), so no two tests move
// the same card.

const STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation', 'won', 'lost'] as const;
type Stage = (typeof STAGES)[number];

const column = (page: Page, stage: Stage) => page.locator(`#pipeline-column-${stage}`);
const cardIn = (page: Page, stage: Stage, name: string) =>
	column(page, stage)
		.locator('li.deal')
		.filter({
			has: page.getByRole('heading', { level: 3, name, exact: true })
		});

/**
 * Opens the board filtered on one partner company, by the id its filter option carries (the filter
 * form itself is exercised by the no-JavaScript test below).
 */
async function openBoard(page: Page, partner: string) {
	await page.goto('/pipeline');
	const id = await page
		.getByLabel(/^(partner|partenaire)$/i)
		.locator('option', { hasText: partner })
		.getAttribute('value');
	await page.goto(`/pipeline?partner=${id}`);
	await waitForHydration(page);
	await expect(page.locator('li.deal').first()).toBeVisible();
}

/** The first card one may move that has an open column to its right (not won or lost). */
async function firstMovableCard(page: Page): Promise<{ card: Locator; name: string; from: Stage }> {
	for (const stage of STAGES.slice(0, 4)) {
		const card = column(page, stage)
			.locator('li.deal')
			.filter({ has: page.locator('button[id^="pipeline-handle-"]') })
			.first();
		if ((await card.count()) === 0) continue;
		const name = (await card.getByRole('heading', { level: 3 }).innerText()).trim();
		return { card, name, from: stage };
	}
	throw new Error('No movable open deal on this board.');
}

const next = (stage: Stage) => STAGES[STAGES.indexOf(stage) + 1];

for (const [locale, partner] of [
	['en', 'Groupe Vasseur Distribution'],
	['fr', 'Cuisines Pro Atlantique']
] as [Locale, string][]) {
	test(`a deal moves to the next stage with the keyboard alone and stays there (${locale})`, async ({
		page,
		context
	}) => {
		await loginAs(page, DEMO.manager);
		await setLocale(context, locale);
		await openBoard(page, partner);
		const { name, from } = await firstMovableCard(page);
		const to = next(from);

		// Keyboard only: from the filter form's button, Tab until the card's handle has focus.
		await page.getByRole('button', { name: /^(apply|appliquer)$/i }).focus();
		const handle = cardIn(page, from, name).locator('button[id^="pipeline-handle-"]');
		for (
			let i = 0;
			i < 40 && !(await handle.evaluate((el) => el === document.activeElement));
			i++
		) {
			await page.keyboard.press('Tab');
		}
		await expect(handle).toBeFocused();

		const live = page.getByTestId('pipeline-live');
		await page.keyboard.press('Space');
		await expect(live).toContainText(locale === 'en' ? `Picked up ${name}` : `${name} saisie`);
		await page.keyboard.press('ArrowRight');
		await expect(column(page, to)).toHaveClass(/target/);
		await page.keyboard.press('Space');
		await expect(cardIn(page, to, name)).toBeVisible();
		await expect(page.getByRole('status').filter({ hasText: name })).toBeVisible();
		// Focus follows the card into its new column: the keyboard user can go on.
		await expect(cardIn(page, to, name).locator('button[id^="pipeline-handle-"]')).toBeFocused();

		await page.reload();
		await expect(cardIn(page, to, name)).toBeVisible();
		await expect(cardIn(page, from, name)).toHaveCount(0);
	});
}

test('a deal moves to the next stage with a mouse drag', async ({ page, context }) => {
	await loginAs(page, DEMO.manager);
	await setLocale(context, 'en');
	await openBoard(page, 'Rhin Froid Services');
	const { card, name, from } = await firstMovableCard(page);
	const to = next(from);
	// Grab the card by its top edge (not on its controls), drop it on the next column's header.
	await card.dragTo(column(page, to), {
		sourcePosition: { x: 8, y: 6 },
		targetPosition: { x: 30, y: 20 }
	});
	await expect(cardIn(page, to, name)).toBeVisible();
	await expect(page.getByRole('status').filter({ hasText: `${name} is now in` })).toBeVisible();
	await page.reload();
	await expect(cardIn(page, to, name)).toBeVisible();
	await expect(cardIn(page, from, name)).toHaveCount(0);
});

test('a move shows on a partner’s open board at once, without reload', async ({
	page,
	context,
	browser
}) => {
	// The partner admin of Alpha watches their own pipeline, in French.
	const watcher = await browser.newContext({ baseURL: relaisUrl() });
	try {
		const other = await watcher.newPage();
		await loginAs(other, DEMO.partnerAdmin);
		await setLocale(watcher, 'fr');
		await other.goto('/pipeline');
		await waitForHydration(other);
		// Alpha's people see no partner filter choices but their own company.
		await expect(other.getByLabel('Partenaire').locator('option')).toHaveText(['Tous', 'Alpha']);

		// A manager moves one of Alpha's deals with the "Move to…" form of its card.
		await loginAs(page, DEMO.manager);
		await setLocale(context, 'en');
		await openBoard(page, 'Alpha');
		const { card, name, from } = await firstMovableCard(page);
		const to = next(from);
		await expect(cardIn(other, from, name)).toBeVisible();
		await card.getByLabel(`Move to… ${name}`).selectOption(to);
		await card.getByRole('button', { name: 'Move', exact: true }).click();
		await expect(cardIn(page, to, name)).toBeVisible();

		// The partner's board follows through the live stream, with no reload.
		await expect(cardIn(other, to, name)).toBeVisible({ timeout: 10_000 });
		await expect(cardIn(other, from, name)).toHaveCount(0);
	} finally {
		await watcher.close();
	}
});

test('a rep reads colleagues’ deals but cannot move them, and the table sorts and totals', async ({
	page,
	context
}) => {
	await loginAs(page, DEMO.rep);
	await setLocale(context, 'en');
	await page.goto('/pipeline');
	await waitForHydration(page);
	const readOnly = page
		.locator('li.deal')
		.filter({ hasText: 'Read only: you cannot move this deal.' });
	await expect(readOnly.first()).toBeVisible();
	await expect(readOnly.first().locator('button[id^="pipeline-handle-"]')).toHaveCount(0);
	await expect(readOnly.first()).not.toHaveAttribute('draggable', 'true');

	await page.getByRole('link', { name: 'Table' }).click();
	await page.waitForURL(/view=table/);
	await expect(page.getByRole('table', { name: 'Totals per stage' })).toBeVisible();
	await page.getByRole('link', { name: /^Amount/ }).click();
	await page.waitForURL(/sort=amount/);
	await expect(page.getByRole('columnheader', { name: /Amount/ }).first()).toHaveAttribute(
		'aria-sort',
		'ascending'
	);
});

test('moving a deal to lost asks why, and keeps the reason', async ({ page, context }) => {
	await loginAs(page, DEMO.manager);
	await setLocale(context, 'en');
	await openBoard(page, 'Beta');
	const { card, name } = await firstMovableCard(page);
	await card.getByLabel(`Move to… ${name}`).selectOption('lost');
	await card.getByRole('button', { name: 'Move', exact: true }).click();
	const dialog = page.getByRole('dialog', { name: 'Why was this deal lost?' });
	await expect(dialog).toBeVisible();
	await dialog.getByRole('button', { name: 'Mark as lost' }).click();
	await expect(dialog.getByText('Say why the deal was lost.')).toBeVisible();
	await dialog.getByLabel('Reason for the loss').fill('Budget cut for this year');
	await dialog.getByRole('button', { name: 'Mark as lost' }).click();
	await expect(dialog).toBeHidden();
	await expect(cardIn(page, 'lost', name)).toBeVisible();
	// The card moves at once (optimistic): reload only once the server said it saved the move —
	// a reload before would cancel the request still on its way (seen on a slow CI machine).
	await expect(
		page.getByRole('status').filter({ hasText: `${name} is now in Lost` })
	).toBeVisible();
	await page.reload();
	await expect(cardIn(page, 'lost', name)).toBeVisible();
});

test('without JavaScript, the filters and the "Move to…" form still move a deal', async ({
	browser
}) => {
	const context = await browser.newContext({ baseURL: relaisUrl(), javaScriptEnabled: false });
	try {
		const page = await context.newPage();
		await loginAs(page, DEMO.manager);
		await setLocale(context, 'en');
		await page.goto('/pipeline');
		await page.getByLabel('Partner').selectOption({ label: 'Direct team' });
		await page.getByRole('button', { name: 'Apply', exact: true }).click();
		await page.waitForURL(/partner=direct/);
		const { card, name, from } = await firstMovableCard(page);
		const to = next(from);
		await card.getByLabel(`Move to… ${name}`).selectOption(to);
		await card.getByRole('button', { name: 'Move', exact: true }).click();
		await expect(page.getByRole('status').filter({ hasText: 'The deal was moved.' })).toBeVisible();
		await page.goto('/pipeline?partner=direct');
		await expect(cardIn(page, to, name)).toBeVisible();
		await expect(cardIn(page, from, name)).toHaveCount(0);
	} finally {
		await context.close();
	}
});
