import { request } from 'node:http';
import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables, type Database } from '../../src/lib/server/db/index.ts';
import { MAX_STORED_ERRORS } from '../../src/lib/server/imports/index.ts';
import { drivers } from '../support/db.ts';
import { createTestUser } from '../support/factories.ts';
import {
	childDatabase,
	builtAppServes,
	spawnRelais,
	type RelaisProcess
} from '../support/process.ts';

// CSV imports through the real /imports/new form action of the built app (server/index.ts in a
// child process), posted like a browser: the file streams to the database and is parsed as a
// stream, so the server's memory does not grow with the file (a 44 MB file once took it from
// 0.6 to 2.3 GB, formData() and the whole text held at once). The server's live heap is sampled
// through its inspector while a 40 MB file is uploaded and while it is imported.

const built = builtAppServes('(app)/imports/new');
const title = built
	? 'CSV imports over HTTP'
	: 'CSV imports over HTTP (skipped: no build — run `npm run build` first)';

const PASSWORD = 'correct horse battery staple';
const MB = 1024 * 1024;
/** How much more the server's live heap may hold while a 40 MB file is uploaded or imported. */
const HEAP_BOUND = 16 * MB;

/** Accounts CSV of `rows` rows of about 3.4 KB (an unmapped column), every `badEvery`th nameless. */
function* accountsCsv(prefix: string, rows: number, badEvery: number): Generator<Buffer> {
	yield Buffer.from('name,domain,external id,filler\r\n');
	const filler = 'x'.repeat(3400);
	let lines: string[] = [];
	for (let i = 1; i <= rows; i++) {
		const name = i % badEvery === 0 ? '' : `${prefix} Company ${i}`;
		lines.push(`${name},${prefix.toLowerCase()}${i}.example,${prefix}-${i},${filler}\r\n`);
		if (lines.length === 100) {
			yield Buffer.from(lines.join(''));
			lines = [];
		}
	}
	if (lines.length) yield Buffer.from(lines.join(''));
}

const BOUNDARY = '----RelaisImportBoundary7MA4YWxkTrZu0gW';

