// RFC 4180 reader for what spreadsheets export: UTF-8 with or without a BOM, `;` (French Excel)
// or `,` separators, quoted fields holding separators, quotes ("") and line breaks, CRLF or LF.

export type CsvRecord = {
	/** The physical line (1-based) where the record starts: what a person sees in their editor. */
	line: number;
	cells: string[];
};

export type CsvSeparator = ',' | ';';

/** The separator of a file, judged from its first line: the one that appears more often outside quotes. */
export function detectSeparator(text: string): CsvSeparator {
	let commas = 0;
	let semicolons = 0;
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (c === '"') quoted = !quoted;
		else if (!quoted && (c === '\n' || c === '\r')) break;
		else if (!quoted && c === ',') commas++;
		else if (!quoted && c === ';') semicolons++;
	}
	return semicolons > commas ? ';' : ',';
}

/** Removes a UTF-8 byte-order mark (Excel writes one). */
export function stripBom(text: string): string {
	return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Every record of a CSV text. Blank lines are skipped (spreadsheets leave some at the end).
 * A quote that opens a field runs to its closing quote; a stray quote inside an unquoted field is
 * kept as text, as spreadsheets do.
 */
export function parseCsv(input: string, separator?: CsvSeparator): CsvRecord[] {
	const text = stripBom(input);
	const sep = separator ?? detectSeparator(text);
	const records: CsvRecord[] = [];
	let cells: string[] = [];
	let field = '';
	let line = 1;
	let recordLine = 1;
	let i = 0;
	let fieldStarted = false;

	const endField = () => {
		cells.push(field);
		field = '';
		fieldStarted = false;
	};
	const endRecord = () => {
		endField();
		if (!(cells.length === 1 && cells[0] === '')) records.push({ line: recordLine, cells });
		cells = [];
	};

	while (i < text.length) {
		const c = text[i];
		if (c === '"' && !fieldStarted && field === '') {
			// A quoted field: read to the closing quote; "" is one quote.
			i++;
			for (;;) {
				if (i >= text.length) break;
				const q = text[i];
				if (q === '"') {
					if (text[i + 1] === '"') {
						field += '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (q === '\n') line++;
				else if (q === '\r' && text[i + 1] !== '\n') line++;
				field += q;
				i++;
			}
			fieldStarted = true;
			continue;
		}
		if (c === sep) {
			endField();
			i++;
			continue;
		}
		if (c === '\r' || c === '\n') {
			endRecord();
			i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
			line++;
			recordLine = line;
			continue;
		}
		field += c;
		fieldStarted = true;
		i++;
	}
	if (field !== '' || fieldStarted || cells.length > 0) endRecord();
	return records;
}
