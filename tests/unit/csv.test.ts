import { describe, expect, it } from 'vitest';
import {
	CsvReader,
	CsvRecordTooLongError,
	csvLine,
	MAX_RECORD_CHARS,
	detectSeparator,
	neutraliseCell,
	parseCsv,
	toCsv
} from '../../src/lib/server/csv/index.ts';
import { decodeCsv } from '../../src/lib/server/imports/commands.ts';
import { guessMapping, IMPORT_FIELDS } from '../../src/lib/server/imports/fields.ts';
import { parseAmount, parseDate, parseStage } from '../../src/lib/server/imports/values.ts';

const cells = (text: string) => parseCsv(text).map((r) => r.cells);

describe('the CSV reader', () => {
	it('reads UTF-8 with and without a byte-order mark alike', () => {
		expect(cells('\uFEFFnom,ville\nÉlodie,Besançon\n')).toEqual([
			['nom', 'ville'],
			['Élodie', 'Besançon']
		]);
		expect(cells('nom,ville\nÉlodie,Besançon')).toEqual([
			['nom', 'ville'],
			['Élodie', 'Besançon']
		]);
	});

	it('decodes UTF-8 files, and Windows-1252 ones from older Excel versions', () => {
		expect(decodeCsv(new TextEncoder().encode('\uFEFFSociété;Zoë'))).toBe('Société;Zoë');
		expect(decodeCsv(Uint8Array.from(Buffer.from('Société;Zoë', 'latin1')))).toBe('Société;Zoë');
	});

	it('detects the separator from the header line: ";" from French spreadsheets, "," otherwise', () => {
		expect(detectSeparator('Nom;Montant;Date\n"a,b";1,5;x')).toBe(';');
		expect(detectSeparator('name,amount\n"a;b";1')).toBe(',');
		expect(detectSeparator('"Nom; complet",Ville\n')).toBe(',');
		expect(cells('Nom;Montant\nDupont;12 500,50\n')).toEqual([
			['Nom', 'Montant'],
			['Dupont', '12 500,50']
		]);
	});

	it('reads quoted fields holding separators, quotes and line breaks, and gives each record its first line', () => {
		const text = 'a,b,c\r\n"x, y","say ""hi""","line 1\r\nline 2"\r\nlast,,\r\n';
		const records = parseCsv(text);
		expect(records).toEqual([
			{ line: 1, cells: ['a', 'b', 'c'] },
			{ line: 2, cells: ['x, y', 'say "hi"', 'line 1\r\nline 2'] },
			{ line: 4, cells: ['last', '', ''] }
		]);
	});

	it('handles CRLF, LF and lone CR line ends and skips blank lines', () => {
		expect(cells('a;b\r\n1;2\r\n\r\n3;4\n5;6\r7;8')).toEqual([
			['a', 'b'],
			['1', '2'],
			['3', '4'],
			['5', '6'],
			['7', '8']
		]);
		const records = parseCsv('h\n\n\nv\n');
		expect(records.map((r) => r.line)).toEqual([1, 4]);
	});
});

describe('the CSV reader fed in pieces', () => {
	it('reads the same records wherever the text is cut, line numbers included', () => {
		const text =
			'\uFEFFa;b;c\r\n"x; y";"say ""hi""";"line 1\r\nline 2"\r\n\r\nlast;;\rq"uote;"";\n"open';
		const whole = parseCsv(text);
		expect(whole.map((r) => r.line)).toEqual([1, 2, 5, 6, 7]);
		for (let cut = 0; cut <= text.length; cut++) {
			for (const size of [1, 2, 3]) {
				const reader = new CsvReader();
				const records = [...reader.push(text.slice(0, cut))];
				for (let at = cut; at < text.length; at += size)
					records.push(...reader.push(text.slice(at, at + size)));
				records.push(...reader.end());
				expect(records, `cut at ${cut}, then pieces of ${size}`).toEqual(whole);
			}
		}
	});
});

describe('the CSV reader on a record that never ends', () => {
	const PIECE = 65_536;

	/** Pushes `text` in pieces as an import does; the line of the refusal, checking what is held. */
	function refusedAt(text: string): { line: number; pushes: number; records: number } {
		const reader = new CsvReader();
		let records = 0;
		let pushes = 0;
		for (let at = 0; at < text.length; at += PIECE) {
			try {
				records += reader.push(text.slice(at, at + PIECE)).length;
			} catch (error) {
				expect(error).toBeInstanceOf(CsvRecordTooLongError);
				return { line: (error as CsvRecordTooLongError).line, pushes, records };
			}
			pushes++;
			expect(reader.heldChars).toBeLessThanOrEqual(MAX_RECORD_CHARS);
		}
		throw new Error('the reader took the whole text');
	}
	const twoMillion = 2_000_000;

	it('refuses a 2 MB line, in the header or further down, before holding more than the bound', () => {
		expect(refusedAt('x'.repeat(twoMillion))).toEqual({
			line: 1,
			pushes: Math.floor(MAX_RECORD_CHARS / PIECE),
			records: 0
		});
		const head = 'name;notes\nAcme;ok\nBeta;ok\n';
		const refused = refusedAt(`${head}Gamma;${'y'.repeat(twoMillion)}\nDelta;ok\n`);
		expect(refused).toMatchObject({ line: 4, records: 3 });
	});

	it('refuses a quote never closed, and a line of separators only, at the line where it opens', () => {
		expect(refusedAt(`a,b\n1,2\n3,"${'z\r\n'.repeat(twoMillion / 3)}`).line).toBe(3);
		expect(refusedAt(`a,b\n${','.repeat(twoMillion)}`).line).toBe(2);
	});

	it('still reads records just under the bound, one after another', () => {
		const cell = 'w'.repeat(MAX_RECORD_CHARS - 10);
		const reader = new CsvReader();
		const text = `h\n${cell}\n"${cell}"\n`;
		const records = [];
		for (let at = 0; at < text.length; at += PIECE)
			records.push(...reader.push(text.slice(at, at + PIECE)));
		records.push(...reader.end());
		expect(records.map((r) => [r.line, r.cells[0].length])).toEqual([
			[1, 1],
			[2, cell.length],
			[3, cell.length]
		]);
	});
});

