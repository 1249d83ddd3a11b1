import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// server/index.ts wraps build/handler.js so the app and /collab share one port.
		adapter: adapter({ out: 'build' }),
		// SvelteKit's own origin check is off ('*' is how SvelteKit 2 turns it off): it looked only
		// at form content types and answered in English plain text before any hook. Every
		// state-changing request is checked instead by handleOrigin (src/lib/server/http/origin.ts),
		// whatever its content type, with a 403 in the person's language.
		csrf: { trustedOrigins: ['*'] },
		// A nonce per rendered page for SvelteKit's inline bootstrap script (hashes if a page is
		// ever prerendered); no other inline script runs. Styles keep 'unsafe-inline': Svelte's
		// style: directives and transitions, ProseMirror and Tiptap set inline styles. The hook
		// appends this process's /collab WebSocket and LIVEKIT_URL to connect-src
		// (src/lib/server/http/security-headers.ts).
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self', 'data:'],
				'media-src': ['self', 'blob:'],
				'connect-src': ['self'],
				'worker-src': ['self'],
				'manifest-src': ['self'],
				'frame-src': ['none'],
				'frame-ancestors': ['none'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self']
			}
		}
	}
};

export default config;
