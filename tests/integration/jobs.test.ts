import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDb, tables, type Database } from '../../src/lib/server/db/index.ts';
import {
	claimJobs,
	countJobs,
	enqueueJob,
	getJob,
	startJobRunner,
	type JobRunner
} from '../../src/lib/server/jobs/index.ts';
import { drivers, freshDatabase, type TestDatabase } from '../support/db.ts';

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds from the database's now() to a job's run_at. */
async function delayOf(database: Database, id: number): Promise<number> {
	const [row] = await database.db
		.select({
			ms: sql<number>`(extract(epoch from ${tables.jobs.runAt} - now()) * 1000)::float8`
		})
		.from(tables.jobs)
		.where(eq(tables.jobs.id, id));
	return Number(row.ms);
}

/** Makes a job due now, as if its backoff had passed. */
async function makeDue(database: Database, id: number): Promise<void> {
	await database.db
		.update(tables.jobs)
		.set({ runAt: sql`now() - interval '1 second'` })
		.where(eq(tables.jobs.id, id));
}

describe.each(drivers())('the job runner on %s', (driver) => {
	let database: TestDatabase;
	const runners: JobRunner[] = [];
	const runner = (options: Omit<Parameters<typeof startJobRunner>[0], 'db' | 'log'>) => {
		const started = startJobRunner({ db: database.db, log, ...options });
		runners.push(started);
		return started;
	};

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
	});

	it('runs an enqueued job once, with its payload, and marks it done', async () => {
		const seen: unknown[] = [];
		const id = await enqueueJob(database.db, 'test.echo', { word: 'bonjour' });
		const jobs = runner({
			autoStart: false,
			handlers: {
				'test.echo': async (payload, ctx) => {
					seen.push({ payload, attempt: ctx.attempt, jobId: ctx.jobId });
				}
			}
		});
		expect(await jobs.runOnce()).toBe(1);
		expect(await jobs.runOnce()).toBe(0);
		expect(seen).toEqual([{ payload: { word: 'bonjour' }, attempt: 1, jobId: id }]);
		const job = await getJob(database.db, id);
		expect(job?.doneAt).toBeInstanceOf(Date);
		expect(job?.lockedAt).toBeNull();
		expect(job?.attempts).toBe(1);
	});

	it('does not run a job before its runAt', async () => {
		const later = new Date(Date.now() + 60_000);
		await enqueueJob(database.db, 'test.later', {}, { runAt: later });
		const jobs = runner({ autoStart: false, handlers: { 'test.later': async () => {} } });
		expect(await jobs.runOnce()).toBe(0);
	});

	it('enqueues inside a transaction only when the transaction commits', async () => {
		await expect(
			database.db.transaction(async (tx) => {
				await enqueueJob(tx, 'test.rollback', {});
				throw new Error('rolled back');
			})
		).rejects.toThrow('rolled back');
		expect((await countJobs(database.db)).waiting).toBe(0);
	});

	it('leaves alone the jobs of kinds it has no handler for', async () => {
		const id = await enqueueJob(database.db, 'test.someone-else', {});
		const jobs = runner({ autoStart: false, handlers: { 'test.mine': async () => {} } });
		expect(await jobs.runOnce()).toBe(0);
		expect((await getJob(database.db, id))?.attempts).toBe(0);
	});

	it('retries a failing job with exponential backoff, then marks it failed', async () => {
		const id = await enqueueJob(database.db, 'test.flaky', {}, { maxAttempts: 3 });
		let calls = 0;
		const jobs = runner({
			autoStart: false,
			handlers: {
				'test.flaky': async () => {
					calls++;
					throw new Error(`boom ${calls}`);
				}
			}
		});

		expect(await jobs.runOnce()).toBe(1);
		let job = await getJob(database.db, id);
		expect(job).toMatchObject({ attempts: 1, lastError: 'boom 1', failedAt: null, lockedAt: null });
		expect(await delayOf(database, id)).toBeGreaterThan(28_000);
		expect(await delayOf(database, id)).toBeLessThanOrEqual(30_000);
		// Not due yet: nothing runs.
		expect(await jobs.runOnce()).toBe(0);

		await makeDue(database, id);
		expect(await jobs.runOnce()).toBe(1);
		expect(await delayOf(database, id)).toBeGreaterThan(58_000);
		expect(await delayOf(database, id)).toBeLessThanOrEqual(60_000);

		await makeDue(database, id);
		expect(await jobs.runOnce()).toBe(1);
		job = await getJob(database.db, id);
		expect(job?.failedAt).toBeInstanceOf(Date);
		expect(job).toMatchObject({ attempts: 3, lastError: 'boom 3', doneAt: null });

		await makeDue(database, id);
		expect(await jobs.runOnce()).toBe(0);
		expect(calls).toBe(3);
	});

	it('claims again a job whose worker died, once its lock is older than the timeout', async () => {
		const [dead] = await database.db
			.insert(tables.jobs)
			.values({
				kind: 'test.orphan',
				attempts: 1,
				lockedBy: 'dead-worker',
				lockedAt: sql`now() - interval '20 minutes'`
			})
			.returning();
		const [busy] = await database.db
			.insert(tables.jobs)
			.values({
				kind: 'test.orphan',
				attempts: 1,
				lockedBy: 'live-worker',
				lockedAt: sql`now() - interval '1 minute'`
			})
			.returning();
		const ran: number[] = [];
		const jobs = runner({
			autoStart: false,
			lockTimeoutMs: 10 * 60_000,
			handlers: { 'test.orphan': async (_payload, ctx) => void ran.push(ctx.jobId) }
		});
		expect(await jobs.runOnce()).toBe(1);
		expect(ran).toEqual([dead.id]);
		expect(await getJob(database.db, dead.id)).toMatchObject({
			attempts: 2,
			lockedBy: jobs.workerId
		});
		expect((await getJob(database.db, busy.id))?.doneAt).toBeNull();
	});

	it('marks failed a job whose worker died during its last attempt', async () => {
		const [dead] = await database.db
			.insert(tables.jobs)
			.values({
				kind: 'test.orphan',
				attempts: 2,
				maxAttempts: 2,
				lockedBy: 'dead-worker',
				lockedAt: sql`now() - interval '20 minutes'`
			})
			.returning();
		const jobs = runner({ autoStart: false, handlers: { 'test.orphan': async () => {} } });
		expect(await jobs.runOnce()).toBe(0);
		const job = await getJob(database.db, dead.id);
		expect(job?.failedAt).toBeInstanceOf(Date);
		expect(job?.lastError).toMatch(/stopped responding/);
	});

	it('wakes up on NOTIFY when a job is enqueued instead of waiting for the next poll', async () => {
		const done: number[] = [];
		runner({
			pollMs: 120_000,
			listen: (channel, onPayload) => database.listen(channel, onPayload),
			handlers: { 'test.wake': async (_payload, ctx) => void done.push(ctx.jobId) }
		});
		// Let the runner finish its first (empty) claim and LISTEN before enqueueing.
		await sleep(300);
		const id = await enqueueJob(database.db, 'test.wake', {});
		await expect.poll(() => done, { timeout: 5_000 }).toEqual([id]);
	});

	it('waits for the jobs it is running when stopped', async () => {
		let started = false;
		const id = await enqueueJob(database.db, 'test.slow', {});
		const jobs = runner({
			pollMs: 20,
			handlers: {
				'test.slow': async () => {
					started = true;
					await sleep(300);
				}
			}
		});
		await expect.poll(() => started).toBe(true);
		await jobs.stop();
		expect((await getJob(database.db, id))?.doneAt).toBeInstanceOf(Date);
	});
});

