import { DEMO, expect, loginAs, test, waitForHydration } from './support/fixtures.ts';

// The Content-Security-Policy (svelte.config.js kit.csp, a nonce per page) seen from a browser:
// SvelteKit's own script runs (the page hydrates), a script injected into the page does not, and
// the browser reports the violation.

type Outcome = { ran: boolean; violated: string[] };

/** Injects an inline script and an inline event handler; what ran, and what the CSP reported. */
function inject(): Promise<Outcome> {
	const w = window as unknown as { __injected?: string[] };
	w.__injected = [];
	const violated: string[] = [];
	const reported = new Promise<void>((resolve) => {
		document.addEventListener('securitypolicyviolation', (event) => {
			violated.push(event.effectiveDirective);
			if (violated.length === 2) resolve();
		});
	});
	const script = document.createElement('script');
	script.textContent = 'window.__injected.push("script")';
	document.body.append(script);
	const image = document.createElement('img');
	image.setAttribute('onerror', 'window.__injected.push("handler")');
	image.src = 'data:,not-an-image';
	document.body.append(image);
	// The two reports are the end of the story; the bound only keeps a broken page from hanging.
	const bound = new Promise<void>((resolve) => setTimeout(resolve, 5000));
	return Promise.race([reported, bound]).then(() => ({
		ran: (w.__injected ?? []).length > 0,
		violated: [...violated].sort()
	}));
}

test.describe('the Content-Security-Policy', () => {
	test('blocks an injected inline script on the sign-in page and reports it', async ({ page }) => {
		await page.goto('/login');
		await waitForHydration(page);
		expect(await page.evaluate(inject)).toEqual({
			ran: false,
			violated: ['script-src-attr', 'script-src-elem']
		});
	});

	test('blocks an injected inline script inside the signed-in app and reports it', async ({
		page
	}) => {
		await loginAs(page, DEMO.rep);
		await waitForHydration(page);
		expect(await page.evaluate(inject)).toEqual({
			ran: false,
			violated: ['script-src-attr', 'script-src-elem']
		});
	});
});
