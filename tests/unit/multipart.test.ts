import { describe, expect, it } from 'vitest';
import { MalformedFormError, readStreamedForm } from '../../src/lib/server/http/multipart.ts';
import { TEXT_CHARACTERS_KEY } from '../../src/lib/shared/text-input.ts';

// The streamed multipart reader of the import form (http/multipart.ts), fed a body as a client
// sends it: a stream the test counts as it is read.

const BOUNDARY = 'RelaisTestBoundary';
const encoder = new TextEncoder();

/** A request whose body is `head`, then `chunks` chunks of 16 KiB pulled one at a time. */
function streamedRequest(head: string, chunks: number, tail = '') {
	const state = { pulled: 0, cancelled: false };
	const filler = new Uint8Array(16 * 1024).fill(120);
	let tailSent = false;
	const body = new ReadableStream<Uint8Array>(
		{
			start(controller) {
				controller.enqueue(encoder.encode(head));
			},
			pull(controller) {
				if (state.pulled < chunks) {
					state.pulled++;
					controller.enqueue(filler);
				} else if (!tailSent && tail) {
					tailSent = true;
					controller.enqueue(encoder.encode(tail));
				} else controller.close();
			},
			cancel() {
				state.cancelled = true;
			}
		},
		{ highWaterMark: 1 }
	);
	const request = new Request('http://relais.test/imports/new', {
		method: 'POST',
		headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
		body,
		duplex: 'half'
	} as RequestInit);
	return { request, state };
}

const field = (name: string, value: string) =>
	`--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
/** A file part's head; `encoded` as RFC 5987 `filename*` (how a NUL can reach the name). */
const fileHead = (filename: string, encoded = false) =>
	`--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; ${encoded ? `filename*=utf-8''${filename}` : `filename="${filename}"`}\r\ncontent-type: text/csv\r\n\r\n`;

describe('the streamed multipart reader', () => {
	it('reads the rest of a malformed form to its end and drops it, neither stalling nor cancelling the upload', async () => {
		const chunks = 200;
		const { request, state } = streamedRequest(
			`${field('kind', 'accounts')}--${BOUNDARY}\r\nthis header has no colon\r\n\r\n`,
			chunks
		);
		let files = 0;
		await expect(
			readStreamedForm(request, {
				fileField: 'file',
				maxFileBytes: 1024 * 1024,
				onFile: async () => ++files
			})
		).rejects.toBeInstanceOf(MalformedFormError);
		// Left piped to a failed parser, the body stopped after a chunk or two: the client's
		// upload stalled until the socket timed out. Cancelled, the socket is reset.
		await expect.poll(() => state.pulled).toBe(chunks);
		expect(state.cancelled).toBe(false);
		expect(files).toBe(0);
	});

	it('refuses a NUL in a field or in the file name as parseForm does, and never hands such a file on', async () => {
		const forms = [
			{ head: field('kind', 'acc\u0000ounts') + fileHead('a.csv'), errors: ['kind'] },
			{ head: field('kind', 'accounts') + fileHead('a%00b%1B.csv', true), errors: ['file'] }
		];
		for (const { head, errors } of forms) {
			const { request } = streamedRequest(head + 'name\r\n', 2, `\r\n--${BOUNDARY}--\r\n`);
			let files = 0;
			const form = await readStreamedForm(request, {
				fileField: 'file',
				maxFileBytes: 1024 * 1024,
				onFile: async () => ++files
			});
			expect(files, JSON.stringify(head)).toBe(0);
			expect(form.refused).toMatchObject({ message: { key: TEXT_CHARACTERS_KEY } });
			expect(Object.keys(form.refused!.fieldErrors)).toEqual(errors);
			expect(form.refused!.values.kind).toMatch(/^acc(\uFFFD)?ounts$/);
		}
		// A field after the file is refused too (the route then discards what the file stored).
		const { request } = streamedRequest(
			field('kind', 'accounts') + fileHead('a.csv') + 'name\r\n',
			2,
			`\r\n${field('note', 'x\u0000')}--${BOUNDARY}--\r\n`
		);
		let files = 0;
		const form = await readStreamedForm(request, {
			fileField: 'file',
			maxFileBytes: 1024 * 1024,
			onFile: async () => ++files
		});
		expect(files).toBe(1);
		expect(form.file?.result).toEqual({ status: 'fulfilled', value: 1 });
		expect(Object.keys(form.refused?.fieldErrors ?? {})).toEqual(['note']);
	});

	it('reads a file name sent in UTF-8 as browsers send it, and takes a file of exactly the limit', async () => {
		const limit = 4 * 16 * 1024;
		const { request } = streamedRequest(
			field('kind', 'accounts') + fileHead('Société à Lyon.csv'),
			4,
			`\r\n--${BOUNDARY}--\r\n`
		);
		let name = '';
		let bytes = 0;
		const form = await readStreamedForm(request, {
			fileField: 'file',
			maxFileBytes: limit,
			onFile: async (part) => {
				name = part.filename;
				for await (const chunk of part.bytes) bytes += chunk.byteLength;
				return bytes;
			}
		});
		expect(name).toBe('Société à Lyon.csv');
		expect(form.file?.result).toEqual({ status: 'fulfilled', value: limit });
	});

	it('finishes the form when the file’s reader stops early (an import refused mid-file), reading the rest', async () => {
		const chunks = 200;
		const { request, state } = streamedRequest(
			field('kind', 'accounts') + fileHead('a.csv'),
			chunks,
			`\r\n--${BOUNDARY}--\r\n`
		);
		const form = await readStreamedForm(request, {
			fileField: 'file',
			maxFileBytes: 50 * 1024 * 1024,
			onFile: async (part) => {
				for await (const chunk of part.bytes) throw new Error(`refused after ${chunk.byteLength}`);
			}
		});
		// The generator's early return destroyed busboy's file stream, and busboy waited forever.
		expect(form.file?.result.status).toBe('rejected');
		expect(state.pulled).toBe(chunks);
		expect(state.cancelled).toBe(false);
	});
});
