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
			// The separator is decided once, from the header line: wait until it is whole.
			if (!this.headerEnded(text)) {
				this.carry = text;
				return [];
			}
			this.start(text);
			text = stripBom(text);
		}
		// A quote or CR at the end waits for the next piece (`""`, CRLF).
		const last = text.charCodeAt(text.length - 1);
		const limit = last === QUOTE || last === CR ? text.length - 1 : text.length;
		const records: CsvRecord[] = [];
		this.carry = text.slice(this.read(text, limit, records));
		return records;
	}

	end(): CsvRecord[] {
		if (!this.started) {
			this.start(this.carry);
			this.carry = stripBom(this.carry);
		}
		const records: CsvRecord[] = [];
		this.read(this.carry, this.carry.length, records);
		this.carry = '';
		if (this.quoted || this.field !== '' || this.fieldStarted || this.cells.length > 0) {
			this.quoted = false;
			this.endRecord(records);
		}
		return records;
	}

	private start(text: string) {
		this.sep = this.separator ?? detectSeparator(stripBom(text));
		this.started = true;
	}

	// Scanned once however the header arrives (a file of one huge line must not be rescanned).
	private headScanned = 0;
	private headQuoted = false;
	private headerEnded(text: string): boolean {
		for (let i = this.headScanned; i < text.length; i++) {
			const c = text.charCodeAt(i);
			if (c === QUOTE) this.headQuoted = !this.headQuoted;
			else if (!this.headQuoted && (c === LF || c === CR)) return true;
		}
		this.headScanned = text.length;
		return false;
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
	/** Reads `text` up to `limit` (looking ahead past it); where it stopped. */
	private read(text: string, limit: number, records: CsvRecord[]): number {
		const sep = this.sep.charCodeAt(0);
		let i = 0;
		while (i < limit) {
			if (this.quoted) {
				// Inside a quoted field: up to the closing quote; "" is one quote.
				const found = text.indexOf('"', i);
				const q = found === -1 || found >= limit ? -1 : found;
				const end = q === -1 ? limit : q;
				for (let k = i; k < end; k++) {
					const c = text.charCodeAt(k);
					if (c === LF || (c === CR && text.charCodeAt(k + 1) !== LF)) this.line++;
				}
				this.field += text.slice(i, end);
				if (q === -1) return limit;
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
			while (j < limit) {
				const d = text.charCodeAt(j);
				if (d === sep || d === CR || d === LF || d === QUOTE) break;
				j++;
			}
			this.field += text.slice(i, j);
			this.fieldStarted = true;
			i = j;
		}
		return i;
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
