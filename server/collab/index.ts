import { Hocuspocus, type Extension } from '@hocuspocus/server';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { LiveEvent } from '../../src/lib/server/live/events.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { ACCESS_CHANGED, SESSION_REVOKED } from '../../src/lib/server/auth/revoke.ts';
import {
	clientAddress,
	CLOSE_CODES,
	CollabRefusal,
	type CollabContext,
	type Transport
} from './context.ts';
import { afterPlanStored, WrittenProjections } from '../../src/lib/server/plans/store.ts';
import { planTextsWorker } from './plan-texts.ts';
import { LargeDocuments } from './large-documents.ts';
import { installLargeSync } from './large-sync.ts';
import { createPresencePublisher, startPlanPresence } from '../../src/lib/server/plans/presence.ts';
import { PLAN_DOCUMENTS, type PlanDocument } from '../../src/lib/shared/enums.ts';
import { DirectAwareness } from './awareness.ts';
import { AdaptiveBatching } from './batching.ts';
import { Authentication } from './extensions/authentication.ts';
import { ConnectionBudget, type BudgetLimits } from './extensions/budget.ts';
import { Logger } from './extensions/logger.ts';
import { OriginCheck } from './extensions/origin.ts';
import { Persistence, type PersistenceOptions } from './extensions/persistence.ts';
import { PlanPresence } from './extensions/presence.ts';
import { redisExtension } from './extensions/redis.ts';
import { Throttle } from './extensions/throttle.ts';
import { UpdateValidation } from './extensions/validation.ts';
import {
	applyPlanRestore,
	PLAN_ACCESS_CHANGED,
	PLAN_RESTORE,
	recheckPlanConnections
} from './plans.ts';
import { refuseUpgrade } from '../http/refuse-upgrade.ts';

export { CLOSE_CODES } from './context.ts';

export { COLLAB_PATH } from '../../src/lib/shared/collab.ts';

// Large enough for a long plan pasted at once, small enough that nobody fills our memory.
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
// How long shutdown waits for documents to be stored and unloaded.
const UNLOAD_TIMEOUT_MS = 10_000;
// Stores are debounced: about 2 s after the last change, at most 10 s after the first.
const STORE_DEBOUNCE_MS = 2_000;
const STORE_MAX_DEBOUNCE_MS = 10_000;

export type CollabServerOptions = {
	runtime: Runtime;
	/** WebSocket connections per client address per minute (default 60). */
	connectionsPerMinute?: number;
	/** Store debounce and its maximum, in ms (tests shorten them). */
	storeDebounceMs?: number;
	storeMaxDebounceMs?: number;
	/** What runs after a plan document is stored (default: store.ts's afterPlanStored). */
	afterStore?: PersistenceOptions['afterStore'];
	/** Presence publication debounce (default 1 s). */
	presenceDebounceMs?: number;
	/** What one connection may cost (default: budget.ts's constants; tests lower some). */
	budget?: Partial<BudgetLimits>;
};

export type CollabServer = {
	hocuspocus: Hocuspocus<CollabContext>;
	/** Give it the `upgrade` events for COLLAB_PATH; it answers refusals itself. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
	/** Ends every live connection of a user (deactivation, suspension): close code 4403. */
	closeUserConnections(userId: string): number;
	/** Ends the live connections opened with these sessions (sign-out, password change…). */
	closeSessionConnections(sessionIds: readonly string[]): number;
	/** Open WebSockets, authenticated or not. */
	socketCount(): number;
	/** Identifies this process in plan presence events. */
	processId: string;
	persistence: Persistence;
	/** The worker's copies of large documents (tests read its counts). */
	large: LargeDocuments;
	/** Per-connection budgets, sync coalescing and back-pressure (tests read its stats). */
	budget: ConnectionBudget;
	/** Stops accepting, closes every socket, stores and unloads every document. */
	close(): Promise<void>;
};

function toWebRequest(req: IncomingMessage): Request {
	const headers = new Headers();
	for (const [name, value] of Object.entries(req.headers)) {
		if (value === undefined) continue;
		for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
	}
	return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { headers });
}

function toBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
	if (data instanceof ArrayBuffer) return new Uint8Array(data);
	return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function createCollabServer(options: CollabServerOptions): CollabServer {
	const { runtime } = options;
	const log = runtime.log.child({ component: 'collab' });
	const processId = crypto.randomUUID();
	// Texts of large plans (search, version diffs) are computed in a worker thread.
	const texts = planTextsWorker(log);
	const written = new WrittenProjections();
	// Large documents load in parts and are encoded by a worker's copy; their clients' first sync
	// is answered from it too.
	const large = new LargeDocuments(log);
	installLargeSync();
	const persistence = new Persistence({
		db: runtime.db,
		log,
		large,
		afterStore:
			options.afterStore ?? ((db, input) => afterPlanStored(db, { ...input, texts, written }))
	});
	const presence = createPresencePublisher({
		db: runtime.db,
		log,
		processId,
		debounceMs: options.presenceDebounceMs
	});
	// Every app process runs a collaboration server: its plans list reads the presence registry.
	const stopPresenceRegistry = startPlanPresence(runtime);
	const budget = new ConnectionBudget(options.budget);

	// Hooks run in this order, each one only if the previous let the connection through.
	// (Hocuspocus sorts by `priority`, highest first, keeping this order among equals; the Redis
	// extension has priority 1000 and runs first, which it needs to intercept stores.)
	const extensions: Extension[] = [
		// 1. Throttle: connections per address per minute, before any database work (onUpgrade).
		new Throttle({ perMinute: options.connectionsPerMinute ?? 60 }),
		// 2. Budget: what one socket may send, be sent and leave unread; every frame passes its gate
		//    (opened in accept() below) before Hocuspocus sees it and on its way out. 4429 when spent.
		//    Its onAuthenticate (after auth's onConnect has found the session) caps the sockets of
		//    one session: 4409 past the cap.
		budget,
		// 3. Origin: only pages of this site may open a socket with our cookie (onUpgrade).
		new OriginCheck({ origin: runtime.config.origin }),
		// 4. Authentication: the session cookie, then the access policy per document.
		new Authentication({ db: runtime.db, log }),
		// 5. Malformed updates close their socket before they reach a document.
		new UpdateValidation({ log, close: (transport, code, reason) => end(transport, code, reason) }),
		// 6. Persistence: the Y state as bytea in plan_documents, then the plan's projections.
		persistence,
		// 7. Who is on each plan's shared document, for the plans list.
		new PlanPresence({ publisher: presence }),
		// 8. Crowded documents batch their outgoing messages (bench/collab.ts's "one hot plan").
		new AdaptiveBatching(),
		// 9. Logger: what got through.
		new Logger({ log }),
		// 10. Cursor and presence messages skip Hocuspocus's scratch copy (none of us hooks them).
		new DirectAwareness()
	];
	if (runtime.config.redisUrl) extensions.push(redisExtension(runtime.config.redisUrl));

	const hocuspocus = new Hocuspocus<CollabContext>({
		name: 'relais',
		quiet: true,
		extensions,
		debounce: options.storeDebounceMs ?? STORE_DEBOUNCE_MS,
		maxDebounce: options.storeMaxDebounceMs ?? STORE_MAX_DEBOUNCE_MS
	});
	const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
	const transports = new Set<Transport>();
	let closing: Promise<void> | null = null;

	function accept(ws: WebSocket, req: IncomingMessage): void {
		const transport: Transport = {
			ws,
			client: null,
			ip: clientAddress(req),
			userId: null,
			sessionId: null,
			revoked: false,
			ended: false
		};
		transports.add(transport);
		const context: CollabContext = { transport };
		const gate = budget.open(ws, {
			deliver: (data) => client.handleMessage(data),
			overspent: (what) => {
				log.warn(
					{ what, ip: transport.ip, user: transport.userId },
					'closed a collaboration socket over its budget'
				);
				end(transport, CLOSE_CODES.budgetExceeded, 'budget-exceeded');
			},
			crowded: (sessionId) => {
				log.warn(
					{ ip: transport.ip, user: transport.userId, session: sessionId },
					'refused a collaboration socket over its session’s limit'
				);
				end(transport, CLOSE_CODES.tooManyConnections, 'too-many-connections');
			},
			stalled: (bufferedBytes) => {
				log.warn(
					{ bufferedBytes, ip: transport.ip, user: transport.userId },
					'cut a collaboration socket that does not read'
				);
				// Its backlog would hold the close frame back: free the memory now.
				transport.ended = true;
				client.handleClose({ code: CLOSE_CODES.goingAway, reason: 'not-reading' });
				ws.terminate();
			}
		});
		// Hocuspocus sends through the gate, which watches the answers and the backlog.
		const client = hocuspocus.handleConnection(gate.socket, toWebRequest(req), context);
		transport.client = client;
		ws.on('message', (data: RawData) => {
			if (!transport.ended) gate.receive(toBytes(data));
		});
		ws.on('close', (code: number, reason: Buffer) => {
			transports.delete(transport);
			budget.release(gate);
			client.handleClose({ code, reason: reason.toString() });
		});
		ws.on('error', (error: Error) =>
			log.warn({ err: error, ip: transport.ip }, 'collaboration socket error')
		);
	}

	function end(transport: Transport, code: number, reason: string): void {
		// Detach from every document now: no update from this socket is applied after this line,
		// even if the client is slow to answer the close handshake.
		transport.ended = true;
		transport.client?.handleClose({ code, reason });
		transport.ws.close(code, reason);
	}

	function closeWhere(match: (t: Transport) => boolean, why: string): number {
		let count = 0;
		for (const transport of transports) {
			if (!match(transport)) continue;
			transport.revoked = true;
			end(transport, CLOSE_CODES.accessRevoked, why);
			count += 1;
		}
		return count;
	}

	const closeUserConnections = (userId: string) =>
		closeWhere((t) => t.userId === userId, 'access-revoked');
	const closeSessionConnections = (sessionIds: readonly string[]) => {
		const ended = new Set(sessionIds);
		return closeWhere((t) => t.sessionId !== null && ended.has(t.sessionId), 'access-revoked');
	};

	// Every ending of a session publishes `session.revoked` with the ids that ended (sign-out,
	// sign out everywhere, a password changed or reset, deactivation, suspension, expiry): every
	// process closes the sockets opened with them, and only those (a password change keeps the
	// session it was made from), or every socket of the person when all their sessions ended. Admin pages publish `access.changed` when a role changes: every
	// socket of that person closes, and the client re-authorises with its new rights.
	const unsubscribe = runtime.bus.subscribe((event: LiveEvent) => {
		if (event.type === PLAN_ACCESS_CHANGED || event.type === PLAN_RESTORE) {
			void onPlanEvent(event);
			return;
		}
		if (event.type !== SESSION_REVOKED && event.type !== ACCESS_CHANGED) return;
		const { userId, sessionIds, everySession } = event.data;
		let closed = 0;
		if (Array.isArray(sessionIds) && everySession !== true) {
			const ids = (sessionIds as unknown[]).filter((id): id is string => typeof id === 'string');
			closed = closeSessionConnections(ids);
		} else if (typeof userId === 'string') closed = closeUserConnections(userId);
		if (closed > 0) log.info({ userId, closed }, 'closed revoked collaboration connections');
	});

	// Plan pages publish `plan.access.changed` when sharing changes (a partner removed or narrowed,
	// the plan deleted): connections that lost access, or whose rights changed, are closed with
	// 4403. Plan history publishes `plan.restore` once the restore is in plan_documents.
	async function onPlanEvent(event: LiveEvent): Promise<void> {
		const { planId, document, versionId } = event.data;
		if (typeof planId !== 'string' || closing) return;
		try {
			if (event.type === PLAN_ACCESS_CHANGED) {
				const closed = await recheckPlanConnections({
					hocuspocus,
					db: runtime.db,
					planId,
					close: (transport) => {
						transport.revoked = true;
						end(transport, CLOSE_CODES.accessRevoked, 'access-changed');
					}
				});
				if (closed > 0)
					log.info({ planId, closed }, 'closed plan connections after an access change');
			} else if (
				typeof versionId === 'string' &&
				(PLAN_DOCUMENTS as readonly unknown[]).includes(document)
			) {
				const applied = await applyPlanRestore({
					hocuspocus,
					db: runtime.db,
					log,
					planId,
					document: document as PlanDocument,
					versionId
				});
				if (applied) log.info({ planId, document, versionId }, 'applied a restored version');
			}
		} catch (error) {
			log.error({ err: error, type: event.type, planId }, 'handling a plan event failed');
		}
	}

	async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
		try {
			await hocuspocus.hooks('onUpgrade', { request: req, socket, head, instance: hocuspocus });
		} catch (error) {
			if (error instanceof CollabRefusal) {
				log.info({ reason: error.reason, ip: clientAddress(req) }, 'collaboration upgrade refused');
				return refuseUpgrade(socket, error.status);
			}
			log.error({ err: error }, 'collaboration upgrade failed');
			return refuseUpgrade(socket, 500);
		}
		if (closing) return refuseUpgrade(socket, 503);
		wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req));
	}

	function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		if (closing) return refuseUpgrade(socket, 503);
		// upgrade() handles its own failures.
		void upgrade(req, socket, head);
	}

	async function waitForUnload(): Promise<void> {
		const deadline = Date.now() + UNLOAD_TIMEOUT_MS;
		while (hocuspocus.getDocumentsCount() > 0 || hocuspocus.loadingDocuments.size > 0) {
			if (Date.now() > deadline) {
				log.warn(
					{ documents: hocuspocus.getDocumentsCount() },
					'documents still loaded at shutdown'
				);
				return;
			}
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
	}

	function close(): Promise<void> {
		closing ??= (async () => {
			unsubscribe();
			stopPresenceRegistry();
			for (const transport of transports) end(transport, CLOSE_CODES.goingAway, 'server-shutdown');
			hocuspocus.flushPendingStores();
			// Stores that failed and wait for their retry: try them once more now.
			persistence.retryNow(hocuspocus);
			await waitForUnload();
			await hocuspocus.hooks('onDestroy', { instance: hocuspocus });
			// Every store (and what follows it) has ended with the unload.
			await texts.close();
			await large.close();
			// Clients that did not answer the close handshake.
			for (const transport of transports) transport.ws.terminate();
			transports.clear();
			await new Promise<void>((resolve) => wss.close(() => resolve()));
		})();
		return closing;
	}

	return {
		hocuspocus,
		handleUpgrade,
		closeUserConnections,
		closeSessionConnections,
		socketCount: () => transports.size,
		processId,
		persistence,
		large,
		budget,
		close
	};
}
