import busboy from 'busboy';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { FormFailure } from '../../shared/forms.ts';
import { hasForbiddenCharacters } from '../../shared/text-input.ts';
import { forbiddenFormFailure } from './forms.ts';
import { BodyTooLargeError } from './limits.ts';

// A multipart form read as a stream (busboy): SvelteKit's request.formData() holds the whole body
// in memory, a file included. The fields before the file are known when the file starts; the file
// reaches its handler as a stream of bytes, so it can be stored as it arrives.

export type FilePart = {
	field: string;
	filename: string;
	mimeType: string;
	/** The file's bytes; ends with FileTooLargeError when it is over `maxFileBytes`. */
	bytes: AsyncIterable<Uint8Array>;
	/** Bytes read so far. */
	received(): number;
};

/** The file was cut at `limitBytes`. */
export class FileTooLargeError extends Error {
	readonly limitBytes: number;
	constructor(limitBytes: number) {
		super(`File over ${limitBytes} bytes`);
		this.name = 'FileTooLargeError';
		this.limitBytes = limitBytes;
	}
}

/** The body is not a form, or ended before the form did (a client gone mid-upload). */
export class MalformedFormError extends Error {
	constructor(cause: unknown) {
		super('Malformed or incomplete form body', { cause });
		this.name = 'MalformedFormError';
	}
}

export type StreamedForm<T> = {
	fields: Record<string, string>;
	/** What `onFile` returned or threw; absent when the form had no file `fileField`. */
	file?: { part: FilePart; result: PromiseSettledResult<T> };
	/**
	 * The edge's text check, as parseForm applies it (http/forms.ts): a field name or value, or
	 * the file's name, holding a character no text may hold; answer it with `fail(400, refused)`.
	 * A file whose name or earlier fields are refused never reaches `onFile`.
	 */
	refused: FormFailure | null;
};

/**
 * Reads a form (multipart or urlencoded) from `request.body`. The first file named `fileField`
 * goes to `onFile` with the fields read before it; other files are dropped. Resolves once the
 * whole body has been read (so the answer reaches a client still sending) and `onFile` has
 * settled; if `onFile` stops early, the rest of the file is read and dropped.
 */
export async function readStreamedForm<T>(
	request: Request,
	options: {
		fileField: string;
		maxFileBytes: number;
		onFile: (part: FilePart, fields: Record<string, string>) => Promise<T>;
	}
): Promise<StreamedForm<T>> {
	const fields: Record<string, string> = {};
	// Every field as sent (repeated names too) and the file names, for the text check.
	const sent = new FormData();
	const forbidden = (name: string, text: string) =>
		hasForbiddenCharacters(name) || hasForbiddenCharacters(text);
	let refused = false;
	let parser: busboy.Busboy;
	try {
		parser = busboy({
			headers: { 'content-type': request.headers.get('content-type') ?? '' },
			// Browsers send a file name in UTF-8; busboy reads it as Latin-1 unless told.
			defParamCharset: 'utf8',
			// busboy marks a file truncated as soon as it reaches `fileSize`, so a file of exactly the
			// limit would be refused: one byte more tells "at the limit" from "over it".
			limits: { fileSize: options.maxFileBytes + 1, files: 1, fields: 20, fieldSize: 4096 }
		});
	} catch (error) {
		throw new MalformedFormError(error);
	}
	if (!request.body) throw new MalformedFormError(new Error('No body'));
	let handled: Promise<{ part: FilePart; result: PromiseSettledResult<T> }> | undefined;

	const done = new Promise<void>((resolve, reject) => {
		parser.on('field', (name, value) => {
			sent.append(name, value);
			if (forbidden(name, value)) refused = true;
			if (!(name in fields)) fields[name] = value;
		});
		parser.on('file', (name, stream, info) => {
			sent.append(name, new File([], info.filename ?? ''));
			if (forbidden(name, info.filename ?? '')) refused = true;
			if (name !== options.fileField || handled || refused) {
				stream.resume();
				return;
			}
			let received = 0;
			async function* bytes(): AsyncGenerator<Uint8Array> {
				// Not destroyed when the reader stops early (an import refused mid-file): busboy would wait
				// forever for a destroyed stream to take its next chunk; the rest is read and dropped below.
				for await (const chunk of stream.iterator({
					destroyOnReturn: false
				}) as AsyncIterable<Buffer>) {
					received += chunk.byteLength;
					yield chunk;
				}
				if ((stream as { truncated?: boolean }).truncated)
					throw new FileTooLargeError(options.maxFileBytes);
			}
			const part: FilePart = {
				field: name,
				filename: info.filename ?? '',
				mimeType: info.mimeType ?? '',
				bytes: bytes(),
				received: () => received
			};
			handled = options.onFile(part, { ...fields }).then(
				(value) => ({ part, result: { status: 'fulfilled' as const, value } }),
				(reason: unknown) => ({ part, result: { status: 'rejected' as const, reason } })
			);
			// Whatever the handler left unread is read and dropped, so the form goes on.
			void handled.then(() => stream.resume());
		});
		parser.on('close', resolve);
		parser.on('error', reject);
	});
	const body = Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>);
	body.on('error', (error) => parser.destroy(error));
	body.pipe(parser);
	try {
		await done;
	} catch (error) {
		// The rest of the body is read and dropped rather than left hanging (unpiped, the upload
		// stalls until the socket times out) or cancelled (the socket is reset: the client never
		// sees the answer). The route's limit bounds that reading (body-limit.ts).
		body.unpipe(parser);
		parser.destroy();
		body.resume();
		await handled;
		// A body over its route's limit, counted as it was read (body-limit.ts countedBody).
		if (error instanceof BodyTooLargeError) throw error;
		throw new MalformedFormError(error);
	}
	return {
		fields,
		file: handled && (await handled),
		refused: refused ? forbiddenFormFailure(sent) : null
	};
}
