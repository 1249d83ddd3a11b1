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

/**
 * The most characters one record (one line, or several inside a quoted cell) may hold: a file
 * with no line end, or a quote never closed, would otherwise grow the record with the file.
 */
export const MAX_RECORD_CHARS = 1_000_000;

/** A record longer than MAX_RECORD_CHARS; `line` is where it starts. The reader is done. */
export class CsvRecordTooLongError extends Error {
	readonly line: number;
	constructor(line: number) {
		super(`CSV record at line ${line} is longer than ${MAX_RECORD_CHARS} characters`);
		this.name = 'CsvRecordTooLongError';
		this.line = line;
	}
}

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
	/** Characters of the record being read (cells, separators, quotes): bounded by MAX_RECORD_CHARS. */
	private recordChars = 0;
	/** The header's text until its line ends: pieces, joined once (a rope grown by `+` was flattened at each push). */
	private head: string[] = [];
	private headChars = 0;

	constructor(separator?: CsvSeparator) {
		this.separator = separator;
	}

	/** The separator in use (known once the first text is pushed). */
	get delimiter(): CsvSeparator {
		return this.sep;
	}

	/** Characters held for records not yet complete: never more than about MAX_RECORD_CHARS. */
	get heldChars(): number {
		return this.headChars + this.carry.length + this.recordChars;
	}

	push(piece: string): CsvRecord[] {
		let text: string;
		if (!this.started) {
			// The separator is decided once, from the header line: wait until it is whole.
			this.head.push(piece);
			this.headChars += piece.length;
			if (!this.headerEnded(piece)) {
				if (this.headChars > MAX_RECORD_CHARS) throw new CsvRecordTooLongError(1);
				return [];
			}
			text = this.head.join('');
			this.head = [];
			this.headChars = 0;
			this.start(text);
			text = stripBom(text);
		} else {
			text = this.carry + piece;
			this.carry = '';
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
			const text = this.head.join('');
			this.head = [];
			this.headChars = 0;
			this.start(text);
			this.carry = stripBom(text);
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

	// Each piece is scanned once however the header arrives (one huge line must not be rescanned).
	private headQuoted = false;
	private headerEnded(piece: string): boolean {
		for (let i = 0; i < piece.length; i++) {
			const c = piece.charCodeAt(i);
			if (c === QUOTE) this.headQuoted = !this.headQuoted;
			else if (!this.headQuoted && (c === LF || c === CR)) return true;
		}
		return false;
	}

	/** Counts `n` more characters into the record, refusing it past MAX_RECORD_CHARS. */
	private grow(n: number) {
		this.recordChars += n;
		if (this.recordChars > MAX_RECORD_CHARS) throw new CsvRecordTooLongError(this.recordLine);
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
		this.recordChars = 0;
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
				this.grow(end - i);
				for (let k = i; k < end; k++) {
					const c = text.charCodeAt(k);
					if (c === LF || (c === CR && text.charCodeAt(k + 1) !== LF)) this.line++;
				}
				this.field += text.slice(i, end);
				if (q === -1) return limit;
				if (text.charCodeAt(q + 1) === QUOTE) {
					this.grow(2);
					this.field += '"';
					i = q + 2;
					continue;
				}
				this.grow(1);
				this.quoted = false;
				this.fieldStarted = true;
				i = q + 1;
				continue;
			}
			const c = text.charCodeAt(i);
			if (c === QUOTE && !this.fieldStarted && this.field === '') {
				this.grow(1);
				this.quoted = true;
				i++;
				continue;
			}
			if (c === sep) {
				this.grow(1);
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
			this.grow(j - i);
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
