import { DEMO, expect, loginAs, setLocale, test } from './support/fixtures.ts';

// The plan blocks of the home page, on the demo workspace's plans: a rep's own actions and the
// plans they let go stale, a manager's overdue actions, a partner person's actions from their own
// company's plans only, and the blocks at 360 px.

test('a rep sees their plan actions, soonest first, and their stale plan to review', async ({
	page,
	context
}) => {
	await loginAs(page, DEMO.rep);
	await setLocale(context, 'en');
	await page.goto('/');
	const mine = page.getByRole('region', { name: 'My plan actions' });
	const items = mine.getByRole('listitem');
	await expect(items.first()).toBeVisible();
	expect(await items.count()).toBeGreaterThanOrEqual(3);
	// Overdue actions come first, marked as such.
	await expect(items.first().getByText('Overdue', { exact: true })).toBeVisible();
	await expect(mine.getByRole('link', { name: 'All plans' })).toHaveAttribute('href', '/plans');

	const review = page.getByRole('region', { name: 'Plans to review' });
	await expect(
		review.getByRole('link', { name: 'Plan de compte — Boulangeries Maison Delorme' })
	).toBeVisible();
	// A rep oversees no one else's actions.
	await expect(page.getByRole('region', { name: 'Overdue actions' })).toHaveCount(0);

	// The action's link opens its plan.
	const link = items.first().getByRole('link').first();
	await expect(link).toHaveAttribute('href', /^\/plans\/[0-9a-f-]{36}#action-/);
});

test('a manager sees, in French, the overdue actions of the plans of their regions', async ({
	page,
	context
}) => {
	await loginAs(page, DEMO.manager);
	await setLocale(context, 'fr');
	await page.goto('/');
	const overdue = page.getByRole('region', { name: 'Actions en retard' });
	await expect(overdue.getByRole('listitem').first()).toBeVisible();
	await expect(overdue.getByText('En retard', { exact: true }).first()).toBeVisible();
	await expect(overdue.getByText(/^Confiée à /).first()).toBeVisible();
	const review = page.getByRole('region', { name: 'Plans à revoir' });
	await expect(
		review.getByRole('link', { name: 'Plan de compte — Boulangeries Maison Delorme' })
	).toBeVisible();
	// Not their region: the Rhône-Alpes partner's stale plan belongs to another manager.
	await expect(review.getByRole('link', { name: 'Plan partenaire — Beta' })).toHaveCount(0);
});

test('a partner person sees actions from their own company’s plans only', async ({
	page,
	context
}) => {
	await loginAs(page, DEMO.partnerMember);
	await setLocale(context, 'en');
	await page.goto('/');
	const mine = page.getByRole('region', { name: 'My plan actions' });
	await expect(mine.getByRole('listitem').first()).toBeVisible();
	const text = await mine.innerText();
	expect(text).toContain('Plan partenaire — Beta');
	expect(text).not.toContain('Alpha');
	await expect(page.getByRole('region', { name: 'Overdue actions' })).toHaveCount(0);
	await expect(page.getByRole('region', { name: 'Plans to review' })).toHaveCount(0);
	await expect(page.getByRole('link', { name: 'Plans', exact: true })).toHaveAttribute(
		'href',
		'/plans'
	);
});

test('the plan blocks fit a 360 px screen', async ({ page, context }) => {
	await page.setViewportSize({ width: 360, height: 740 });
	await loginAs(page, DEMO.admin);
	await setLocale(context, 'fr');
	await page.goto('/');
	await expect(page.getByRole('region', { name: 'Actions en retard' })).toBeVisible();
	await expect(page.getByRole('region', { name: 'Plans à revoir' })).toBeVisible();
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow).toBeLessThanOrEqual(0);
});
