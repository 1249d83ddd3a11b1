import { defineConfig, devices } from '@playwright/test';

// Browser tests drive Debian's Chromium (`npm run test:e2e` installs it when missing) against one
// production build of Relais, started by the global setup on a fresh database.
export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.spec.ts',
	globalSetup: './tests/e2e/support/global-setup.ts',
	// 2 cores in CI. No retries: a flaky test is a bug to fix, not to hide.
	workers: 2,
	fullyParallel: true,
	retries: 0,
	forbidOnly: !!process.env.CI,
	reporter: 'list',
	// Room for a slower machine: on 2026-11-27 the same suite took 8 min on one CI machine and
	// 19–23 min on another, where three multi-browser flows ran past 30 s and a 5 s wait.
	timeout: 60_000,
	expect: { timeout: 10_000 },
	outputDir: 'test-results',
	use: {
		// baseURL comes from the global setup, through the fixtures (tests/e2e/support/fixtures.ts).
		// A trace of a failed test keeps its actions, network, console and source, not DOM snapshots
		// or screencast: recording those for every test (the trace is recorded before knowing whether
		// it will be kept) cost about a sixth of an axe test's CPU. A failure still leaves its screenshot and
		// error-context.md; `npx playwright test --trace on` records everything when debugging.
		trace: { mode: 'retain-on-failure', snapshots: false, screenshots: false },
		screenshot: 'only-on-failure',
		actionTimeout: 10_000,
		navigationTimeout: 15_000
	},
	projects: [
		{
			name: 'chromium',
			use: {
				...devices['Desktop Chrome'],
				launchOptions: {
					executablePath: '/usr/bin/chromium',
					args: [
						'--no-sandbox',
						'--disable-gpu',
						'--disable-quic',
						'--no-first-run',
						'--disable-background-networking',
						'--disable-component-update',
						'--disable-sync',
						// For the video tests: WebRTC between two pages over loopback, fake camera and mic.
						'--allow-loopback-in-peer-connection',
						'--use-fake-device-for-media-stream',
						'--use-fake-ui-for-media-stream'
					]
				}
			}
		}
	]
});
