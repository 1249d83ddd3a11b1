// CSV imports of partners, accounts, contacts and opportunities (issue 3).
export {
	createImport,
	decodeCsv,
	discardImport,
	IMPORT_JOB,
	MAX_IMPORT_ROWS,
	startImport,
	updateImportMapping
} from './commands.ts';
export {
	detectEncoding,
	ENCODING_SAMPLE_BYTES,
	IMPORT_CHUNK_BYTES,
	type CsvEncoding
} from './file.ts';
export {
	fieldsFor,
	guessMapping,
	IMPORT_FIELDS,
	type ImportField,
	type ImportMapping
} from './fields.ts';
export {
	getImport,
	listImports,
	previewImport,
	PREVIEW_ROWS,
	type ImportDetail,
	type ImportPreview,
	type ImportSummary
} from './queries.ts';
export {
	IMPORTS_PURGE_JOB,
	purgeStaleUploads,
	scheduleImportJobs,
	STALE_UPLOAD_MS
} from './purge.ts';
export type { RowError, RowOutcome } from './rows.ts';
export {
	IMPORT_BATCH_SIZE,
	importJobHandlers,
	runImport,
	MAX_STORED_ERRORS,
	type ImportProgress
} from './run.ts';
