import { setPriority } from 'node:os';
import { Worker, type Transferable } from 'node:worker_threads';
import type { Logger } from '../../src/lib/server/log/index.ts';

// One worker thread answering requests by id (plan-texts.ts, large-documents.ts). Started on the
// first request; idle, it does not keep the process alive; should it fail or exit, every waiting
// request is refused (callers fall back to doing the work themselves) and the next one starts a
// new worker.

export type WorkerReply = { id: number; error?: string };

/** A request not answered by then is refused and its worker replaced (a worker stuck or starved). */
export const ASK_TIMEOUT_MS = 30_000;

export type WorkerRpc<Request, Reply extends WorkerReply> = {
	/** Sends a request and waits for the reply with its id (refused after ASK_TIMEOUT_MS). */
	ask(request: Request, transfer?: Transferable[]): Promise<Reply>;
	/** Sends a message that has no reply, in order with the requests (dropped if none runs). */
	tell(message: unknown): void;
	/** Is a worker running (so that what was told to it is still there)? */
	running(): boolean;
	/** Counts the workers started: what was told to an earlier one is gone. */
	generation(): number;
	/** Ends the worker (shutdown); later requests start a new one. */
	close(): Promise<void>;
};

export function workerRpc<Request extends object, Reply extends WorkerReply>(
	script: URL,
	log: Logger,
	what: string
): WorkerRpc<Request, Reply> {
	const pending = new Map<
		number,
		{
			worker: Worker;
			timer: NodeJS.Timeout;
			resolve(reply: Reply): void;
			reject(e: Error): void;
		}
	>();
	let worker: Worker | null = null;
	let nextId = 1;
	let started = 0;

	/** The request `id` stops waiting (answered, refused or timed out). */
	function take(id: number) {
		const waiting = pending.get(id);
		if (!waiting) return undefined;
		pending.delete(id);
		clearTimeout(waiting.timer);
		return waiting;
	}

	/** Refuses what waits on a worker that failed or ended (not what waits on its successor). */
	function failAll(ended: Worker, error: Error) {
		for (const [id, waiting] of pending) if (waiting.worker === ended) take(id)?.reject(error);
	}

	function start(): Worker {
		started++;
		const running = new Worker(script);
		running.unref();
		running.on('message', (reply: Reply) => {
			const waiting = take(reply.id);
			if (![...pending.values()].some((other) => other.worker === running)) running.unref();
			if (!waiting) return;
			if (reply.error !== undefined) waiting.reject(new Error(reply.error));
			else waiting.resolve(reply);
		});
		running.on('error', (error) => {
			log.error({ err: error }, `the ${what} worker failed`);
			if (worker === running) worker = null;
			failAll(running, error);
		});
		running.on('exit', (code) => {
			if (worker === running) worker = null;
			failAll(running, new Error(`the ${what} worker exited (code ${code})`));
		});
		return running;
	}

	return {
		ask(request, transfer) {
			const asked = (worker ??= start());
			const id = nextId++;
			const reply = new Promise<Reply>((resolve, reject) => {
				const timer = setTimeout(() => {
					take(id)?.reject(
						new Error(`the ${what} worker did not answer within ${ASK_TIMEOUT_MS} ms`)
					);
					// Stuck or starved: the next request gets a new one (the others fail over).
					if (worker === asked) worker = null;
					void asked.terminate();
				}, ASK_TIMEOUT_MS);
				timer.unref();
				pending.set(id, { worker: asked, timer, resolve, reject });
			});
			// A request in flight keeps the process alive until its reply.
			asked.ref();
			asked.postMessage({ ...request, id }, transfer);
			return reply;
		},
		tell(message) {
			worker?.postMessage(message);
		},
		running: () => worker !== null,
		generation: () => started,
		async close() {
			const ending = worker;
			worker = null;
			if (ending) await ending.terminate();
		}
	};
}

/** The bytes of `bytes` in a buffer of their own (a view would be cloned with all its buffer). */
export function ownBytes(bytes: Uint8Array): Uint8Array {
	return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
		? bytes
		: bytes.slice();
}

/**
 * A worker's nice value: under contention it gets about a tenth of the core the event loop gets
 * (19 left it ~1.5 %, starving loads and first syncs of large plans behind a busy event loop).
 */
export const WORKER_NICE = 10;

/**
 * Called by a worker script first: its thread yields the CPU to the event loop's. On Linux a nice
 * value is per thread, so this lowers the worker alone; elsewhere (macOS: the whole process) it is
 * left alone, and where it fails (limits) the worker runs at the normal priority.
 */
export function lowerThisThreadsPriority(): void {
	if (process.platform !== 'linux') return;
	try {
		setPriority(WORKER_NICE);
	} catch {
		// Normal priority then.
	}
}
