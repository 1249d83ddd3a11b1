import type { LiveMessage } from '../../src/lib/shared/live.ts';

export type SseReader = {
	/** Every `data:` message received so far, parsed. */
	messages: LiveMessage[];
	/** Raw text received so far (comments included). */
	text(): string;
	/** Resolves when the server ends the stream. */
	ended: Promise<void>;
	cancel(): Promise<void>;
};

/** Reads a server-sent-events body in the background, as a browser's EventSource would. */
export function readSse(body: ReadableStream<Uint8Array>): SseReader {
	const reader = body.getReader();
	const decoder = new TextDecoder();
	const messages: LiveMessage[] = [];
	let raw = '';
	let pending = '';
	const ended = (async () => {
		for (;;) {
			const { value, done } = await reader.read();
			if (done) return;
			const chunk = decoder.decode(value, { stream: true });
			raw += chunk;
			pending += chunk;
			let end: number;
			while ((end = pending.indexOf('\n\n')) >= 0) {
				const block = pending.slice(0, end);
				pending = pending.slice(end + 2);
				const data = block
					.split('\n')
					.filter((line) => line.startsWith('data: '))
					.map((line) => line.slice(6))
					.join('\n');
				if (data) messages.push(JSON.parse(data) as LiveMessage);
			}
		}
	})();
	return {
		messages,
		text: () => raw,
		ended,
		async cancel() {
			await reader.cancel();
			await ended.catch(() => {});
		}
	};
}
