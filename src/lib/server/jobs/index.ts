export {
	enqueueJob,
	claimJobs,
	completeJob,
	failJob,
	failAbandonedJobs,
	retryDelayMs,
	JOBS_CHANNEL,
	type ClaimedJob,
	type EnqueueOptions,
	type JobPayload
} from './commands.ts';
export { getJob, countJobs, type JobRow, type JobCounts } from './queries.ts';
export {
	startJobRunner,
	type JobContext,
	type JobHandler,
	type JobHandlers,
	type JobRunner,
	type JobRunnerOptions
} from './runner.ts';
export { enqueueNextRun, jobWaiting, scheduleRecurringJob } from './recurring.ts';
