// Renders the PWA icons (static/icon-192.png, static/icon-512.png) from the logo with Chromium.
// Run: node scripts/pwa-icons.ts (through npm's Node 24). The PNGs are committed; rerun when the
// logo changes. The icons are "maskable": the logo sits inside the 80 % safe zone on the brand blue.
import { readFile, writeFile } from 'node:fs/promises';
import { chromium } from '@playwright/test';

const logo = await readFile(new URL('../static/favicon.svg', import.meta.url), 'utf8');
const inner = logo.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
try {
	for (const size of [192, 512]) {
		const page = await browser.newPage({ viewport: { width: size, height: size } });
		const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-6 -6 44 44" width="${size}" height="${size}"><rect x="-6" y="-6" width="44" height="44" fill="#1d4ed8"/>${inner}</svg>`;
		await page.setContent(`<html><body style="margin:0;background:#1d4ed8">${svg}</body></html>`);
		const png = await page.screenshot({ omitBackground: false });
		await writeFile(new URL(`../static/icon-${size}.png`, import.meta.url), png);
		await page.close();
	}
} finally {
	await browser.close();
}
