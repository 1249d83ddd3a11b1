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

const QUOTE = 34;
const CR = 13;
const LF = 10;

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
		if (last === QUOTE || last === CR) {
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

	// Runs of plain characters are sliced rather than added one by one: a 40 MB file is read in
	// a few seconds instead of tens.
	private read(text: string): CsvRecord[] {
		const records: CsvRecord[] = [];
		const sep = this.sep.charCodeAt(0);
		const n = text.length;
		let i = 0;
		while (i < n) {
			if (this.quoted) {
				// Inside a quoted field: up to the closing quote; "" is one quote.
				const q = text.indexOf('"', i);
				const end = q === -1 ? n : q;
				for (let k = i; k < end; k++) {
					const c = text.charCodeAt(k);
					if (c === LF || (c === CR && text.charCodeAt(k + 1) !== LF)) this.line++;
				}
				this.field += text.slice(i, end);
				if (q === -1) break;
				if (text.charCodeAt(q + 1) === QUOTE) {
					this.field += '"';
					i = q + 2;
					continue;
				}
				this.quoted = false;
				this.fieldStarted = true;
				i = q + 1;
				continue;
			}
			const c = text.charCodeAt(i);
			if (c === QUOTE && !this.fieldStarted && this.field === '') {
				this.quoted = true;
				i++;
				continue;
			}
			if (c === sep) {
				this.endField();
				i++;
				continue;
			}
			if (c === CR || c === LF) {
				this.endRecord(records);
				i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
				this.line++;
				this.recordLine = this.line;
				continue;
			}
			// Plain text (a quote here is inside an unquoted field: kept as text).
			let j = i + 1;
			while (j < n) {
				const d = text.charCodeAt(j);
				if (d === sep || d === CR || d === LF || d === QUOTE) break;
				j++;
			}
			this.field += text.slice(i, j);
			this.fieldStarted = true;
			i = j;
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
