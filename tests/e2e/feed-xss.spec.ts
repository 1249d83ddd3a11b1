import { XSS_CORPUS } from '../support/xss-corpus.ts';
import { DEMO, expect, loginAs, test, waitForHydration } from './support/fixtures.ts';

// The stored-XSS corpus posted through POST /api/feed/posts renders inert: no dialog ever opens,
// and the rendered posts hold no script, no event handler attribute and no javascript:/data:
// link.

test('the XSS corpus posted to a channel renders inert', async ({ page }) => {
	test.setTimeout(90_000);
	const dialogs: string[] = [];
	page.on('dialog', (dialog) => {
		dialogs.push(dialog.message());
		void dialog.dismiss();
	});
	await loginAs(page, DEMO.manager);
	// An internal channel of its own keeps the corpus out of the demo's partner channels.
	await page.goto('/feed/channels/new');
	await page.getByLabel(/^(name|nom)$/i).fill(`XSS ${Date.now().toString(36)}`);
	await page.getByRole('button', { name: /create the channel|créer le canal/i }).click();
	await page.waitForURL(/\/feed\/[0-9a-f-]{36}$/);
	const channelId = new URL(page.url()).pathname.split('/').pop()!;
	const origin = new URL(page.url()).origin;

	for (const item of XSS_CORPUS) {
		const answer = await page.request.post('/api/feed/posts', {
			data: { channelId, body: item.body },
			headers: { origin }
		});
		// Some payloads are refused as input (too long for the post limit); none may crash.
		expect([201, 400], `${item.name}: ${await answer.text()}`).toContain(answer.status());
	}
	await page.goto(`/feed/${channelId}`);
	await waitForHydration(page);
	// Every page of the channel, so each post is rendered.
	const more = page.getByRole('button', { name: /load more|afficher plus/i });
	while (await more.isVisible()) {
		const count = await page.locator('article.post').count();
		await more.click();
		await expect.poll(() => page.locator('article.post').count()).toBeGreaterThan(count);
	}
	await expect(page.locator('article.post').first()).toBeVisible();

	const found = await page.locator('article.post').evaluateAll((posts) => {
		const bad: string[] = [];
		for (const post of posts) {
			for (const el of post.querySelectorAll('*')) {
				const tag = el.tagName.toLowerCase();
				if (['script', 'iframe', 'object', 'embed', 'svg', 'style'].includes(tag)) {
					if (tag !== 'svg' || el.closest('.reactions') === null) bad.push(`<${tag}>`);
				}
				for (const attr of el.getAttributeNames()) {
					if (attr.startsWith('on')) bad.push(`${tag}[${attr}]`);
				}
				for (const attr of ['href', 'src', 'action', 'formaction', 'xlink:href']) {
					const value = (el.getAttribute(attr) ?? '').trim().toLowerCase();
					if (/^(javascript|vbscript|data):/.test(value)) bad.push(`${tag}[${attr}=${value}]`);
				}
			}
		}
		return bad;
	});
	expect(found, 'stray elements or attributes in the rendered posts').toEqual([]);
	// Give any delayed payload (img onerror, autofocus) a chance to fire, without a fixed sleep:
	// a round trip to the server and a repaint.
	await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
	await page.request.get('/api/feed/timeline');
	expect(dialogs, 'dialogs opened by the corpus').toEqual([]);
});
