export type ImportErrorCode =
	| 'FORBIDDEN'
	| 'NOT_FOUND'
	| 'EMPTY_FILE'
	| 'NO_ROWS'
	| 'TOO_MANY_ROWS'
	| 'NOT_DRAFT'
	| 'MISSING_FIELDS'
	| 'LINE_TOO_LONG';

/** A refusal of the import module; routes map `code` to a message (imports_refused_<code>). */
export class ImportError extends Error {
	readonly code: ImportErrorCode;
	readonly fields: string[];
	/** The file's line the refusal is about (LINE_TOO_LONG). */
	readonly line: number | undefined;
	constructor(code: ImportErrorCode, fields: string[] = [], line?: number) {
		super(`Import refused: ${code}`);
		this.name = 'ImportError';
		this.code = code;
		this.fields = fields;
		this.line = line;
	}
}
