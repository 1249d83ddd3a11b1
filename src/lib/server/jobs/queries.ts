import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { jobs } from '../db/schema.ts';

export type JobRow = typeof jobs.$inferSelect;

export async function getJob(db: Db, id: number): Promise<JobRow | null> {
	const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
	return row ?? null;
}

export type JobCounts = { waiting: number; running: number; done: number; failed: number };

/** Queue health at a glance (admin pages, logs, tests). */
export async function countJobs(db: Db): Promise<JobCounts> {
	const [row] = await db
		.select({
			waiting: sql<number>`count(*) filter (where ${jobs.doneAt} is null and ${jobs.failedAt} is null and ${jobs.lockedAt} is null)::int`,
			running: sql<number>`count(*) filter (where ${jobs.doneAt} is null and ${jobs.failedAt} is null and ${jobs.lockedAt} is not null)::int`,
			done: sql<number>`count(*) filter (where ${jobs.doneAt} is not null)::int`,
			failed: sql<number>`count(*) filter (where ${jobs.failedAt} is not null)::int`
		})
		.from(jobs);
	return row;
}
