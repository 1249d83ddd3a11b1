import busboy from 'busboy';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
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
	let parser: busboy.Busboy;
	try {
		parser = busboy({
			headers: { 'content-type': request.headers.get('content-type') ?? '' },
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
			if (!(name in fields)) fields[name] = value;
		});
		parser.on('file', (name, stream, info) => {
			if (name !== options.fileField || handled) {
				stream.resume();
				return;
			}
			let received = 0;
			async function* bytes(): AsyncGenerator<Uint8Array> {
				for await (const chunk of stream as AsyncIterable<Buffer>) {
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
		await handled;
		// A body over its route's limit, counted as it was read (body-limit.ts countedBody).
		if (error instanceof BodyTooLargeError) throw error;
		throw new MalformedFormError(error);
	}
	return { fields, file: handled && (await handled) };
}
