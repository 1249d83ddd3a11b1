import type { APIRequestContext, Page } from '@playwright/test';
import { DEMO, expect, loginAs, relaisUrl, test } from './support/fixtures.ts';
import { HTML, PDF, PNG_1X1, SVG } from '../support/file-fixtures.ts';

// Attachments through the real endpoints of a production build: POST /api/feed/files refuses lying
// and oversized files with a readable JSON answer, GET /api/feed/files/<id> serves a file only to
// those who may see it, as its real type, sandboxed, PDFs as downloads.

type Upload = { status: number; body: Record<string, unknown> };

async function upload(
	request: APIRequestContext,
	name: string,
	mimeType: string,
	buffer: Buffer | Uint8Array
): Promise<Upload> {
	const response = await request.post('/api/feed/files', {
		// SvelteKit refuses a cross-site form post; the browser would send the origin itself.
		headers: { origin: relaisUrl(), accept: 'application/json' },
		multipart: { file: { name, mimeType, buffer: Buffer.from(buffer) } }
	});
	const text = await response.text();
	try {
		return { status: response.status(), body: JSON.parse(text) as Record<string, unknown> };
	} catch {
		return { status: response.status(), body: { raw: text } };
	}
}

const attachmentOf = (answer: Upload) => answer.body.attachment as { id: string; href: string };

/** The channels this person's feed page links to. */
async function channelIds(page: Page): Promise<string[]> {
	const response = await page.goto('/feed');
	expect(response?.status()).toBe(200);
	const hrefs = await page
		.locator('a[href^="/feed/"]')
		.evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
	const ids = hrefs
		.map((href) => /^\/feed\/([0-9a-f-]{36})(?:[/?#]|$)/.exec(href)?.[1])
		.filter((id): id is string => Boolean(id));
	return [...new Set(ids)];
}

test.describe('feed attachments', () => {
	test('a rep uploads a PNG and gets it back with safe headers', async ({ page }) => {
		await loginAs(page, DEMO.rep);
		const answer = await upload(page.request, 'chart.png', 'image/png', PNG_1X1);
		expect(answer.status).toBe(201);
		const attachment = answer.body.attachment as Record<string, unknown>;
		expect(attachment).toMatchObject({
			name: 'chart.png',
			mime: 'image/png',
			width: 1,
			height: 1,
			isImage: true
		});

		const response = await page.request.get(attachmentOf(answer).href);
		expect(response.status()).toBe(200);
		const headers = response.headers();
		expect(headers['content-type']).toBe('image/png');
		expect(headers['x-content-type-options']).toBe('nosniff');
		expect(headers['content-security-policy']).toBe("default-src 'none'; sandbox");
		expect(headers['cache-control']).toBe('private, max-age=3600');
		expect(headers['etag']).toMatch(/^"[0-9a-f]{64}"$/);
		expect(headers['content-disposition']).toMatch(/^inline; filename="chart.png"/);
		expect(Buffer.compare(await response.body(), Buffer.from(PNG_1X1))).toBe(0);

		const download = await page.request.get(`${attachmentOf(answer).href}?download=1`);
		expect(download.headers()['content-disposition']).toMatch(/^attachment; /);
		const cached = await page.request.get(attachmentOf(answer).href, {
			headers: { 'if-none-match': headers['etag'] }
		});
		expect(cached.status()).toBe(304);
	});

	test('lying and foreign files are refused with 415 and a message', async ({ page }) => {
		await loginAs(page, DEMO.rep);
		for (const [name, type, bytes, code] of [
			['photo.png', 'image/png', PDF, 'ATTACHMENT_MISMATCH'],
			['photo.png', 'text/html', PNG_1X1, 'ATTACHMENT_MISMATCH'],
			['invoice.pdf', 'application/pdf', HTML, 'ATTACHMENT_MISMATCH'],
			['logo.svg', 'image/svg+xml', SVG, 'ATTACHMENT_TYPE'],
			['page.html', 'text/html', HTML, 'ATTACHMENT_TYPE']
		] as const) {
			const answer = await upload(page.request, name, type, bytes);
			expect(answer.status, `${name} as ${type}`).toBe(415);
			expect(answer.body.code).toBe(code);
			expect(String(answer.body.message)).not.toBe('');
		}
	});

	test('an 11 MB file gets a readable 413, and nothing needs a sign-in bypass', async ({
		page,
		playwright
	}) => {
		await loginAs(page, DEMO.rep);
		const big = Buffer.alloc(11 * 1024 * 1024);
		Buffer.from(PNG_1X1).copy(big);
		const answer = await upload(page.request, 'huge.png', 'image/png', big);
		expect(answer.status).toBe(413);
		expect(answer.body.code).toBe('ATTACHMENT_TOO_LARGE');
		expect(String(answer.body.message)).toMatch(/10 (MB|Mo)/);

		const anonymous = await playwright.request.newContext({ baseURL: relaisUrl() });
		try {
			const refused = await upload(anonymous, 'chart.png', 'image/png', PNG_1X1);
			expect(refused.status).toBe(401);
		} finally {
			await anonymous.dispose();
		}
	});

	test('a file of a Beta post is served to Beta and the host, never to Alpha', async ({
		browser
	}) => {
		const beta = await browser.newContext({ baseURL: relaisUrl() });
		const alpha = await browser.newContext({ baseURL: relaisUrl() });
		const host = await browser.newContext({ baseURL: relaisUrl() });
		try {
			const betaPage = await beta.newPage();
			await loginAs(betaPage, DEMO.partnerMember);
			const pdf = attachmentOf(
				await upload(betaPage.request, 'Offre été.pdf', 'application/pdf', PDF)
			);
			const png = attachmentOf(await upload(betaPage.request, 'photo.png', 'image/png', PNG_1X1));

			// Post them in a channel Beta may write to (its partner channel; announcements refuse).
			let posted = false;
			for (const channelId of await channelIds(betaPage)) {
				const response = await betaPage.request.post('/api/feed/posts', {
					headers: { origin: relaisUrl() },
					data: { channelId, body: 'Our offer, attached.', attachmentIds: [pdf.id, png.id] }
				});
				if (response.status() === 201) {
					posted = true;
					break;
				}
			}
			expect(posted, 'Beta could post its files in one of its channels').toBe(true);

			const own = await betaPage.request.get(pdf.href);
			expect(own.status()).toBe(200);
			expect(own.headers()['content-type']).toBe('application/pdf');
			expect(own.headers()['content-disposition']).toBe(
				`attachment; filename="Offre ete.pdf"; filename*=UTF-8''Offre%20%C3%A9t%C3%A9.pdf`
			);

			const hostPage = await host.newPage();
			await loginAs(hostPage, DEMO.rep);
			expect((await hostPage.request.get(pdf.href)).status()).toBe(200);

			const alphaPage = await alpha.newPage();
			await loginAs(alphaPage, 'marie.petit@alpha.test');
			for (const file of [pdf, png]) {
				const response = await alphaPage.request.get(file.href);
				expect(response.status()).toBe(404);
				expect(await response.text()).not.toContain('%PDF');
			}
			// An unknown id answers exactly the same.
			const unknown = await alphaPage.request.get(
				'/api/feed/files/00000000-0000-4000-8000-000000000000'
			);
			expect(unknown.status()).toBe(404);
		} finally {
			await Promise.all([beta.close(), alpha.close(), host.close()]);
		}
	});
});
