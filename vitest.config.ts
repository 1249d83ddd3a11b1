import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

// Two projects: pure unit tests, and integration tests against a real database (PGlite always,
// PostgreSQL too when DATABASE_URL is set). At most 2 workers: CI has 2 cores.
export default defineConfig({
	plugins: [sveltekit()],
	test: {
		maxWorkers: 2,
		globalSetup: ['tests/support/global-setup.ts'],
		projects: [
			{
				extends: true,
				test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' }
			},
			{
				extends: true,
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					environment: 'node',
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			}
		]
	}
});