describe.runIf(process.env.DATABASE_URL)('two job runners on one PostgreSQL database', () => {
	let database: TestDatabase;
	let other: Database;

	beforeAll(async () => {
		database = await freshDatabase('postgres');
		// A second, separate connection pool: as a second app process would have.
		other = await createDb({ databaseUrl: database.url, poolSize: 4 });
	});
	afterAll(async () => {
		await other.close();
		await database.drop();
	});

	it('never hands the same job to two concurrent claims', async () => {
		for (let i = 0; i < 40; i++) await enqueueJob(database.db, 'test.claim', { i });
		const [a, b] = await Promise.all([
			claimJobs(database.db, {
				workerId: 'a',
				kinds: ['test.claim'],
				limit: 30,
				lockTimeoutMs: 60_000
			}),
			claimJobs(other.db, {
				workerId: 'b',
				kinds: ['test.claim'],
				limit: 30,
				lockTimeoutMs: 60_000
			})
		]);
		const ids = [...a, ...b].map((job) => job.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.length).toBe(40);
		await database.db.delete(tables.jobs);
	});

	it('never runs one job twice when two runners work the same queue', async () => {
		const total = 60;
		for (let i = 0; i < total; i++) await enqueueJob(database.db, 'test.once', { i });
		const runs = new Map<number, string[]>();
		const handler = (worker: string) => async (_payload: unknown, ctx: { jobId: number }) => {
			runs.set(ctx.jobId, [...(runs.get(ctx.jobId) ?? []), worker]);
			await sleep(10);
		};
		const first = startJobRunner({
			db: database.db,
			log,
			workerId: 'first',
			pollMs: 20,
			handlers: { 'test.once': handler('first') }
		});
		const second = startJobRunner({
			db: other.db,
			log,
			workerId: 'second',
			pollMs: 20,
			handlers: { 'test.once': handler('second') }
		});
		await expect
			.poll(async () => (await countJobs(database.db)).done, { timeout: 20_000 })
			.toBe(total);
		await Promise.all([first.stop(), second.stop()]);
		expect(runs.size).toBe(total);
		expect([...runs.values()].every((workers) => workers.length === 1)).toBe(true);
		const workers = new Set([...runs.values()].flat());
		expect(workers).toEqual(new Set(['first', 'second']));
	});
});
