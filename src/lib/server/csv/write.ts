// CSV writer for exports: `,`-separated with a UTF-8 BOM so Excel opens accents right in every
// locale, CRLF line ends (RFC 4180), and every cell protected against formula injection.

/** The BOM that makes Excel read the file as UTF-8. */
export const CSV_BOM = '\uFEFF';

// OWASP "CSV injection": a cell starting with one of these is run as a formula by spreadsheets.
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell a spreadsheet shows as text: a leading `'` in front of anything that could be a formula. */
export function neutraliseCell(value: string): string {
	return FORMULA_START.test(value) ? `'${value}` : value;
}

export type CsvValue = string | number | boolean | Date | null | undefined;

function cellText(value: CsvValue): string {
	if (value === null || value === undefined) return '';
	if (value instanceof Date) return value.toISOString();
	// Numbers are ours (amounts, counts): a negative amount stays a number, not a "formula".
	if (typeof value === 'number') return String(value);
	return neutraliseCell(String(value));
}

/** One CSV line (with its CRLF): quoted when it holds a separator, a quote or a line break. */
export function csvLine(values: readonly CsvValue[]): string {
	return (
		values
			.map((value) => {
				const text = cellText(value);
				return /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
			})
			.join(',') + '\r\n'
	);
}

/** A whole CSV document (tests and small exports); large exports stream csvLine batches. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
	return CSV_BOM + csvLine(header) + rows.map(csvLine).join('');
}
