/** Milliseconds of this process's CPU time (user + system, every thread) since `since`. */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
	const used = process.cpuUsage(since);
	return (used.user + used.system) / 1000;
}
