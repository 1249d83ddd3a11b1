// The longest busy stretches of a V8 CPU profile (`node --cpu-prof`), with what ran in each: how a
// benchmark's event-loop block is made up. Usage:
//   npx node bench/cpuprofile-blocks.ts <file.cpuprofile> [min ms = 10] [top = 8]
// A stretch is a run of samples that are not "(idle)"; a gap of idle samples ends it.
import { readFileSync } from 'node:fs';

type Node = {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number };

const [file, minArg, topArg] = process.argv.slice(2);
if (!file) {
	console.error('usage: bench/cpuprofile-blocks.ts <file.cpuprofile> [min ms] [top]');
	process.exit(2);
}
const minMs = Number(minArg ?? 10);
const top = Number(topArg ?? 8);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const label = (n: Node) => {
	const f = n.callFrame;
	const where = f.url
		? ` ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(?=[^/]+\/[^/]+$)/, '')}:${f.lineNumber + 1}`
		: '';
	return `${f.functionName || '(anonymous)'}${where}`;
};
/** The frames from the root down to this sample's node (the root itself left out). */
function stack(id: number): Node[] {
	const out: Node[] = [];
	for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
		out.push(byId.get(at)!);
	return out.reverse().slice(1);
}

type Stretch = { start: number; end: number; samples: number[]; times: number[] };
const stretches: Stretch[] = [];
let t = profile.startTime;
let current: Stretch | null = null;
for (let i = 0; i < profile.samples.length; i++) {
	const dt = profile.timeDeltas[i] ?? 0;
	t += dt;
	const node = byId.get(profile.samples[i])!;
	const idle = node.callFrame.functionName === '(idle)';
	if (idle) {
		if (current) stretches.push(current);
		current = null;
		continue;
	}
	if (!current) current = { start: t - dt, end: t, samples: [], times: [] };
	current.end = t;
	current.samples.push(profile.samples[i]);
	current.times.push(dt);
}
if (current) stretches.push(current);

const long = stretches
	.map((s) => ({ ...s, ms: (s.end - s.start) / 1000 }))
	.filter((s) => s.ms >= minMs)
	.sort((a, b) => b.ms - a.ms);
console.log(
	`${stretches.length} busy stretches, ${long.length} of ${minMs} ms or more (profile ${((t - profile.startTime) / 1e6).toFixed(1)} s)`
);
for (const s of long.slice(0, top)) {
	console.log(
		`\n== ${s.ms.toFixed(1)} ms at +${((s.start - profile.startTime) / 1000).toFixed(0)} ms`
	);
	const self = new Map<string, number>();
	const entry = new Map<string, number>();
	s.samples.forEach((id, i) => {
		const frames = stack(id);
		const leaf = label(frames.at(-1) ?? byId.get(id)!);
		self.set(leaf, (self.get(leaf) ?? 0) + s.times[i]);
		// The first frames below the event loop: which task this time belongs to.
		const head = frames.slice(0, 4).map(label).join(' > ') || leaf;
		entry.set(head, (entry.get(head) ?? 0) + s.times[i]);
	});
	const print = (title: string, m: Map<string, number>, n: number) => {
		console.log(`  ${title}:`);
		for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n))
			console.log(`    ${(us / 1000).toFixed(1).padStart(6)} ms  ${k}`);
	};
	print('self time', self, 10);
	print('tasks (outermost frames)', entry, 6);
}
