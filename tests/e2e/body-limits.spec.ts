import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as devalue from 'devalue';
import type { Page } from '@playwright/test';
import {
	DEMO,
	expect,
	loginAs,
	relaisUrl,
	setLocale,
	test,
	waitForHydration
} from './support/fixtures.ts';

// Bodies over their route's limit get a readable answer wherever they come from: the CSV import
// page refuses a file over 50 MB before uploading it, the server refuses it too (enhanced or plain
// form), a CSV of exactly 50 MB is accepted, and an enhanced form over 1 MB shows the message and
// keeps what was typed.

const MB = 1024 * 1024;
const IMPORT_LIMIT = 50 * MB;

let dir: string;
let tooLargeCsv: string;
test.beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'relais-body-limits-'));
	// 51 MB of rows (never parsed: refused before).
	tooLargeCsv = join(dir, 'trop-gros.csv');
	const bytes = Buffer.alloc(51 * MB, 'a');
	bytes.write('Name,Industry\n');
	for (let i = 99; i < bytes.length; i += 100) bytes[i] = 0x0a;
	writeFileSync(tooLargeCsv, bytes);
});
test.afterAll(() => {
	if (dir) rmSync(dir, { recursive: true, force: true });
});

const upload = (page: Page) =>
	page.getByRole('button', {
		name: /^(upload and map the columns|envoyer et associer les colonnes)$/i
	});

/** Every POST the page sends to the import form. */
function importPosts(page: Page): string[] {
	const posts: string[] = [];
	page.on('request', (request) => {
		if (request.method() === 'POST' && new URL(request.url()).pathname === '/imports/new') {
			posts.push(request.url());
		}
	});
	return posts;
}

const TOO_LARGE_FILE = {
	fr: 'Ce fichier est trop volumineux\u00a0: la limite est de 50\u00a0Mo.',
	en: 'This file is too large: the limit is 50 MB.'
};

for (const locale of ['fr', 'en'] as const) {
	test(`the import page refuses a 51 MB file before uploading it, and keeps the form (${locale})`, async ({
		page,
		context
	}) => {
		await loginAs(page, DEMO.manager);
		await setLocale(context, locale);
		const posts = importPosts(page);
		await page.goto('/imports/new');
		await waitForHydration(page);
		const kind = page.locator('#import-kind');
		await kind.selectOption('contacts');

		await page.locator('#import-file').setInputFiles(tooLargeCsv);
		const error = page.locator('#import-file-error');
		await expect(error).toContainText(TOO_LARGE_FILE[locale]);
		await expect(page.locator('#import-file')).toHaveAttribute('aria-invalid', 'true');

		await upload(page).click();
		await expect(page.locator('#import-file')).toBeFocused();
		await expect(error).toContainText(TOO_LARGE_FILE[locale]);
		await expect(page).toHaveURL(/\/imports\/new$/);
		await expect(kind).toHaveValue('contacts');
		expect(posts, 'nothing was uploaded').toEqual([]);
	});
}

/** Posts a generated CSV of `size` bytes to the import action as the enhanced form does. */
async function postImport(page: Page, size: number) {
	return page.evaluate(async (size) => {
		// Lines of 4 KB (a single 50 MB line would be refused as a record over the reader's limit).
		const head = 'Name,Industry\n';
		const rows = new Uint8Array(size - head.length).fill(120);
		for (let end = 4095; end < rows.length; end += 4096) rows[end] = 10;
		rows[rows.length - 1] = 10;
		const file = new File([head, rows], 'big.csv', {
			type: 'text/csv'
		});
		const form = new FormData();
		form.set('kind', 'accounts');
		form.set('file', file);
		const response = await fetch('/imports/new', {
			method: 'POST',
			body: form,
			headers: { accept: 'application/json', 'x-sveltekit-action': 'true' }
		});
		return { status: response.status, body: await response.text() };
	}, size);
}

type ActionResult = { type: string; status?: number; location?: string; data?: string };
const decode = (body: string) => {
	const result = JSON.parse(body) as ActionResult;
	return { ...result, data: result.data ? devalue.parse(result.data) : undefined };
};