describe('the CSV writer', () => {
	it('neutralises every cell a spreadsheet would run as a formula', () => {
		for (const danger of [
			'=1+1',
			"=cmd|' /C calc'!A0",
			'+33 1 23',
			'-2+3',
			'@SUM(A1)',
			'\tx',
			'\rx'
		]) {
			expect(neutraliseCell(danger)).toBe(`'${danger}`);
		}
		expect(neutraliseCell('Société Générale')).toBe('Société Générale');
		expect(neutraliseCell('')).toBe('');
	});

	it('quotes cells holding separators, quotes or line breaks, and ends lines with CRLF', () => {
		expect(csvLine(['a,b', 'say "hi"', 'two\nlines', 'x;y', 'plain'])).toBe(
			'"a,b","say ""hi""","two\nlines","x;y",plain\r\n'
		);
		expect(csvLine([null, undefined, -12.5, true])).toBe(',,-12.5,true\r\n');
		expect(csvLine(["=cmd|' /C calc'!A0"])).toBe("'=cmd|' /C calc'!A0\r\n");
	});

	it('writes a BOM so Excel reads accents, and reads back what it wrote', () => {
		const text = toCsv(
			['name', 'note'],
			[
				['Élodie', '=HYPERLINK("x")'],
				['Zoë', 'a, "b"\nc']
			]
		);
		expect(text.startsWith('\uFEFFname,note\r\n')).toBe(true);
		expect(cells(text)).toEqual([
			['name', 'note'],
			['Élodie', `'=HYPERLINK("x")`],
			['Zoë', 'a, "b"\nc']
		]);
	});
});

describe('import cells', () => {
	it('accepts YYYY-MM-DD and DD/MM/YYYY dates and refuses impossible ones', () => {
		expect(parseDate('2026-12-31')).toEqual({ value: '2026-12-31' });
		expect(parseDate('31/12/2026')).toEqual({ value: '2026-12-31' });
		expect(parseDate('1/2/2026')).toEqual({ value: '2026-02-01' });
		expect(parseDate('')).toEqual({ value: null });
		expect(parseDate('31/02/2026')).toMatchObject({ error: 'imports_error_date' });
		expect(parseDate('2026-13-01')).toMatchObject({ error: 'imports_error_date' });
		expect(parseDate('12/31/2026')).toMatchObject({ error: 'imports_error_date' });
	});

	it('reads French and English amounts in cents, in the importing person’s language', () => {
		expect(parseAmount('12 500,50 €', 'fr')).toEqual({ value: 1_250_050 });
		expect(parseAmount('12,500.50', 'fr')).toEqual({ value: 1_250_050 });
		expect(parseAmount('1.250', 'fr')).toEqual({ value: 125_000 });
		expect(parseAmount('1.250', 'en')).toEqual({ error: 'amount_error_decimals' });
		expect(parseAmount('1,250', 'en')).toEqual({ value: 125_000 });
		expect(parseAmount('3000', 'en')).toEqual({ value: 300_000 });
		expect(parseAmount('', 'fr')).toEqual({ value: null });
		expect(parseAmount('-5', 'fr')).toMatchObject({ error: 'amount_error_negative' });
		expect(parseAmount('abc', 'fr')).toMatchObject({ error: 'amount_error_not_a_number' });
	});

	it('reads stage names in English and French', () => {
		expect(parseStage('Négociation')).toEqual({ value: 'negotiation' });
		expect(parseStage('Closed Won')).toEqual({ value: 'won' });
		expect(parseStage('perdu')).toEqual({ value: 'lost' });
		expect(parseStage('Proposal')).toEqual({ value: 'proposal' });
		expect(parseStage('dormant')).toMatchObject({ error: 'imports_error_stage' });
	});

	it('guesses the columns from French and English headers', () => {
		expect(
			guessMapping(['Nom', 'E-mail', 'Fonction', 'Téléphone', 'Compte'], IMPORT_FIELDS.contacts)
		).toEqual({
			name: '0',
			email: '1',
			jobTitle: '2',
			phone: '3',
			account: '4'
		});
		expect(
			guessMapping(
				['Opportunity name', 'Account', 'Stage', 'Amount', 'Close date'],
				IMPORT_FIELDS.opportunities
			)
		).toEqual({ name: '0', account: '1', stage: '2', amount: '3', closeDate: '4' });
	});
});
