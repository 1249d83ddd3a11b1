import { DEMO, expect, loginAs, setLocale, test, waitForHydration } from './support/fixtures.ts';

// An admin imports a small CSV through the pages: upload, column mapping, preview with the row
// errors, the job's progress bar to 100 %, the exact counts, then finds an imported account with
// the search box. Once in French (a French spreadsheet: `;`, French headers), once in English.

const CASES = [
	{
		locale: 'fr' as const,
		separator: ';',
		header: 'Nom;SIREN;Site web;Secteur',
		kind: 'Comptes',
		upload: /envoyer et associer les colonnes/i,
		nameColumn: 'Nom (obligatoire)',
		missingName: 'Le nom manque.',
		start: /^importer 4 lignes$/i,
		summary: '2 créés, 0 mis à jour, 2 rejetés.',
		done: 'Import terminé',
		accounts: 'Comptes'
	},
	{
		locale: 'en' as const,
		separator: ',',
		header: 'Name,SIREN,Website,Industry',
		kind: 'Accounts',
		upload: /upload and map the columns/i,
		nameColumn: 'Name (required)',
		missingName: 'The name is missing.',
		start: /^import 4 rows$/i,
		summary: '2 created, 0 updated, 2 rejected.',
		done: 'Import finished',
		accounts: 'Accounts'
	}
];

for (const c of CASES) {
	test(`an admin imports accounts from a CSV file and finds them with the search (${c.locale})`, async ({
		page,
		context
	}) => {
		// Upload, a job run and a search: more than the default 30 s on a busy machine.
		test.setTimeout(60_000);
		const stamp = `${c.locale}${Date.now().toString(36)}`;
		const name = `Éclair Conseil ${stamp}`;
		// A SIREN of this run only: the other language's test runs at the same time.
		const siren = String(100_000_000 + Math.floor(Math.random() * 899_999_999));
		const rows = [
			c.header,
			[name, '', `eclair-${stamp}.example`, 'Énergie'].join(c.separator),
			[`Orage ${stamp}`, siren, '', 'Transport'].join(c.separator),
			['', '', '', 'Sans nom'].join(c.separator),
			[`Bad ${stamp}`, '123', '', ''].join(c.separator)
		].join('\r\n');

		await loginAs(page, DEMO.admin);
		await setLocale(context, c.locale);
		await page.goto('/imports/new');
		await waitForHydration(page);
		await page
			.getByLabel(c.kind === 'Comptes' ? 'Contenu du fichier' : 'What the file holds')
			.selectOption({ label: c.kind });
		await page.locator('#import-file').setInputFiles({
			name: `comptes-${stamp}.csv`,
			mimeType: 'text/csv',
			buffer: Buffer.from(`\uFEFF${rows}\r\n`, 'utf8')
		});
		await page.getByRole('button', { name: c.upload }).click();
		await expect(page).toHaveURL(/\/imports\/[0-9a-f-]{36}$/);
		await waitForHydration(page);

		// The columns were guessed from the header; the preview shows every row's fate.
		await expect(page.getByLabel(c.nameColumn)).toHaveValue('0');
		const preview = page.locator('table').first();
		const row = (line: number) =>
			preview.locator('tbody tr', {
				has: page.locator('th', { hasText: new RegExp(`^${line}$`) })
			});
		await expect(row(2)).toContainText(name);
		await expect(row(4)).toContainText(c.missingName);
		await expect(row(5)).toContainText('123');

		await page.getByRole('button', { name: c.start }).click();
		const bar = page.getByRole('progressbar');
		await expect(bar).toHaveAttribute('aria-valuenow', '100', { timeout: 30_000 });
		await expect(page.getByRole('heading', { name: c.done })).toBeVisible();
		await expect(page.getByRole('status').filter({ hasText: c.summary })).toBeVisible();
		await expect(page.getByTestId('import-created')).toHaveText('2');
		await expect(page.getByTestId('import-rejected')).toHaveText('2');
		// The rejected rows, with their line numbers.
		const errors = page.locator('table').last();
		await expect(errors.getByRole('row')).toHaveCount(3);
		await expect(errors).toContainText(c.missingName);

		// The search box of the header finds the imported account, accents ignored.
		const search = page.locator('#global-search');
		await search.fill(`eclair ${stamp}`);
		await search.press('Enter');
		await expect(page).toHaveURL(/\/search\?q=/);
		await expect(search).toHaveValue(`eclair ${stamp}`);
		const group = page.getByRole('region', { name: new RegExp(c.accounts) });
		await expect(group.getByRole('link', { name })).toBeVisible();

		// The import is listed with its counts.
		await page.goto('/imports');
		await expect(page.getByRole('link', { name: `comptes-${stamp}.csv` })).toBeVisible();
	});
}
