import { setPriority } from 'node:os';
import { Worker, type Transferable } from 'node:worker_threads';
import type { Logger } from '../../src/lib/server/log/index.ts';

// One worker thread answering requests by id (plan-texts.ts, large-documents.ts). Started on the
// first request; idle, it does not keep the process alive; should it fail or exit, every waiting
// request is refused (callers fall back to doing the work themselves) and the next one starts a
// new worker.

export type WorkerReply = { id: number; error?: string };

export type WorkerRpc<Request, Reply extends WorkerReply> = {
	/** Sends a request and waits for the reply with its id. */
	ask(request: Request, transfer?: Transferable[]): Promise<Reply>;
	/** Sends a message that has no reply, in order with the requests (dropped if none runs). */
	tell(message: unknown): void;
	/** Is a worker running (so that what was told to it is still there)? */
	running(): boolean;
	/** Ends the worker (shutdown); later requests start a new one. */
	close(): Promise<void>;
};

export function workerRpc<Request extends object, Reply extends WorkerReply>(
	script: URL,
	log: Logger,
	what: string
): WorkerRpc<Request, Reply> {
	const pending = new Map<number, { resolve(reply: Reply): void; reject(e: Error): void }>();
	let worker: Worker | null = null;
	let nextId = 1;

	function failAll(error: Error) {
		for (const waiting of pending.values()) waiting.reject(error);
		pending.clear();
	}

	function start(): Worker {
		const started = new Worker(script);
		started.unref();
		started.on('message', (reply: Reply) => {
			const waiting = pending.get(reply.id);
			pending.delete(reply.id);
			if (pending.size === 0) started.unref();
			if (!waiting) return;
			if (reply.error !== undefined) waiting.reject(new Error(reply.error));
			else waiting.resolve(reply);
		});
		started.on('error', (error) => {
			log.error({ err: error }, `the ${what} worker failed`);
			if (worker === started) worker = null;
			failAll(error);
		});
		started.on('exit', (code) => {
			if (worker === started) worker = null;
			failAll(new Error(`the ${what} worker exited (code ${code})`));
		});
		return started;
	}

	return {
		ask(request, transfer) {
			worker ??= start();
			const id = nextId++;
			const reply = new Promise<Reply>((resolve, reject) => pending.set(id, { resolve, reject }));
			// A request in flight keeps the process alive until its reply.
			worker.ref();
			worker.postMessage({ ...request, id }, transfer);
			return reply;
		},
		tell(message) {
			worker?.postMessage(message);
		},
		running: () => worker !== null,
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
 * Called by a worker script first: its thread yields the CPU to the event loop's. On Linux a nice
 * value is per thread, so this lowers the worker alone; elsewhere (macOS: the whole process) it is
 * left alone, and where it fails (limits) the worker runs at the normal priority.
 */
export function lowerThisThreadsPriority(): void {
	if (process.platform !== 'linux') return;
	try {
		setPriority(19);
	} catch {
		// Normal priority then.
	}
}