test('the server refuses a file over 50 MB readably when the page’s check is bypassed, and takes one of exactly 50 MB', async ({
	page,
	context
}) => {
	test.setTimeout(120_000);
	await loginAs(page, DEMO.manager);
	await setLocale(context, 'en');
	await page.goto('/imports/new');

	// Over the body limit: refused before the app, as a failed action the enhanced form shows.
	const over = await postImport(page, 51 * MB);
	expect(over.status).toBe(413);
	expect(decode(over.body)).toMatchObject({
		type: 'failure',
		status: 413,
		data: { message: TOO_LARGE_FILE.en }
	});

	// One byte over 50 MB fits in the body limit (room for the form around the file): the action
	// refuses the file on its field.
	const justOver = await postImport(page, IMPORT_LIMIT + 1);
	expect(decode(justOver.body)).toMatchObject({
		type: 'failure',
		status: 413,
		data: {
			fieldErrors: { file: { key: 'imports_error_file_too_large', params: { megabytes: 50 } } },
			values: { kind: 'accounts' }
		}
	});

	// Exactly 50 MB: accepted, on to the column mapping.
	const exact = await postImport(page, IMPORT_LIMIT);
	expect(decode(exact.body), exact.body).toMatchObject({ type: 'redirect' });
	expect(decode(exact.body).location).toMatch(/^\/imports\/[0-9a-f-]{36}$/);
});

test('a browser without JavaScript uploading a 51 MB file gets a readable page', async ({
	browser
}) => {
	test.setTimeout(60_000);
	const context = await browser.newContext({ baseURL: relaisUrl(), javaScriptEnabled: false });
	try {
		const page = await context.newPage();
		await loginAs(page, DEMO.manager);
		await setLocale(context, 'fr');
		await page.goto('/imports/new');
		await page.locator('#import-file').setInputFiles(tooLargeCsv);
		await upload(page).click();
		await expect(page.getByRole('heading', { name: 'Envoi trop volumineux' })).toBeVisible({
			timeout: 30_000
		});
		await expect(page.getByText(TOO_LARGE_FILE.fr)).toBeVisible();
	} finally {
		await context.close();
	}
});

test('a 2 MB CSV is uploaded and reaches the column mapping', async ({ page, context }) => {
	test.setTimeout(60_000);
	const stamp = Date.now().toString(36);
	const rows = ['Name,Industry,Notes'];
	for (let i = 0; rows.join('\n').length < 2 * MB; i++) {
		// Few long rows: the size is what matters here, not the row count.
		rows.push(`Compte ${stamp} ${i},Énergie,${'Une note assez longue. '.repeat(40)}`);
	}
	await loginAs(page, DEMO.manager);
	await setLocale(context, 'en');
	await page.goto('/imports/new');
	await waitForHydration(page);
	await page.locator('#import-kind').selectOption('accounts');
	await page.locator('#import-file').setInputFiles({
		name: `accounts-${stamp}.csv`,
		mimeType: 'text/csv',
		buffer: Buffer.from(rows.join('\r\n'), 'utf8')
	});
	await upload(page).click();
	await expect(page).toHaveURL(/\/imports\/[0-9a-f-]{36}$/, { timeout: 20_000 });
	await expect(page.getByRole('heading', { name: 'Columns' })).toBeVisible();
});

test('an enhanced form over 1 MB shows the message in the page and keeps what was typed', async ({
	page,
	context
}) => {
	await loginAs(page, DEMO.manager);
	await setLocale(context, 'en');
	await page.goto('/accounts/new');
	await waitForHydration(page);
	const name = page.locator('form [name="name"]');
	const industry = page.locator('form [name="industry"]');
	const submit = page.getByRole('button', { name: 'Create the account' });

	// A first refusal (the name is missing): the page now fills its fields from what was sent.
	await industry.fill('Energy');
	await submit.click();
	await expect(page.locator('#new-account-name-error')).toBeVisible();

	// Then more than 1 MB: a pasted text past a field's maxlength (which only the browser enforces).
	const stamp = Date.now().toString(36);
	await name.fill(`Bodega ${stamp}`);
	await industry.evaluate((input: HTMLInputElement) => {
		input.removeAttribute('maxlength');
		input.value = 'x'.repeat(1024 * 1024 + 1);
	});
	await submit.click();
	await expect(page.getByRole('alert')).toContainText(
		'What you sent is too large: the limit is 1 MB.'
	);
	await expect(page).toHaveURL(/\/accounts\/new$/);
	await expect(name).toHaveValue(`Bodega ${stamp}`);
	expect(await industry.evaluate((input: HTMLInputElement) => input.value.length)).toBe(
		1024 * 1024 + 1
	);
	await expect(submit).toBeEnabled();
});
