// Browser tests drive Debian's Chromium (/usr/bin/chromium). Installs it with apt when missing.
// Never `npx playwright install`: its downloaded browsers do not run here.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

function apt(args: string[]): boolean {
	console.log(`ensure-chromium: running apt-get ${args.join(' ')}`);
	const result = spawnSync('apt-get', args, {
		stdio: 'inherit',
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
	});
	return result.status === 0;
}

if (existsSync(CHROMIUM)) process.exit(0);

console.log(`ensure-chromium: ${CHROMIUM} is missing; installing Debian's chromium package.`);
// A fresh machine may have empty package lists: update once, then retry.
const installed =
	apt(['install', '-y', 'chromium']) || (apt(['update']) && apt(['install', '-y', 'chromium']));

if (!installed || !existsSync(CHROMIUM)) {
	console.error(
		[
			'',
			`ensure-chromium: could not install Chromium at ${CHROMIUM}.`,
			'The browser tests need Debian’s Chromium. Install it as root, then run the tests again:',
			'',
			'    apt-get update && apt-get install -y chromium',
			'',
			'(Do not use `npx playwright install`: the tests use the system browser.)'
		].join('\n')
	);
	process.exit(1);
}
console.log(`ensure-chromium: installed ${CHROMIUM}.`);
