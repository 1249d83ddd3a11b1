import {
	DEMO,
	DEMO_PASSWORD,
	expect,
	loginAs,
	setLocale,
	test,
	waitForHydration
} from './support/fixtures.ts';

test('signing in and using the app shell works with the keyboard alone', async ({
	page,
	context
}) => {
	await setLocale(context, 'en');
	await page.goto('/login');
	await waitForHydration(page);

	// The login form: Tab between fields, Enter submits.
	await page.getByLabel('E-mail').focus();
	await page.keyboard.type(DEMO.rep);
	await page.keyboard.press('Tab');
	await expect(page.getByLabel('Password')).toBeFocused();
	await page.keyboard.type(DEMO_PASSWORD);
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^(Welcome|Bienvenue)/);
	await setLocale(context, 'en');
	await page.reload();
	await waitForHydration(page);

	// The first Tab reaches the skip link, which moves focus to the content.
	await page.keyboard.press('Tab');
	const skip = page.getByRole('link', { name: 'Skip to content' });
	await expect(skip).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page.locator('main#main')).toBeFocused();

	// The notifications menu opens with Enter and closes with Escape, giving focus back.
	const bell = page.getByRole('button', { name: /^Notifications,/ });
	await bell.focus();
	await page.keyboard.press('Enter');
	await expect(bell).toHaveAttribute('aria-expanded', 'true');
	await page.keyboard.press('Escape');
	await expect(bell).toHaveAttribute('aria-expanded', 'false');
	await expect(bell).toBeFocused();

	// The account menu opens with Enter; its links are reachable with Tab.
	const account = page.getByLabel(/account menu for/i);
	await account.focus();
	await page.keyboard.press('Enter');
	await page.keyboard.press('Tab');
	await expect(page.getByRole('link', { name: 'My account' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/\/account$/);
});

test('at 360 px the navigation folds into a menu button', async ({ page, context }) => {
	await page.setViewportSize({ width: 360, height: 740 });
	await setLocale(context, 'en');
	await loginAs(page, DEMO.manager);
	await setLocale(context, 'en');
	await page.reload();
	await waitForHydration(page);
	const nav = page.getByRole('navigation', { name: 'Main navigation' });
	await expect(nav).toBeHidden();
	await page.getByRole('button', { name: 'Open the menu' }).click();
	await expect(nav).toBeVisible();
	await nav.getByRole('link', { name: 'Notifications' }).click();
	await expect(page).toHaveURL(/\/notifications$/);
	await expect(nav).toBeHidden();
	// Nothing is wider than the screen.
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - window.innerWidth
	);
	expect(overflow).toBeLessThanOrEqual(0);
});
