import type { APIRequestContext, Page } from '@playwright/test';
import { PDF, PNG_1X1, SVG } from '../support/file-fixtures.ts';
import { DEMO, expect, loginAs, setLocale, test, waitForHydration } from './support/fixtures.ts';

// The feed's happy path in a browser: the rep posts in Alpha's channel with a mention picked from
// the autocomplete by keyboard and a # reference; Marie Petit (Alpha) is notified, opens it and
// reacts; comment, edit, load more; French and English; a phone's width. Then bad input.

const MARIE = 'marie.petit@alpha.test';

/** Alpha's partner channel, from the channel list of /feed. */
async function alphaChannel(page: Page): Promise<string> {
	await page.goto('/feed');
	const link = page
		.getByRole('navigation', { name: /^(channels|canaux)$/i })
		.getByRole('link', { name: /^Alpha(\s|$)/ })
		.first();
	const href = await link.getAttribute('href');
	if (!href) throw new Error('No Alpha channel in the channel list.');
	return href.split('/').pop()!;
}

/** Creates posts through the JSON endpoint (setup the test does not test). */
async function createPosts(
	request: APIRequestContext,
	origin: string,
	channelId: string,
	bodies: string[]
) {
	for (const body of bodies) {
		const answer = await request.post('/api/feed/posts', {
			data: { channelId, body },
			headers: { origin }
		});
		expect(answer.status(), await answer.text()).toBe(201);
	}
}