/** The multipart body a browser sends for the form: the kind, then the file. */
function* multipart(kind: string, filename: string, file: Iterable<Buffer>): Generator<Buffer> {
	yield Buffer.from(
		`--${BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n${kind}\r\n` +
			`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
			'Content-Type: text/csv\r\n\r\n'
	);
	yield* file;
	yield Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
}

type Answer = { status: number; location: string | null; body: string };

/**
 * Posts a body generated twice: once to count its bytes (Content-Length, as browsers send); or
 * once, chunked (no Content-Length), as other clients may.
 */
function post(
	url: string,
	headers: Record<string, string>,
	body: () => Iterable<Buffer>,
	options: { chunked?: boolean } = {}
): Promise<Answer> {
	let length = 0;
	if (!options.chunked) for (const chunk of body()) length += chunk.byteLength;
	return new Promise((resolve, reject) => {
		const req = request(url, {
			method: 'POST',
			headers: options.chunked ? headers : { ...headers, 'content-length': String(length) }
		});
		req.on('error', reject);
		req.on('response', (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (c: string) => (text += c));
			res.on('end', () =>
				resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, body: text })
			);
		});
		const chunks = body()[Symbol.iterator]();
		const write = () => {
			for (;;) {
				const next = chunks.next();
				if (next.done) return req.end();
				if (!req.write(next.value)) return req.once('drain', write);
			}
		};
		write();
	});
}

/**
 * The server's live heap, through its inspector (the test starts it with --inspect on port 0): a
 * full collection, then process.memoryUsage().heapUsed, so garbage not yet collected (V8 collects
 * lazily) does not count, only what the server holds.
 */
async function heapProbe(stderr: () => string) {
	let address = '';
	await expect
		.poll(() => (address = /ws:\/\/[^\s]+/.exec(stderr())?.[0] ?? ''), { timeout: 10_000 })
		.not.toBe('');
	const socket = new WebSocket(address);
	await new Promise((resolve, reject) => {
		socket.onopen = resolve;
		socket.onerror = reject;
	});
	let last = 0;
	const waiting = new Map<number, (message: { result?: unknown }) => void>();
	socket.onmessage = (event) => {
		const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
		if (message.id !== undefined) waiting.get(message.id)?.(message);
	};
	const send = (method: string, params: object = {}) =>
		new Promise<{ result?: unknown }>((resolve) => {
			const id = ++last;
			waiting.set(id, resolve);
			socket.send(JSON.stringify({ id, method, params }));
		});
	return {
		/** The live heap, plus the bytes of ArrayBuffers (where Buffers keep their bytes). */
		async heapUsed(): Promise<number> {
			await send('HeapProfiler.collectGarbage');
			const answer = (await send('Runtime.evaluate', {
				expression:
					'(({ heapUsed, arrayBuffers }) => heapUsed + arrayBuffers)(process.memoryUsage())',
				returnByValue: true
			})) as { result: { result: { value: number } } };
			return answer.result.result.value;
		},
		close: () => socket.close()
	};
}

/** Samples the heap while `work` runs; its largest value. */
async function peakHeapDuring<T>(
	probe: Awaited<ReturnType<typeof heapProbe>>,
	work: Promise<T>
): Promise<{ value: T; peak: number }> {
	let done = false;
	let peak = 0;
	const sampling = (async () => {
		while (!done) {
			peak = Math.max(peak, await probe.heapUsed());
			await new Promise((resolve) => setTimeout(resolve, 300));
		}
	})();
	try {
		return { value: await work, peak };
	} finally {
		done = true;
		await sampling;
		peak = Math.max(peak, await probe.heapUsed());
	}
}

describe.runIf(built).each(drivers())(`${title} on %s`, { timeout: 180_000 }, (driver) => {
	let relais: RelaisProcess;
	let url: string;
	let cookie = '';
	let open: () => Promise<Database>;
	const cleanups: (() => Promise<void> | void)[] = [];

	beforeAll(async () => {
		const child = await childDatabase(driver);
		cleanups.push(child.remove);
		const { env } = child;
		// PGlite serves one process: the test opens it only while the server is stopped.
		open = child.open;
		const database = await open();
		let email: string;
		try {
			email = (await createTestUser(database.db, { role: 'admin', password: PASSWORD })).user.email;
		} finally {
			await database.close();
		}
		relais = spawnRelais({
			env: {
				...env,
				RELAIS_HANDLER: undefined,
				RELAIS_JOBS: 'on',
				LOG_LEVEL: 'error',
				NODE_OPTIONS: '--inspect=127.0.0.1:0'
			}
		});
		url = await relais.listening;
		const signedIn = await fetch(`${url}/login`, {
			method: 'POST',
			headers: {
				origin: url,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: new URLSearchParams({ email, password: PASSWORD, next: '' }),
			redirect: 'manual'
		});
		expect(signedIn.status).toBe(303);
		cookie = signedIn.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
	});

	afterAll(async () => {
		relais?.kill();
		await relais?.exited;
		for (const cleanup of cleanups) await cleanup();
	});

	const headers = (extra: Record<string, string> = {}) => ({
		origin: url,
		cookie,
		accept: 'text/html',
		'accept-language': 'en',
		...extra
	});

	/** Uploads a file as the form without JavaScript does; the new import's id. */
	async function upload(
		filename: string,
		file: () => Iterable<Buffer>,
		options: { chunked?: boolean } = {}
	): Promise<string> {
		const answer = await post(
			`${url}/imports/new`,
			headers({ 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }),
			() => multipart('accounts', filename, file()),
			options
		);
		expect(answer.status, answer.body.slice(0, 500)).toBe(303);
		const id = /^\/imports\/([0-9a-f-]{36})$/.exec(answer.location ?? '')?.[1];
		expect(id).toBeDefined();
		return id!;
	}

	/** Starts the import (the page's start button, without JavaScript) and waits for its end. */
	async function runToEnd(id: string): Promise<string> {
		const started = await fetch(`${url}/imports/${id}?/start`, {
			method: 'POST',
			headers: headers({ 'content-type': 'application/x-www-form-urlencoded' }),
			body: '',
			redirect: 'manual'
		});
		expect(started.status).toBe(303);
		for (;;) {
			const page = await (await fetch(`${url}/imports/${id}`, { headers: headers() })).text();
			// The finished page lists the rows not imported, or says every row was.
			if (/Rows not imported|Every row was imported/.test(page)) return page;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	it('uploads a small file with a plain form post, follows the redirect to its preview, and imports it', async () => {
		const id = await upload('small.csv', () => [
			Buffer.from('name,domain,external id\r\nSmall One,small1.example,S-1\r\n,,S-2\r\n')
		]);
		const preview = await fetch(`${url}/imports/${id}`, { headers: headers() });
		expect(preview.status).toBe(200);
		const html = await preview.text();
		expect(html).toContain('Small One');
		expect(html).toContain('small1.example');
		const page = await runToEnd(id);
		expect(page).toContain('1 created, 0 updated, 1 rejected.');
	});

	it('streams a file sent without Content-Length too, counted as it is read', async () => {
		const probe = await heapProbe(relais.stderr);
		const before = await probe.heapUsed();
		const uploaded = await peakHeapDuring(
			probe,
			upload('chunked.csv', () => accountsCsv('CHK', 6_000, 1_000_000), { chunked: true })
		);
		probe.close();
		console.info(`[${driver}] 20 MB chunked: +${((uploaded.peak - before) / MB).toFixed(1)} MB`);
		expect(uploaded.peak - before).toBeLessThan(HEAP_BOUND);
		const preview = await (
			await fetch(`${url}/imports/${uploaded.value}`, { headers: headers() })
		).text();
		expect(preview).toContain('CHK Company 1');
	});

	it('streams a 40 MB file to the database and imports it with exact counts, its memory bounded whatever its size', async () => {
		const probe = await heapProbe(relais.stderr);
		// A medium file first: the server's code paths and caches are warm.
		const medium = await upload('medium.csv', () => accountsCsv('MED', 600, 1_000));
		await runToEnd(medium);

		const rows = 12_500;
		const badEvery = 10;
		const bad = rows / badEvery;
		let bytes = 0;
		for (const chunk of accountsCsv('BIG', rows, badEvery)) bytes += chunk.byteLength;
		expect(bytes).toBeGreaterThan(40 * MB);

		const before = await probe.heapUsed();
		const uploaded = await peakHeapDuring(
			probe,
			upload('big.csv', () => accountsCsv('BIG', rows, badEvery))
		);
		const id = uploaded.value;
		const ran = await peakHeapDuring(probe, runToEnd(id));
		const page = ran.value;
		probe.close();
		const growth = { upload: uploaded.peak - before, run: ran.peak - before };
		console.info(
			`[${driver}] ${(bytes / MB).toFixed(1)} MB file: heap ${(before / MB).toFixed(0)} MB before, at most +${(growth.upload / MB).toFixed(1)} MB uploading, +${(growth.run / MB).toFixed(1)} MB running`
		);
		expect(growth.upload).toBeLessThan(HEAP_BOUND);
		expect(growth.run).toBeLessThan(HEAP_BOUND);

		// The counts in words, and the errors beyond those kept as a number.
		expect(page).toContain(`${rows - bad} created, 0 updated, ${bad} rejected.`);
		expect(page).toContain(`… and ${bad - MAX_STORED_ERRORS} more errors.`);

		relais.kill('SIGTERM');
		await relais.exited;
		const database = await open();
		try {
			const [job] = await database.db
				.select()
				.from(tables.importJobs)
				.where(eq(tables.importJobs.id, id));
			expect(job).toMatchObject({
				status: 'done',
				totalRows: rows,
				processedRows: rows,
				createdCount: rows - bad,
				updatedCount: 0,
				rejectedCount: bad,
				moreErrors: bad - MAX_STORED_ERRORS
			});
			expect(job.errors).toHaveLength(MAX_STORED_ERRORS);
			expect(job.errors[0]).toEqual({ line: 1 + badEvery, message: 'imports_error_name_missing' });
			const [stored] = await database.db
				.select({ bytes: sql<number>`sum(length(${tables.importChunks.bytes}))::int` })
				.from(tables.importChunks)
				.where(eq(tables.importChunks.importId, id));
			expect(stored.bytes).toBe(bytes);
			const [{ n }] = await database.db
				.select({ n: sql<number>`count(*)::int` })
				.from(tables.accounts)
				.where(and(like(tables.accounts.externalId, 'BIG-%')));
			expect(n).toBe(rows - bad);
		} finally {
			await database.close();
		}
	});
});
