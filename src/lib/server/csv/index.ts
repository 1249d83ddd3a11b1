export {
	CsvReader,
	CsvRecordTooLongError,
	MAX_RECORD_CHARS,
	detectSeparator,
	parseCsv,
	stripBom,
	type CsvRecord,
	type CsvSeparator
} from './parse.ts';
export { CSV_BOM, csvLine, neutraliseCell, toCsv, type CsvValue } from './write.ts';
