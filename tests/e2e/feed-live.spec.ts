import type { Page } from '@playwright/test';
import { DEMO, expect, loginAs, setLocale, test, waitForHydration } from './support/fixtures.ts';

// Two people on Alpha's channel in two browser contexts: a post by one raises the "1 new post"
// bar for the other without a reload (the page does not jump), and a reaction updates the count
// on the other screen live.

async function openAlphaChannel(page: Page): Promise<string> {
	await page.goto('/feed');
	const href = await page
		.getByRole('navigation', { name: /^(channels|canaux)$/i })
		.getByRole('link', { name: /^Alpha(\s|$)/ })
		.first()
		.getAttribute('href');
	if (!href) throw new Error('No Alpha channel in the channel list.');
	await page.goto(href);
	await waitForHydration(page);
	// The live stream is open before anything happens.
	await expect(page.locator('.timeline[data-live="true"]')).toBeAttached({ timeout: 15_000 });
	return href.split('/').pop()!;
}

test('a post and a reaction reach the other person’s open channel without reload', async ({
	browser
}) => {
	test.setTimeout(60_000);
	const repContext = await browser.newContext();
	const rep = await repContext.newPage();
	await loginAs(rep, DEMO.rep);
	await setLocale(repContext, 'en');
	const marieContext = await browser.newContext();
	const marie = await marieContext.newPage();
	await loginAs(marie, 'marie.petit@alpha.test');
	await setLocale(marieContext, 'en');

	const channelId = await openAlphaChannel(rep);
	await openAlphaChannel(marie);

	const marker = `live-${Date.now().toString(36)}`;
	const answer = await rep.request.post('/api/feed/posts', {
		data: { channelId, body: `Live ${marker}` },
		headers: { origin: new URL(rep.url()).origin }
	});
	expect(answer.status()).toBe(201);
	const { id } = (await answer.json()) as { id: string };

	// Marie: the bar, not the post, until she asks for it (generous wait: 2 loaded cores).
	const bar = marie.getByRole('button', { name: '1 new post' });
	await expect(bar).toBeVisible({ timeout: 15_000 });
	await expect(marie.locator(`#post-${id}`)).toHaveCount(0);
	await bar.click();
	const post = marie.locator(`#post-${id}`);
	await expect(post).toContainText(marker);
	await expect(post).toBeFocused();
	await expect(bar).toBeHidden();

	// The rep's own post (from another tab: the API) shows on the rep's page at once.
	await expect(rep.locator(`#post-${id}`)).toBeVisible({ timeout: 15_000 });

	// Marie reacts 👍: the rep's count follows live.
	await post.getByRole('button', { name: 'React with 👍 (0)' }).click();
	await expect(post.getByRole('button', { name: 'React with 👍 (1)' })).toBeVisible();
	await expect(
		rep.locator(`#post-${id}`).getByRole('button', { name: 'React with 👍 (1)' })
	).toBeVisible({ timeout: 15_000 });

	await marieContext.close();
	await repContext.close();
});
