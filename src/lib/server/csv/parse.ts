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
 * The same reader fed in pieces: `push` a text as it is decoded, take the complete records it
 * returns, then `end()` for the last one. A quote or a CR at the end of a piece waits for the next
 * piece (it may be `""` or CRLF), so records are the same however the text is cut.
 */
export class CsvReader {
	private readonly separator: CsvSeparator | undefined;
	private sep: CsvSeparator = ',';
	private started = false;
	private carry = '';
	private cells: string[] = [];
	private field = '';
	private fieldStarted = false;
	private quoted = false;
	private line = 1;
	private recordLine = 1;

	constructor(separator?: CsvSeparator) {
		this.separator = separator;
	}

	/** The separator in use (known once the first text is pushed). */
	get delimiter(): CsvSeparator {
		return this.sep;
	}

	push(piece: string): CsvRecord[] {
		let text = this.carry + piece;
		this.carry = '';
		if (!this.started) {
			if (text === '') return [];
			// The BOM and the header line decide once, from the first piece (a megabyte when streamed).
			text = stripBom(text);
			this.sep = this.separator ?? detectSeparator(text);
			this.started = true;
		}
		const last = text.charCodeAt(text.length - 1);
		if (last === 34 /* " */ || last === 13 /* \r */) {
			this.carry = text.slice(-1);
			text = text.slice(0, -1);
		}
		return this.read(text);
	}

	end(): CsvRecord[] {
		const records = this.read(this.carry);
		this.carry = '';
		if (this.quoted || this.field !== '' || this.fieldStarted || this.cells.length > 0) {
			this.quoted = false;
			this.endRecord(records);
		}
		return records;
	}

	private endField() {
		this.cells.push(this.field);
		this.field = '';
		this.fieldStarted = false;
	}

	private endRecord(records: CsvRecord[]) {
		this.endField();
		const cells = this.cells;
		if (!(cells.length === 1 && cells[0] === '')) records.push({ line: this.recordLine, cells });
		this.cells = [];
	}

	private read(text: string): CsvRecord[] {
		const records: CsvRecord[] = [];
		const sep = this.sep;
		let i = 0;
		while (i < text.length) {
			if (this.quoted) {
				// Inside a quoted field: up to the closing quote; "" is one quote.
				const q = text[i];
				if (q === '"') {
					if (text[i + 1] === '"') {
						this.field += '"';
						i += 2;
						continue;
					}
					this.quoted = false;
					this.fieldStarted = true;
					i++;
					continue;
				}
				if (q === '\n') this.line++;
				else if (q === '\r' && text[i + 1] !== '\n') this.line++;
				this.field += q;
				i++;
				continue;
			}
			const c = text[i];
			if (c === '"' && !this.fieldStarted && this.field === '') {
				this.quoted = true;
				i++;
				continue;
			}
			if (c === sep) {
				this.endField();
				i++;
				continue;
			}
			if (c === '\r' || c === '\n') {
				this.endRecord(records);
				i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
				this.line++;
				this.recordLine = this.line;
				continue;
			}
			this.field += c;
			this.fieldStarted = true;
			i++;
		}
		return records;
	}
}

/**
 * Every record of a CSV text. Blank lines are skipped (spreadsheets leave some at the end).
 * A quote that opens a field runs to its closing quote; a stray quote inside an unquoted field is
 * kept as text, as spreadsheets do.
 */
export function parseCsv(input: string, separator?: CsvSeparator): CsvRecord[] {
	const reader = new CsvReader(separator);
	return [...reader.push(input), ...reader.end()];
}
