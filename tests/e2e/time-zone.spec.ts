import {
	DEMO,
	expect,
	loginAs,
	relaisUrl,
	setLocale,
	test,
	waitForHydration
} from './support/fixtures.ts';

// Every moment is written in the reader's time zone (theirs, else the workspace's: Europe/Paris for
// the demo admin), by the server and by the browser alike, whatever zone the browser runs in: the
// page never shows the browser's own zone, and hydration finds the server's text unchanged.

/** Intl's narrow and non-breaking spaces as plain spaces. */
const plain = (text: string) => text.replace(/[\u202f\u00a0]/g, ' ').trim();
const written = (iso: string, timeZone: string) =>
	plain(
		new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
			new Date(iso)
		)
	);

test('a browser in New York shows the outbox times in Paris time, before and after hydration', async ({
	browser
}) => {
	const ctx = await browser.newContext({ baseURL: relaisUrl(), timezoneId: 'America/New_York' });
	await setLocale(ctx, 'en');
	const page = await ctx.newPage();
	const warnings: string[] = [];
	page.on('console', (message) => {
		if (/hydrat/i.test(message.text())) warnings.push(message.text());
	});
	await loginAs(page, DEMO.admin);
	await setLocale(ctx, 'en');
	expect(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)).toBe(
		'America/New_York'
	);

	// The server's HTML, before any script ran.
	const html = await (await page.request.get('/admin/outbox')).text();
	const outbox = html.slice(html.indexOf('data-testid="outbox-message"'));
	const match = /<time datetime="([^"]+)"[^>]*>([^<]+)<\/time>/.exec(outbox);
	expect(match, 'the outbox shows at least one dated message').not.toBeNull();
	const [, iso, serverText] = match!;
	expect(written(iso, 'Europe/Paris')).not.toBe(written(iso, 'America/New_York'));
	expect(plain(serverText)).toBe(written(iso, 'Europe/Paris'));

	// The hydrated page keeps it.
	await page.goto('/admin/outbox');
	await waitForHydration(page);
	const time = page.getByTestId('outbox-message').locator(`time[datetime="${iso}"]`).first();
	expect(plain(await time.innerText())).toBe(written(iso, 'Europe/Paris'));

	// Rendered by the browser alone (a client-side navigation): the same text.
	await page.goto('/admin/users');
	await waitForHydration(page);
	await page.getByRole('link', { name: 'Outbox', exact: true }).click();
	await page.waitForURL('**/admin/outbox');
	await expect(
		page.getByTestId('outbox-message').locator(`time[datetime="${iso}"]`).first()
	).toHaveText(
		new RegExp(
			written(iso, 'Europe/Paris')
				.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
				.replace(/ /g, '\\s')
		)
	);
	expect(warnings).toEqual([]);
	await ctx.close();
});
