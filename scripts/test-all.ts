// `npm test`: every check and every suite, in order, stopping at the first failure.
// The database comes from the environment: PostgreSQL when DATABASE_URL is set (integration and
// browser tests), the embedded PGlite otherwise.
import { spawn } from 'node:child_process';

type Step = { script: string; what: string };
type Outcome = { step: Step; status: 'passed' | 'failed' | 'not run'; seconds?: number };

const steps: Step[] = [
	{ script: 'i18n', what: 'compile the Paraglide messages' },
	{ script: 'check', what: 'svelte-check, no warnings' },
	{ script: 'lint', what: 'Prettier and ESLint, no warnings' },
	{ script: 'db:check', what: 'drizzle/ matches schema.ts' },
	{ script: 'test:unit', what: 'unit tests' },
	// Built before the integration tests: the multi-process feed test also runs against the real app.
	{ script: 'build:fresh', what: 'build the app (when older than its sources)' },
	{ script: 'test:integration', what: 'integration tests' },
	{ script: 'test:e2e', what: 'browser tests (building first if a source changed)' }
];

function run(script: string): Promise<number> {
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const child = spawn(npm, ['run', '--silent', script], { stdio: 'inherit', env: process.env });
	return new Promise((resolve) => {
		child.on('error', (error) => {
			console.error(`test-all: could not start npm: ${error.message}`);
			resolve(1);
		});
		child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
	});
}

function describeDatabase(): string {
	const url = process.env.DATABASE_URL;
	if (!url) return 'embedded PGlite (DATABASE_URL is not set)';
	try {
		const u = new URL(url);
		if (u.password) u.password = '***';
		return `PostgreSQL at ${u.toString()}`;
	} catch {
		return 'PostgreSQL (DATABASE_URL is set)';
	}
}

// Colours only on a terminal: CI logs stay plain text.
function paint(code: number, text: string): string {
	return process.stdout.isTTY ? `\u001b[${code}m${text}\u001b[0m` : text;
}

function banner(text: string) {
	console.log(`\n${paint(1, `━━ ${text}`)}\n`);
}

function summary(outcomes: Outcome[], total: number) {
	const width = Math.max(...outcomes.map((o) => o.step.script.length));
	console.log(`\n${paint(1, 'Summary')}`);
	for (const { step, status, seconds } of outcomes) {
		const mark = status === 'passed' ? '✔' : status === 'failed' ? '✘' : '·';
		const time = seconds === undefined ? '' : `${seconds.toFixed(1).padStart(7)} s`;
		console.log(
			`  ${mark} ${step.script.padEnd(width)}  ${status.padEnd(7)} ${time}  ${step.what}`
		);
	}
	console.log(`  total ${total.toFixed(1)} s`);
}

/** `npm test -- --from test:unit` resumes at a step after fixing it. */
function firstStep(args: string[]): number {
	const at = args.indexOf('--from');
	if (at === -1) return 0;
	const index = steps.findIndex((step) => step.script === args[at + 1]);
	if (index === -1) {
		console.error(`test-all: --from needs one of: ${steps.map((s) => s.script).join(', ')}`);
		process.exit(2);
	}
	return index;
}

console.log(`npm test — database: ${describeDatabase()}`);
const started = performance.now();
const outcomes: Outcome[] = steps.map((step) => ({ step, status: 'not run' }));
const from = firstStep(process.argv.slice(2));
let failed: Outcome | undefined;

for (const outcome of outcomes.slice(from)) {
	banner(`npm run ${outcome.step.script} — ${outcome.step.what}`);
	const stepStarted = performance.now();
	const code = await run(outcome.step.script);
	outcome.seconds = (performance.now() - stepStarted) / 1000;
	outcome.status = code === 0 ? 'passed' : 'failed';
	if (code !== 0) {
		failed = outcome;
		break;
	}
}

summary(outcomes, (performance.now() - started) / 1000);
if (failed) {
	console.error(
		`\n${paint(31, `npm test failed at \`npm run ${failed.step.script}\``)} ` +
			`(${failed.step.what}). Fix it, then resume with \`npm test -- --from ${failed.step.script}\`.`
	);
	process.exit(1);
}
console.log(`\n${paint(32, 'npm test passed.')}`);
