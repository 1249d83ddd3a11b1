import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// server/index.ts wraps build/handler.js so the app and /collab share one port.
		adapter: adapter({ out: 'build' }),
		// CSRF protection stays on (the default checkOrigin); listed to make the choice visible.
		csrf: { trustedOrigins: [] }
	}
};

export default config;
