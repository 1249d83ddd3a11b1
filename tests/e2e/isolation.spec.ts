import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { DEMO, expect, loginAs, test } from './support/fixtures.ts';

// A partner person of Alpha must not reach anything of Beta's through any page, action, export or
// search. The ids are Beta's real records from the demo workspace, read as an admin.

/** Every page route that takes an id, from src/routes (a new one must be added below). */
function idRoutes(): string[] {
	const found: string[] = [];
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path);
			else if (entry.name === '+page.svelte' && path.includes('[id=id]')) {
				found.push(
					'/' +
						relative('src/routes', join(path, '..'))
							.split(sep)
							.filter((part) => !part.startsWith('('))
							.join('/')
				);
			}
		}
	};
	walk('src/routes');
	return found.sort();
}

async function hrefs(page: Page, url: string, prefix: string): Promise<string[]> {
	const response = await page.goto(url);
	// A page that failed under load must say so here, not pass as "Beta has no records".
	expect(response?.status(), `${url} answered`).toBe(200);
	await expect(page).toHaveURL(new RegExp(url.split('?')[0].replace(/\//g, '\\/')));
	const all = await page
		.locator(`a[href^="${prefix}"]`)
		.evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
	return [...new Set(all.filter((h) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(h)))];
}

test('a partner of Alpha reaches none of Beta’s records, by any id route, export or search', async ({
	browser
}) => {
	test.setTimeout(150_000);
	const adminContext = await browser.newContext();
	const admin = await adminContext.newPage();
	await loginAs(admin, DEMO.admin);

	// Beta's organisation, one of its people, accounts, contacts, deals and registrations.
	await admin.goto('/admin/organisations');
	const betaLink = admin.getByRole('link', { name: 'Beta', exact: true });
	const betaId = (await betaLink.getAttribute('href'))!.split('/').pop()!;
	const betaUsers = await hrefs(admin, `/admin/organisations/${betaId}`, '/admin/users/');
	const betaAccounts = await hrefs(admin, `/accounts?partner=${betaId}`, '/accounts/');
	const betaDeals = [
		...new Set([
			...(await hrefs(admin, `/pipeline?view=table&partner=${betaId}`, '/opportunities/')),
			...(await hrefs(admin, `/partners/${betaId}`, '/opportunities/'))
		])
	];
	const betaRegistrations = await hrefs(
		admin,
		`/registrations?partner=${betaId}`,
		'/registrations/'
	);
	// The account Alpha and Beta both serve is Alpha's too: leave it out of what must be refused.
	const alphaAccounts = new Set(
		await hrefs(admin, `/accounts?partner=${await alphaId(admin)}`, '/accounts/')
	);
	const betaOnlyAccounts = betaAccounts.filter((a) => !alphaAccounts.has(a));
	const betaContacts: string[] = [];
	for (const account of betaOnlyAccounts.slice(0, 3)) {
		betaContacts.push(...(await hrefs(admin, account, '/contacts/')));
	}
	// Beta's partner plan (the demo workspace has one per partner): its page and its settings.
	const betaPlans = (await hrefs(admin, `/partners/${betaId}`, '/plans/')).filter((h) =>
		/^\/plans\/[0-9a-f-]{36}$/.test(h)
	);
	const accountName =
		(await admin.goto(betaOnlyAccounts[0]), await admin.locator('h1').innerText());
	// The feed: Beta's partner channel and its posts' permalinks.
	await admin.goto('/feed');
	const betaChannel = await admin
		.getByRole('navigation', { name: /^(channels|canaux)$/i })
		.getByRole('link', { name: /^Beta(\s|$)/ })
		.first()
		.getAttribute('href');
	expect(betaChannel, 'Beta has a feed channel').toMatch(/^\/feed\/[0-9a-f-]{36}$/);
	// The posts of the channel's timeline only (the notifications menu links elsewhere).
	expect((await admin.goto(betaChannel!))?.status()).toBe(200);
	const betaPosts = (
		await admin
			.locator('main .timeline article.post')
			.evaluateAll((posts) => posts.map((p) => p.id.replace('post-', '')))
	).map((id) => `/feed/posts/${id}`);
	await adminContext.close();
	const betaFeed = await betaAnnouncementComment(browser);

	const targets: Record<string, string[]> = {
		'/partners/[id=id]': [`/partners/${betaId}`],
		'/admin/organisations/[id=id]': [`/admin/organisations/${betaId}`],
		'/admin/users/[id=id]': betaUsers.slice(0, 2),
		'/accounts/[id=id]': betaOnlyAccounts,
		'/contacts/[id=id]': betaContacts.slice(0, 3),
		'/opportunities/[id=id]': betaDeals.slice(0, 5),
		'/registrations/[id=id]': betaRegistrations.slice(0, 3),
		// An import belongs to the person who started it: a random id stands for another's.
		'/imports/[id=id]': ['/imports/00000000-0000-4000-8000-000000000000'],
		'/plans/[id=id]': betaPlans,
		'/plans/[id=id]/settings': betaPlans.map((plan) => `${plan}/settings`),
		'/feed/[id=id]': [betaChannel!],
		'/feed/[id=id]/settings': [`${betaChannel}/settings`],
		'/feed/posts/[id=id]': betaPosts.slice(0, 3)
	};
	// Every id route of the app is covered by this test.
	expect(Object.keys(targets).sort()).toEqual(idRoutes());
	for (const [route, urls] of Object.entries(targets)) {
		expect(urls.length, `Beta has records behind ${route}`).toBeGreaterThan(0);
	}

	for (const who of [DEMO.partnerAdmin, 'marie.petit@alpha.test']) {
		const context = await browser.newContext();
		const page = await context.newPage();
		await loginAs(page, who);
		for (const [route, urls] of Object.entries(targets)) {
			for (const url of urls) {
				const response = await page.goto(url);
				expect([403, 404], `${who} on ${route} (${url})`).toContain(response?.status());
			}
		}
		// Actions posted to Beta's records are refused too (never a change, never a 500).
		const post = await page.request.post(`${betaOnlyAccounts[0]}?/delete`, {
			form: { version: '1' },
			headers: { origin: new URL(page.url()).origin, accept: 'application/json' }
		});
		expect([403, 404], `${who} deleting a Beta account`).toContain(post.status());
		for (const action of ['review', 'publish', 'unpublish']) {
			const answer = await page.request.post(`${betaPlans[0]}?/${action}`, {
				form: {},
				headers: { origin: new URL(page.url()).origin, accept: 'application/json' }
			});
			expect([403, 404], `${who} posting ${action} to Beta's plan`).toContain(answer.status());
		}
		// Plan history and comments endpoints: nothing of Beta's plan, nor of its internal notes.
		for (const api of [
			'versions',
			'comments',
			'versions?document=internal',
			'comments?document=internal'
		]) {
			const answer = await page.request.get(`/api${betaPlans[0]}/${api}`);
			expect([403, 404], `${who} reading ${api} of Beta's plan`).toContain(answer.status());
		}
		const comment = await page.request.post(`/api${betaPlans[0]}/comments`, {
			data: {
				document: 'shared',
				anchor: { field: 'summary', start: 'AAAA', end: 'AAAA' },
				quote: '',
				body: 'peek'
			},
			headers: { origin: new URL(page.url()).origin }
		});
		expect([403, 404], `${who} commenting on Beta's plan`).toContain(comment.status());
		const share = await page.request.post(`${betaPlans[0]}/settings?/person`, {
			form: { userId: '00000000-0000-4000-8000-000000000000', access: 'none' },
			headers: { origin: new URL(page.url()).origin, accept: 'application/json' }
		});
		expect([403, 404], `${who} narrowing Beta's plan`).toContain(share.status());
		// The feed's endpoints and actions: nothing of Beta's channel, no way to write into it.
		const origin = new URL(page.url()).origin;
		const betaChannelId = betaChannel!.split('/').pop()!;
		const betaPostId = betaPosts[0].split('/').pop()!;
		for (const api of [
			`/api/feed/posts/${betaPostId}`,
			`/api/feed/posts/${betaPostId}/comments`,
			`/api/feed/timeline?channel=${betaChannelId}`,
			`/api/feed/people?channel=${betaChannelId}&q=a`
		]) {
			const answer = await page.request.get(api);
			expect([403, 404], `${who} reading ${api}`).toContain(answer.status());
		}
		const feedPost = await page.request.post('/api/feed/posts', {
			data: { channelId: betaChannelId, body: 'peek' },
			headers: { origin }
		});
		expect([403, 404], `${who} posting into Beta's channel`).toContain(feedPost.status());
		for (const [action, form] of [
			['react', { postId: betaPostId, emoji: '👍' }],
			['comment', { postId: betaPostId, body: 'peek' }],
			['membership', { channelId: betaChannelId, action: 'join' }]
		] as const) {
			const answer = await page.request.post(`/feed?/${action}`, {
				form,
				headers: { origin, accept: 'application/json' }
			});
			const status = answer.status() === 200 ? (await answer.json()).status : answer.status();
			expect([403, 404], `${who} ${action} on Beta's channel`).toContain(status);
		}
		// Beta's comment on an announcement stays Beta's.
		for (const url of ['/feed', betaFeed.permalink]) {
			await page.goto(url);
			await expect(page.locator('main'), `${who} on ${url}`).not.toContainText(betaFeed.marker);
		}
		const comments = await page.request.get(`/api${betaFeed.permalink}/comments`);
		expect(await comments.text()).not.toContain(betaFeed.marker);
		// Exports and search hold nothing of Beta's.
		for (const kind of ['accounts', 'contacts', 'opportunities', 'registrations']) {
			const csv = await (await page.request.get(`/export/${kind}`)).text();
			expect(csv, `${who} export of ${kind}`).not.toContain(accountName);
		}
		expect((await page.request.get('/export/partners')).status()).toBe(403);
		await page.goto(`/search?q=${encodeURIComponent(accountName)}`);
		// The query is echoed back; no result links to any record.
		await expect(page.locator('main')).toContainText(/0 (results|résultats)/);
		await expect(
			page.locator(
				'main a[href^="/accounts/"], main a[href^="/contacts/"], main a[href^="/opportunities/"]'
			)
		).toHaveCount(0);
		await context.close();
	}
});

async function alphaId(admin: Page): Promise<string> {
	await admin.goto('/admin/organisations');
	const href = await admin.getByRole('link', { name: 'Alpha', exact: true }).getAttribute('href');
	return href!.split('/').pop()!;
}

/** A Beta person comments on an announcement; Alpha must never see it. */
async function betaAnnouncementComment(
	browser: Browser
): Promise<{ marker: string; permalink: string }> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await loginAs(page, DEMO.partnerMember);
	await page.goto('/feed');
	const announcements = await page
		.getByRole('navigation', { name: /^(channels|canaux)$/i })
		.getByRole('link', { name: /^(Announcements|Annonces)(\s|$)/ })
		.first()
		.getAttribute('href');
	await page.goto(announcements!);
	const first = await page.locator('main .timeline article.post').first().getAttribute('id');
	const permalink = `/feed/posts/${first!.replace('post-', '')}`;
	const marker = `beta-only-${Date.now().toString(36)}`;
	const answer = await page.request.post(`${announcements}?/comment`, {
		form: { postId: permalink.split('/').pop()!, body: `Comment ${marker}` },
		headers: { origin: new URL(page.url()).origin, accept: 'application/json' }
	});
	expect((await answer.json()).type, 'Beta comments on an announcement').toBe('success');
	await context.close();
	return { marker, permalink };
}
