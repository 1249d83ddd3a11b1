/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';

// The app shell (built assets and static files) is cached at install, so Relais opens without
// network. Navigations go to the network first. The plan pages a person opened recently (their
// HTML and their data) are kept too, so they open offline; their documents come from IndexedDB
// (y-indexeddb), not from here. Nothing else is cached: not /api, not the collaboration socket,
// not form posts, and the kept plan pages are dropped when the sign-in page is served (sign-out,
// expired session) so the next person on this device never sees them.

const sw = self as unknown as ServiceWorkerGlobalScope;
const SHELL = `relais-shell-${version}`;
const PLANS = 'relais-plans';
/** Plan pages kept (each counts its HTML and its __data.json). */
const MAX_PLAN_ENTRIES = 40;
const SHELL_ASSETS = new Set([...build, ...files]);
const PLAN_PATH = /^\/plans\/[0-9a-f-]{36}(\/__data\.json)?$/;

sw.addEventListener('install', (event) => {
	event.waitUntil(
		caches
			.open(SHELL)
			.then((cache) => cache.addAll([...SHELL_ASSETS]))
			.then(() => sw.skipWaiting())
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		caches
			.keys()
			.then((keys) =>
				Promise.all(
					keys
						.filter((key) => key.startsWith('relais-shell-') && key !== SHELL)
						.map((key) => caches.delete(key))
				)
			)
			.then(() => sw.clients.claim())
	);
});

/** A signed-out person: forget every kept plan page. */
function forgetPlans(): Promise<boolean> {
	return caches.delete(PLANS);
}

sw.addEventListener('message', (event) => {
	if ((event.data as { type?: string } | null)?.type === 'signed-out')
		event.waitUntil(forgetPlans());
});

async function keepPlan(request: Request, response: Response): Promise<void> {
	const cache = await caches.open(PLANS);
	await cache.delete(request);
	await cache.put(request, response);
	const keys = await cache.keys();
	// Keys come back in insertion order: the oldest go first.
	for (const stale of keys.slice(0, Math.max(0, keys.length - MAX_PLAN_ENTRIES))) {
		await cache.delete(stale);
	}
}

function offlinePage(): Response {
	const html = `<!doctype html><html lang="fr"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Relais</title><main style="font-family:system-ui;max-width:32rem;margin:3rem auto;padding:0 1rem"><h1>Hors ligne · Offline</h1><p>Cette page n’est pas disponible sans réseau. Les plans ouverts récemment restent accessibles.</p><p lang="en">This page is not available offline. Plans you opened recently still open.</p></main></html>`;
	return new Response(html, {
		status: 503,
		headers: { 'content-type': 'text/html; charset=utf-8' }
	});
}

async function fromNetwork(request: Request, url: URL): Promise<Response> {
	const isPlan = PLAN_PATH.test(url.pathname);
	try {
		const response = await fetch(request);
		const final = new URL(response.url || request.url);
		if (final.pathname === '/login' || url.pathname === '/login') await forgetPlans();
		else if (isPlan && response.ok && response.type === 'basic' && !response.redirected) {
			await keepPlan(request, response.clone());
		}
		return response;
	} catch (error) {
		if (isPlan) {
			const cached = await caches.match(request, { cacheName: PLANS });
			if (cached) return cached;
		}
		if (request.mode === 'navigate') return offlinePage();
		throw error;
	}
}

sw.addEventListener('fetch', (event) => {
	const { request } = event;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin) return;
	if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/collab')) return;

	if (SHELL_ASSETS.has(url.pathname)) {
		event.respondWith(
			caches.match(request, { cacheName: SHELL }).then((cached) => cached ?? fetch(request))
		);
		return;
	}
	if (request.mode === 'navigate' || PLAN_PATH.test(url.pathname)) {
		event.respondWith(fromNetwork(request, url));
	}
});