test('a rep mentions an Alpha person who is notified and reacts; comment, edit, load more', async ({
	browser
}) => {
	test.setTimeout(90_000);
	const repContext = await browser.newContext();
	const rep = await repContext.newPage();
	await loginAs(rep, DEMO.rep);
	await setLocale(repContext, 'en');
	const channelId = await alphaChannel(rep);
	const origin = new URL(rep.url()).origin;

	await rep.goto(`/feed/${channelId}`);
	await waitForHydration(rep);
	await expect(rep.getByRole('heading', { level: 1, name: 'Alpha' })).toBeVisible();
	const marker = `e2e-${Date.now().toString(36)}`;
	const box = rep.getByLabel('Your message');
	await box.focus();
	await rep.keyboard.type(`Hello ${marker}, `);
	await rep.keyboard.type('@Mar');
	const option = rep.getByRole('option', { name: /Marie Petit/ });
	await expect(option).toBeVisible();
	// Down the list with the arrow keys until Marie Petit is the active option, then Enter.
	for (let i = 0; i < 8 && (await option.getAttribute('aria-selected')) !== 'true'; i++) {
		await rep.keyboard.press('ArrowDown');
	}
	await expect(option).toHaveAttribute('aria-selected', 'true');
	await expect(box).toHaveAttribute('aria-activedescendant', (await option.getAttribute('id'))!);
	await rep.keyboard.press('Enter');
	await expect(rep.getByText('Mentions: Marie Petit')).toBeVisible();
	await rep.keyboard.type('see #Alph');
	await expect(rep.getByRole('option', { name: /Alpha/ }).first()).toBeVisible();
	await rep.keyboard.press('Tab');
	await expect(box).toHaveValue(
		/@\[user:[0-9a-f-]{36}\] see #\[(account|partner|opportunity):[0-9a-f-]{36}\] $/
	);
	await rep.keyboard.press('Control+Enter');

	// My own post shows at once, with the names the tokens stand for.
	const post = rep.locator('article.post', { hasText: marker }).first();
	await expect(post).toBeVisible();
	await expect(post).toContainText('@Marie Petit');
	await expect(box).toHaveValue('');
	const postId = (await post.getAttribute('id'))!.replace('post-', '');

	// Marie Petit gets the notification, opens the post and reacts 🎉.
	const marieContext = await browser.newContext();
	const marie = await marieContext.newPage();
	await loginAs(marie, MARIE);
	await setLocale(marieContext, 'en');
	await marie.goto('/');
	await waitForHydration(marie);
	await marie.getByRole('button', { name: /^notifications,/i }).click();
	const notification = marie.locator(`a[href^="/feed/posts/${postId}"]`).first();
	await expect(notification).toBeVisible();
	await notification.click();
	await expect(marie).toHaveURL(new RegExp(`/feed/posts/${postId}`));
	await waitForHydration(marie);
	await expect(marie.locator('article.post')).toContainText(marker);
	await marie.getByRole('button', { name: 'React with 🎉 (0)' }).click();
	await expect(marie.getByRole('button', { name: 'React with 🎉 (1)' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);

	// The rep sees the count; Marie comments with Ctrl+Enter.
	await rep.reload();
	await expect(
		rep.locator(`#post-${postId}`).getByRole('button', { name: 'React with 🎉 (1)' })
	).toBeVisible();
	await waitForHydration(rep);
	const comment = marie.getByLabel('Write a comment');
	await comment.fill(`Thanks ${marker}`);
	await comment.press('Control+Enter');
	await expect(marie.locator('li.comment', { hasText: `Thanks ${marker}` })).toBeVisible();
	await marieContext.close();

	// The rep edits the post: Escape cancels, Ctrl+Enter saves; it carries the edited mark.
	const mine = rep.locator(`#post-${postId}`);
	await mine.getByRole('button', { name: 'Edit', exact: true }).click();
	const editor = mine.getByLabel('Edit the post');
	await editor.press('Escape');
	await expect(editor).toBeHidden();
	await mine.getByRole('button', { name: 'Edit', exact: true }).click();
	await editor.fill(`Hello ${marker} (updated)`);
	await editor.press('Control+Enter');
	await expect(mine).toContainText(`${marker} (updated)`);
	await expect(mine.getByText('(edited)')).toBeVisible();

	// Load more: enough posts for a second page, reached with the keyboard.
	await createPosts(
		rep.request,
		origin,
		channelId,
		Array.from({ length: 21 }, (_, i) => `Filler ${marker} ${i}`)
	);
	await rep.reload();
	await waitForHydration(rep);
	const before = await rep.locator('.timeline article.post').count();
	const more = rep.getByRole('button', { name: 'Load more' });
	await more.focus();
	await rep.keyboard.press('Enter');
	await expect.poll(() => rep.locator('.timeline article.post').count()).toBeGreaterThan(before);
	await expect(rep.locator('article.post:focus')).toHaveCount(1);
	await repContext.close();
});

test('the feed speaks French and English and fits a phone', async ({ page, context }) => {
	await loginAs(page, DEMO.partnerAdmin);
	await setLocale(context, 'fr');
	await page.goto('/feed');
	await expect(page.getByRole('heading', { level: 1, name: 'Fil' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Vos canaux' })).toBeVisible();
	await setLocale(context, 'en');
	await page.reload();
	await expect(page.getByRole('heading', { level: 1, name: 'Feed' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Your channels' })).toBeVisible();

	await page.setViewportSize({ width: 360, height: 740 });
	const channelId = await alphaChannel(page);
	await page.goto(`/feed/${channelId}`);
	await waitForHydration(page);
	const box = page.getByLabel('Your message');
	await box.fill('Typed on a phone');
	await expect(box).toBeInViewport();
	await expect(page.getByRole('button', { name: 'Post', exact: true })).toBeVisible();
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow, 'no horizontal scroll at 360 px').toBeLessThanOrEqual(0);
});

test('bad input gets a clear answer and nothing typed is lost', async ({ page, context }) => {
	await loginAs(page, DEMO.rep);
	await setLocale(context, 'en');
	const channelId = await alphaChannel(page);
	const origin = new URL(page.url()).origin;
	await page.goto(`/feed/${channelId}`);
	await waitForHydration(page);

	// Empty post: the message sits next to the field.
	await page.getByRole('button', { name: 'Post', exact: true }).click();
	await expect(page.locator('#composer-body-error')).toHaveText('Write something first.');
	await expect(page.getByLabel('Your message')).toHaveAttribute('aria-invalid', 'true');

	// 100 KB: refused with a clear message, the text still there.
	const long = 'x'.repeat(100 * 1024);
	const box = page.getByLabel('Your message');
	await box.fill(long);
	await page.getByRole('button', { name: 'Post', exact: true }).click();
	await expect(page.locator('#composer-body-error')).toContainText('This text is too long');
	expect((await box.inputValue()).length).toBe(long.length);
	await expect(box).toHaveAttribute('aria-invalid', 'true');

	// The draft survives a reload.
	await box.fill('A draft I keep');
	await page.reload();
	await waitForHydration(page);
	await expect(page.getByLabel('Your message')).toHaveValue('A draft I keep');

	// The JSON endpoint answers 400 / 404 with a code.
	const empty = await page.request.post('/api/feed/posts', {
		data: { channelId, body: '   ' },
		headers: { origin }
	});
	expect(empty.status()).toBe(400);
	expect((await empty.json()).code).toBe('EMPTY');
	const tooLong = await page.request.post('/api/feed/posts', {
		data: { channelId, body: long },
		headers: { origin }
	});
	expect(tooLong.status()).toBe(400);
	expect((await tooLong.json()).code).toBe('TOO_LONG');
	const unknown = '00000000-0000-4000-8000-000000000000';
	const nowhere = await page.request.post('/api/feed/posts', {
		data: { channelId: unknown, body: 'Hello' },
		headers: { origin }
	});
	expect(nowhere.status()).toBe(404);

	// An unknown channel is the 404 page.
	const response = await page.goto(`/feed/${unknown}`);
	expect(response?.status()).toBe(404);
	const post = await page.goto(`/feed/posts/${unknown}`);
	expect(post?.status()).toBe(404);
});

test('files attach from the composer: an image preview, a PDF download, a lying file refused', async ({
	page,
	context
}) => {
	await loginAs(page, DEMO.rep);
	await setLocale(context, 'en');
	const channelId = await alphaChannel(page);
	await page.goto(`/feed/${channelId}`);
	await waitForHydration(page);
	const stamp = Date.now();
	const picker = page.locator('input[type="file"]').first();
	await picker.setInputFiles([
		{ name: `vitrine-${stamp}.png`, mimeType: 'image/png', buffer: Buffer.from(PNG_1X1) },
		{ name: `tarifs-${stamp}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(PDF) },
		{ name: `logo-${stamp}.png`, mimeType: 'image/png', buffer: Buffer.from(SVG) }
	]);
	// The lying file (SVG named .png) is refused beside its name; the others finish uploading.
	const files = page.getByRole('list', { name: 'Attachments' });
	await expect(files.getByRole('alert')).toHaveCount(1);
	await expect(files.locator('progress')).toHaveCount(0);
	await page.getByRole('button', { name: `Remove logo-${stamp}.png` }).click();
	await expect(files.getByRole('alert')).toHaveCount(0);

	await page.getByLabel('Your message').fill(`Photos du salon ${stamp}`);
	await page.getByRole('button', { name: 'Post', exact: true }).click();
	const post = page.getByRole('article').filter({ hasText: `Photos du salon ${stamp}` });
	await expect(post).toBeVisible();
	const image = post.getByRole('img', { name: `vitrine-${stamp}.png` });
	await expect(image).toBeVisible();
	// Visible as soon as it is laid out; decoded (its real width) once the file has arrived.
	await expect
		.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
		.toBe(1);
	const pdf = post.getByRole('link', { name: new RegExp(`tarifs-${stamp}\\.pdf`) });
	const answer = await page.request.get((await pdf.getAttribute('href'))!);
	expect(answer.status()).toBe(200);
	expect(answer.headers()['content-disposition']).toMatch(/^attachment/);
});

test('an admin hides a post where it stands; its readers no longer see it', async ({ browser }) => {
	const repContext = await browser.newContext();
	const rep = await repContext.newPage();
	await loginAs(rep, DEMO.rep);
	await setLocale(repContext, 'en');
	const channelId = await alphaChannel(rep);
	const text = `Offre spéciale à masquer ${Date.now()}`;
	await createPosts(rep.request, new URL(rep.url()).origin, channelId, [text]);

	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await loginAs(admin, DEMO.admin);
	await setLocale(adminContext, 'en');
	await admin.goto(`/feed/${channelId}`);
	await waitForHydration(admin);
	const post = admin.getByRole('article').filter({ hasText: text });
	await post.getByRole('button', { name: 'Hide', exact: true }).click();
	await admin.getByRole('dialog').getByRole('button', { name: 'Hide', exact: true }).click();
	await expect(post.getByText('Hidden by a moderator')).toBeVisible();

	// Marie Petit (Alpha) reads the channel: the hidden post is not there.
	const marieContext = await browser.newContext();
	const marie = await marieContext.newPage();
	await loginAs(marie, MARIE);
	await marie.goto(`/feed/${channelId}`);
	await expect(marie.getByRole('article').first()).toBeVisible();
	await expect(marie.getByText(text)).toHaveCount(0);
	await Promise.all([repContext.close(), adminContext.close(), marieContext.close()]);
});
