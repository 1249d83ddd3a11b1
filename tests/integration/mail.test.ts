import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tables } from '../../src/lib/server/db/index.ts';
import { countJobs, startJobRunner, type JobRunner } from '../../src/lib/server/jobs/index.ts';
import {
	getEmail,
	listOutbox,
	mailJobHandlers,
	MAIL_DELIVER_JOB,
	queueEmail
} from '../../src/lib/server/mail/index.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';

const log = pino({ level: 'silent' });
const MAIL_FROM = 'Relais <no-reply@relais.test>';

type Received = { from: string; to: string[]; raw: string; at: number };

/** A real SMTP server on 127.0.0.1, port 0; `refuse` answers every recipient with a 550. */
async function startSmtp(options: { refuse?: boolean } = {}) {
	const received: Received[] = [];
	const attempts: number[] = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		onRcptTo(_address, _session, callback) {
			attempts.push(Date.now());
			if (!options.refuse) return callback();
			const error = Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 });
			callback(error);
		},
		onData(stream, session, callback) {
			let raw = '';
			stream.setEncoding('utf8');
			stream.on('data', (chunk: string) => (raw += chunk));
			stream.on('end', () => {
				received.push({
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((r) => r.address),
					raw,
					at: Date.now()
				});
				callback();
			});
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.server.address() as AddressInfo;
	return {
		url: `smtp://127.0.0.1:${port}`,
		received,
		attempts,
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}

describe.each(drivers())('the e-mail outbox on %s', (driver) => {
	let database: TestDatabase;
	const runners: JobRunner[] = [];

	beforeAll(async () => {
		database = await freshDatabase(driver);
	});
	afterAll(async () => {
		await Promise.all(runners.map((r) => r.stop()));
		await database.drop();
	});
	beforeEach(async () => {
		await Promise.all(runners.splice(0).map((r) => r.stop()));
		await database.db.delete(tables.jobs);
		await database.db.delete(tables.emailOutbox);
	});

	it('keeps a message for the Outbox page when no SMTP server is configured', async () => {
		const queued = await queueEmail(
			database.db,
			{ to: 'ana@example.test', subject: 'Hello', text: 'Body', kind: 'test' },
			{}
		);
		expect(queued.status).toBe('kept');
		expect(await getEmail(database.db, queued.id)).toMatchObject({
			to: 'ana@example.test',
			subject: 'Hello',
			text: 'Body',
			status: 'kept',
			attempts: 0
		});
		expect(await countJobs(database.db)).toMatchObject({ waiting: 0 });
	});

	it('loses neither the message nor its job when queued in a transaction that commits, and keeps neither when it rolls back', async () => {
		const settings = { smtpUrl: 'smtp://127.0.0.1:1' };
		await database.db.transaction(async (tx) => {
			await queueEmail(
				tx,
				{ to: 'a@example.test', subject: 's', text: 't', kind: 'test' },
				settings
			);
		});
		await expect(
			database.db.transaction(async (tx) => {
				await queueEmail(
					tx,
					{ to: 'b@example.test', subject: 's', text: 't', kind: 'test' },
					settings
				);
				throw new Error('the invitation failed');
			})
		).rejects.toThrow('the invitation failed');
		const page = await listOutbox(database.db, { limit: 10 });
		expect(page.items.map((item) => item.to)).toEqual(['a@example.test']);
		expect(page.items[0].status).toBe('pending');
		const jobs = await database.db.select().from(tables.jobs);
		expect(jobs.map((job) => [job.kind, job.payload])).toEqual([
			[MAIL_DELIVER_JOB, { emailId: page.items[0].id }]
		]);
	});

	it('delivers a queued message through SMTP with the job runner', async () => {
		const smtp = await startSmtp();
		try {
			const config = { smtpUrl: smtp.url, mailFrom: MAIL_FROM };
			runners.push(
				startJobRunner({
					db: database.db,
					log,
					handlers: mailJobHandlers(config, log),
					listen: (channel, onPayload) => database.listen(channel, onPayload),
					pollMs: 200
				})
			);
			const queued = await queueEmail(
				database.db,
				{
					to: 'claire@example.test',
					subject: 'Invitation à rejoindre Alpha',
					text: 'Bonjour Claire,\nhttps://relais.test/invitation/abc',
					kind: 'invitation'
				},
				config
			);
			expect(queued.status).toBe('pending');
			await expect
				.poll(async () => (await getEmail(database.db, queued.id))?.status, { timeout: 10_000 })
				.toBe('sent');
			expect(smtp.received).toHaveLength(1);
			const [message] = smtp.received;
			expect(message.from).toBe('no-reply@relais.test');
			expect(message.to).toEqual(['claire@example.test']);
			expect(message.raw).toMatch(/^Subject: =\?UTF-8\?/m);
			expect(message.raw).toContain('https://relais.test/invitation/abc');
			const email = await getEmail(database.db, queued.id);
			expect(email).toMatchObject({ attempts: 1, lastError: null });
			expect(email?.sentAt).toBeInstanceOf(Date);
		} finally {
			await smtp.close();
		}
	});

	it('retries a message the SMTP server refuses, with growing delays, then marks it failed', async () => {
		const smtp = await startSmtp({ refuse: true });
		try {
			const config = { smtpUrl: smtp.url, mailFrom: MAIL_FROM };
			const base = 150;
			runners.push(
				startJobRunner({
					db: database.db,
					log,
					handlers: mailJobHandlers(config, log),
					pollMs: 20,
					retryBaseMs: base
				})
			);
			const queued = await queueEmail(
				database.db,
				{ to: 'nobody@example.test', subject: 'Reset', text: 'Body', kind: 'password_reset' },
				config
			);
			await expect
				.poll(async () => (await getEmail(database.db, queued.id))?.status, { timeout: 15_000 })
				.toBe('failed');
			const email = await getEmail(database.db, queued.id);
			expect(email).toMatchObject({ attempts: 5, sentAt: null });
			expect(email?.lastError).toMatch(/Mailbox unavailable/);
			const [job] = await database.db
				.select()
				.from(tables.jobs)
				.where(eq(tables.jobs.kind, MAIL_DELIVER_JOB));
			expect(job.failedAt).toBeInstanceOf(Date);
			expect(job.attempts).toBe(5);
			// Five tries, each retry waiting at least base × 2^(n-1) after the previous one.
			expect(smtp.attempts).toHaveLength(5);
			const gaps = smtp.attempts.slice(1).map((at, i) => at - smtp.attempts[i]);
			gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(base * 2 ** i - 25));
			expect(smtp.received).toHaveLength(0);
		} finally {
			await smtp.close();
		}
	});

	it('lists the outbox newest first, page by page, without skipping or repeating', async () => {
		// Rows queued in one transaction share created_at: the id breaks the tie.
		await database.db.transaction(async (tx) => {
			for (let i = 0; i < 12; i++) {
				await queueEmail(
					tx,
					{ to: `p${i}@example.test`, subject: `#${i}`, text: '.', kind: 'test' },
					{}
				);
			}
		});
		for (let i = 12; i < 25; i++) {
			await queueEmail(
				database.db,
				{ to: `p${i}@example.test`, subject: `#${i}`, text: '.', kind: 'test' },
				{}
			);
		}
		const seen: Array<{ subject: string; id: string; at: number }> = [];
		let cursor: string | null = null;
		let pages = 0;
		do {
			const page = await listOutbox(database.db, { before: cursor, limit: 10 });
			seen.push(
				...page.items.map((item) => ({
					subject: item.subject,
					id: item.id,
					at: item.createdAt.getTime()
				}))
			);
			cursor = page.nextCursor;
			pages++;
		} while (cursor);
		expect(pages).toBe(3);
		expect(new Set(seen.map((row) => row.subject)).size).toBe(25);
		// Newest first. Within one millisecond the database still orders by microseconds, then id,
		// which a JavaScript Date cannot show: only the millisecond order is checked here.
		for (let i = 1; i < seen.length; i++) {
			expect(seen[i - 1].at).toBeGreaterThanOrEqual(seen[i].at);
		}
		expect(seen.at(-1)?.at).toBe(seen.find((row) => row.subject === '#0')?.at);
		const forOne = await listOutbox(database.db, { to: 'P3@Example.test' });
		expect(forOne.items.map((item) => item.subject)).toEqual(['#3']);
		// A malformed cursor is the first page, not an error.
		expect((await listOutbox(database.db, { before: "x' or 1=1", limit: 5 })).items).toHaveLength(
			5
		);
	});
});
