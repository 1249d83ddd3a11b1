/**
 * Lets other sockets and timers run before going on: long synchronous work (a 1 MB plan decoded,
 * folded or encoded; a large import) is cut into stretches with a turn of the event loop between.
 * Two immediates: one set from a socket's callback runs in the same loop iteration, before any
 * timer (it only yields to other sockets' data read in that iteration); the one it sets runs in
 * the next iteration, after its timers and I/O (bench/collab.ts "persistence" measured both).
 */
export const nextTurn = () =>
	new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/** Slices folded one turn apart: ~64 K characters take about a millisecond. */
const SLICE = 65_536;

/** `fold(text)` for a text of any length, without blocking the event loop for long. */
export async function foldInTurns(text: string, fold: (slice: string) => string): Promise<string> {
	if (text.length <= SLICE) return fold(text);
	const parts: string[] = [];
	for (let start = 0; start < text.length; start += SLICE) {
		if (start > 0) await nextTurn();
		parts.push(fold(text.slice(start, start + SLICE)));
	}
	return parts.join('');
}
