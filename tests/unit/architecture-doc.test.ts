import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// docs/architecture.md is the map a newcomer reads first: it must name every folder of the code
// and every hook, in the order they run.

const root = join(import.meta.dirname, '../..');
const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');

function folderTable(): string[] {
	const start = doc.indexOf('## Folders');
	const end = doc.indexOf('\n## ', start + 1);
	return [...doc.slice(start, end).matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]);
}

function subfolders(dir: string): string[] {
	return readdirSync(join(root, dir))
		.filter((name) => statSync(join(root, dir, name)).isDirectory())
		.map((name) => `${dir}/${name}/`);
}

describe('docs/architecture.md', () => {
	it('names every folder of src/lib/server, src/lib and server in its folder table', () => {
		const listed = new Set(folderTable());
		const folders = [
			...subfolders('src/lib/server'),
			...subfolders('src/lib').filter(
				(f) => !['src/lib/server/', 'src/lib/paraglide/'].includes(f)
			),
			...subfolders('server')
		];
		expect(folders.length).toBeGreaterThan(20);
		const missing = folders.filter((f) => !listed.has(f) && !doc.includes(`\`${f}\``));
		expect(missing).toEqual([]);
	});

	it('lists the hooks in the order hooks.server.ts runs them', () => {
		const hooks = readFileSync(join(root, 'src/hooks.server.ts'), 'utf8');
		const sequence = hooks.match(/export const handle = sequence\(([\s\S]*?)\);/);
		expect(sequence).not.toBeNull();
		const names = [...sequence![1].matchAll(/^\s*(handle\w+),?\s*$/gm)].map((m) => m[1]);
		expect(names.length).toBeGreaterThan(3);
		const row = doc.split('\n').find((line) => line.startsWith('| `src/hooks.server.ts`'));
		expect(row).toBeDefined();
		const documented = [...row!.matchAll(/`(handle\w+)`/g)].map((m) => m[1]);
		expect(documented.filter((n) => n !== 'handleError')).toEqual(names);
	});
});
