import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as access from '../../src/lib/server/access/index.ts';

// Authorisation lives in one place, src/lib/server/access/: nothing else compares a role or an
// organisation kind (routes, commands, queries, pages and server/ ask the access module's named
// rules; pages get can.* flags from their loads). The demo seed is exempt. And every rule the
// access module exports has a table in a unit test.

const ROOT = join(import.meta.dirname, '..', '..');
const COMPARISON = /(organisationKind|[rR]ole|isHost|isPartner)\s*(===|!==)\s*['"]/;
const EXEMPT = ['src/lib/server/access/', 'src/lib/server/seed/', 'src/lib/paraglide/'];

function filesUnder(dir: string): string[] {
	return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
		.filter((entry) => entry.isFile() && /\.(ts|svelte)$/.test(entry.name))
		.map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).replaceAll('\\', '/'));
}

describe('authorisation in one place', () => {
	it('has no role or organisation-kind comparison outside the access module', () => {
		const found: string[] = [];
		for (const file of [...filesUnder('src'), ...filesUnder('server')]) {
			if (EXEMPT.some((prefix) => file.startsWith(prefix))) continue;
			readFileSync(join(ROOT, file), 'utf8')
				.split('\n')
				.forEach((line, i) => {
					if (COMPARISON.test(line)) found.push(`${file}:${i + 1}: ${line.trim()}`);
				});
		}
		expect(found).toEqual([]);
	});

	it('has a test table for every rule the access module exports', () => {
		const tests = filesUnder('tests/unit')
			.filter((file) => file.endsWith('.test.ts') && !file.endsWith('access-boundary.test.ts'))
			.map((file) => readFileSync(join(ROOT, file), 'utf8'))
			.join('\n');
		// The guards turn an answer into a redirect or a 403: they are not rules.
		const guards = new Set(['requireUser', 'authorize']);
		const untested = Object.entries(access)
			.filter(([name, value]) => typeof value === 'function' && !guards.has(name))
			.map(([name]) => name)
			.filter((name) => !new RegExp(`\\b${name}\\b`).test(tests));
		expect(untested).toEqual([]);
	});
});
