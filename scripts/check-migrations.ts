// `npm run db:check`: fails when drizzle-kit would generate a new migration, i.e. when
// src/lib/server/db/schema.ts and drizzle/ disagree. drizzle-kit runs against a copy of drizzle/ in
// a temporary folder, so the working tree is never touched.
import { spawn } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve as resolvePath } from 'node:path';

const root = resolvePath(import.meta.dirname, '..');
const migrations = join(root, 'drizzle');
const TIMEOUT_SECONDS = 120;

type Run = { code: number | null; output: string };

function runDrizzleKit(configPath: string): Promise<Run> {
	const bin = join(root, 'node_modules/drizzle-kit/bin.cjs');
	// stdin closed and `timeout`: drizzle-kit asks questions (rename or create?) on some changes.
	const child = spawn(
		'timeout',
		[String(TIMEOUT_SECONDS), process.execPath, bin, 'generate', '--config', configPath],
		{ cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } }
	);
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
	return new Promise((resolve, reject) => {
		child.on('error', reject);
		child.on('close', (code) => resolve({ code, output }));
	});
}

function listFiles(dir: string, prefix = ''): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory()
			? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`)
			: [`${prefix}${entry.name}`]
	);
}

function differences(expected: string, actual: string): string[] {
	const before = new Set(listFiles(expected));
	const after = listFiles(actual);
	const changes: string[] = [];
	for (const file of after) {
		if (!before.has(file)) changes.push(`new file      drizzle/${file}`);
		else if (!readFileSync(join(expected, file)).equals(readFileSync(join(actual, file))))
			changes.push(`changed file  drizzle/${file}`);
	}
	for (const file of before)
		if (!after.includes(file)) changes.push(`removed file  drizzle/${file}`);
	return changes;
}

function newSql(expected: string, actual: string): string {
	return listFiles(actual)
		.filter((file) => file.endsWith('.sql') && !existsSync(join(expected, file)))
		.map((file) => `-- drizzle/${file}\n${readFileSync(join(actual, file), 'utf8').trim()}`)
		.join('\n\n');
}

/** Returns why the check fails, or null when drizzle/ matches schema.ts. */
async function check(work: string): Promise<string | null> {
	const out = join(work, 'drizzle');
	cpSync(migrations, out, { recursive: true });
	// drizzle-kit prefixes `out` with './', so it must be relative to the project folder.
	const config = join(work, 'drizzle.config.ts');
	writeFileSync(
		config,
		`import base from ${JSON.stringify(join(root, 'drizzle.config.ts'))};\n` +
			`export default { ...base, out: ${JSON.stringify(relative(root, out))} };\n`
	);
	const run = await runDrizzleKit(config);
	const changes = differences(migrations, out);

	const asked = run.output.includes('Interactive prompts require a TTY');
	if (run.code === 124 || asked) {
		return (
			(asked
				? 'drizzle-kit wants to ask a question'
				: `drizzle-kit did not finish within ${TIMEOUT_SECONDS} s — it is probably asking a question`) +
			' (a renamed column or table?), so schema.ts and drizzle/ disagree. Run `npm run db:generate` ' +
			'in a terminal, answer it, and commit the new migration.'
		);
	}
	if (changes.length > 0) {
		const sql = newSql(migrations, out);
		return [
			'schema.ts and drizzle/ disagree — drizzle-kit would write:\n',
			...changes.map((change) => `  ${change}`),
			...(sql ? ['', sql] : []),
			'',
			'Run `npm run db:generate` to add the migration (never edit an applied one), then commit it.'
		].join('\n');
	}
	// drizzle-kit exits 0 on some errors (e.g. a missing snapshot): trust only its success message.
	if (run.code !== 0 || !run.output.includes('No schema changes')) {
		return `drizzle-kit failed (exit code ${run.code}):\n\n${run.output.trim()}`;
	}
	return null;
}

const work = mkdtempSync(join(tmpdir(), 'relais-db-check-'));
let failure: string | null;
try {
	failure = await check(work);
} finally {
	rmSync(work, { recursive: true, force: true });
}
if (failure) {
	console.error(`db:check: ${failure}`);
	process.exit(1);
}
console.log('db:check: drizzle/ matches schema.ts (drizzle-kit has nothing to generate).');
