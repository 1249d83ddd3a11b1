import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import {
	COLLAB_PATH,
	collabStopReason,
	planDocumentName,
	type CollabStopReason as StopReason
} from '$lib/shared/collab';
import { upgradePlanDoc } from '$lib/shared/plan-doc';
import { parseSavedMessage, SaveTracker } from './save-tracker';

// Opening a plan's documents in the browser: one WebSocket for the page, one Hocuspocus provider
// and one IndexedDB copy per document, the save status, and who else is here.

/**
 * - saving: changes are on their way (or others' changes are not stored yet);
 * - saved: the last `saved` message covers everything this copy holds;
 * - offline: no connection; the changes stay in this device's IndexedDB;
 * - unsaved: connected, but `count` changes made here are still not stored after SAVE_GRACE_MS;
 * - read-only: this person may only read the document;
 * - access-revoked: the server closed the connection (code 4403) or refused the document;
 * - budget-exceeded: the server closed the connection for sending far more than an editor does
 *   (code 4429); reconnecting would spend the budget again, a page load starts a new one;
 * - too-many-connections: this session already had as many connections as it may (code 4409:
 *   too many tabs); reconnecting would be refused again until others close.
 */
export type SaveStatus =
	| { state: 'saving' }
	| { state: 'saved'; at: string | null }
	| { state: 'offline'; count: number }
	| { state: 'unsaved'; count: number }
	| { state: 'read-only' }
	| { state: 'access-revoked' }
	| { state: 'budget-exceeded' }
	| { state: 'too-many-connections' };

/** Whether the server ended this session for good (nothing more is edited on this page). */
export function isStopped(status: SaveStatus): boolean {
	return (
		status.state === 'access-revoked' ||
		status.state === 'budget-exceeded' ||
		status.state === 'too-many-connections'
	);
}

export type Peer = { clientId: number; id: string; name: string; colour: string };
export type Me = { id: string; name: string; colour: string };

/** The server stores at most 10 s after a change; past this, a change is "not yet saved". */
export const SAVE_GRACE_MS = 12_000;

/** Where the last `saved` message is kept beside the IndexedDB copy. */
const SAVED_KEY = 'relais:saved';

/** Origin of structured edits made here (the undo manager tracks it). */
export const LOCAL_ORIGIN = Symbol('plan-editor');

function collabUrl(): string {
	return `${location.origin.replace(/^http/, 'ws')}${COLLAB_PATH}`;
}

export class PlanDocumentSession {
	readonly doc = new Y.Doc();
	readonly provider: HocuspocusProvider;
	readonly name: string;
	status: SaveStatus = $state({ state: 'saving' });
	peers: Peer[] = $state([]);
	/**
	 * True once the server's copy has been received, or a copy this device kept from an earlier
	 * visit is loaded. Editors wait for it: text typed into an empty document before the server's
	 * copy arrives would land beside the plan's content instead of inside it.
	 */
	ready = $state(false);
	/** When the server says the document is read-only for this person. */
	readOnly = $state(false);

	private readonly persistence: IndexeddbPersistence | null = null;
	private readonly tracker = new SaveTracker(this.doc);
	private connected = false;
	private stopped: StopReason | null = null;
	private timer: ReturnType<typeof setTimeout> | null = null;

	readonly planId: string;
	readonly document: 'shared' | 'internal';
	private readonly me: Me;

	constructor(
		planId: string,
		document: 'shared' | 'internal',
		socket: HocuspocusProviderWebsocket,
		me: Me,
		readOnly: boolean
	) {
		this.planId = planId;
		this.document = document;
		this.me = me;
		this.name = planDocumentName(planId, document);
		this.readOnly = readOnly;
		if (typeof indexedDB !== 'undefined') {
			// Keyed by person: another person signing in on this device never loads this copy.
			this.persistence = new IndexeddbPersistence(`relais:${me.id}:${this.name}`, this.doc);
			void this.persistence.whenSynced.then(() => this.restored());
		}
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === this.provider || origin === this.persistence) {
				this.refresh();
				return;
			}
			this.tracker.record(update);
			this.refresh();
		});
		this.provider = new HocuspocusProvider({
			websocketProvider: socket,
			name: this.name,
			document: this.doc,
			onSynced: ({ state }) => {
				if (!state) return;
				upgradeIfEditable(this);
				this.ready = true;
				this.refresh();
			},
			onAuthenticated: ({ scope }) => {
				if (scope === 'readonly') this.readOnly = true;
				this.refresh();
			},
			onAuthenticationFailed: () => this.revoke(),
			onStateless: ({ payload }) => {
				const message = parseSavedMessage(payload);
				if (!message) return;
				this.tracker.saved(message);
				void this.persistence?.set(SAVED_KEY, payload);
				this.refresh();
			},
			onUnsyncedChanges: ({ number }) => {
				if (number === 0) this.tracker.acknowledgeAll();
				this.refresh();
			},
			onStatus: ({ status }) => {
				this.connected = status === 'connected';
				this.refresh();
			},
			onAwarenessChange: ({ states }) => {
				this.peers = states
					.filter((s) => s.clientId !== this.doc.clientID && s.user)
					.map((s) => ({
						clientId: s.clientId,
						id: String(s.user.id ?? ''),
						name: String(s.user.name ?? ''),
						colour: String(s.user.color ?? '#666')
					}));
			}
		});
		this.provider.awareness?.setLocalStateField('user', {
			id: me.id,
			name: me.name,
			color: me.colour
		});
		this.provider.attach();
		this.connected = socket.status === 'connected';
		this.refresh();
	}

	/**
	 * The IndexedDB copy is loaded: edits an earlier visit left here are pending until a `saved`
	 * message covers them. The last one this device received is kept beside the copy: the stored
	 * state only grows, so an old `saved` still proves what it covered.
	 */
	private async restored(): Promise<void> {
		// Nothing kept on this device (a first visit): wait for the server's copy.
		if (this.doc.store.clients.size === 0) return;
		this.tracker.record(Y.encodeStateAsUpdate(this.doc));
		const last = parseSavedMessage(String((await this.persistence?.get(SAVED_KEY)) ?? ''));
		if (last) this.tracker.saved(last);
		this.ready = true;
		this.refresh();
	}

	/** The awareness user Tiptap's collaboration caret shows to others. */
	get user(): { id: string; name: string; color: string } {
		return { id: this.me.id, name: this.me.name, color: this.me.colour };
	}

	/** Whether leaving now would lose the only copy's confirmation (beforeunload). */
	get hasUnsavedChanges(): boolean {
		return !this.stopped && this.tracker.count > 0;
	}

	/** Closed with 4403 or refused: stop, keep the local copy (it merges if access comes back). */
	revoke(): void {
		this.stop('access-revoked');
	}

	/**
	 * Closed for good (4403, 4429, 4409): stop, keep the local copy; it merges when the page is opened
	 * again (and, after 4403, only if access came back).
	 */
	stop(reason: StopReason): void {
		if (this.stopped) return;
		this.stopped = reason;
		this.provider.detach();
		this.refresh();
	}

	/** Re-evaluates the status (called on every change of its inputs and by a timer). */
	refresh(now = Date.now()): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		this.status = this.compute(now);
		const oldest = this.tracker.oldest;
		if (this.status.state === 'saving' && oldest !== null) {
			this.timer = setTimeout(() => this.refresh(), Math.max(50, oldest + SAVE_GRACE_MS - now));
		}
	}

	private compute(now: number): SaveStatus {
		if (this.stopped) return { state: this.stopped };
		if (this.readOnly) return { state: 'read-only' };
		const online = typeof navigator === 'undefined' || navigator.onLine;
		if (!this.connected || !online) return { state: 'offline', count: this.tracker.count };
		if (this.tracker.isSaved) return { state: 'saved', at: this.tracker.lastSavedAt };
		const oldest = this.tracker.oldest;
		if (oldest !== null && now - oldest >= SAVE_GRACE_MS) {
			return { state: 'unsaved', count: this.tracker.count };
		}
		return { state: 'saving' };
	}

	destroy(): void {
		if (this.timer) clearTimeout(this.timer);
		this.provider.destroy();
		void this.persistence?.destroy();
		this.doc.destroy();
	}
}

function upgradeIfEditable(session: PlanDocumentSession): void {
	if (session.readOnly) return;
	// Only writes when the schema version is missing (an empty or pre-versioning document).
	if (session.doc.getMap('meta').get('schemaVersion') === undefined) upgradePlanDoc(session.doc);
}

/** Both documents of a plan page over one WebSocket. */
export class PlanSession {
	readonly socket: HocuspocusProviderWebsocket;
	readonly shared: PlanDocumentSession;
	readonly internal: PlanDocumentSession | null;
	private stopped = false;
	// The browser says the network is gone: close the socket now rather than wait for its ping to
	// time out (edits then stay local, on IndexedDB), and reconnect as soon as it is back.
	private readonly onOnline = () => void this.connectNow();
	private readonly onOffline = () => {
		this.socket.disconnect();
		this.each((s) => s.refresh());
	};

	constructor(options: { planId: string; me: Me; readOnly: boolean; internal: boolean }) {
		this.socket = new HocuspocusProviderWebsocket({
			url: collabUrl(),
			delay: 1000,
			maxDelay: 10_000
		});
		this.shared = new PlanDocumentSession(
			options.planId,
			'shared',
			this.socket,
			options.me,
			options.readOnly
		);
		this.internal = options.internal
			? new PlanDocumentSession(options.planId, 'internal', this.socket, options.me, false)
			: null;
		// 4403: access revoked (deactivated, removed from the plan); 4429: this page's connection
		// spent its budget; 4409: this session has too many connections open (tabs). The provider retries every close: tell the person and stop instead.
		this.socket.on('close', ({ event }: { event: CloseEvent }) => {
			const reason = collabStopReason(event?.code);
			if (!reason) return;
			this.stopped = true;
			this.each((s) => s.stop(reason));
			this.socket.disconnect();
		});
		window.addEventListener('online', this.onOnline);
		window.addEventListener('offline', this.onOffline);
	}

	private each(fn: (session: PlanDocumentSession) => void): void {
		fn(this.shared);
		if (this.internal) fn(this.internal);
	}

	private async connectNow(): Promise<void> {
		if (this.stopped) return;
		try {
			await this.socket.connect();
		} catch {
			// The provider retries by itself.
		}
		this.each((s) => s.refresh());
	}

	get hasUnsavedChanges(): boolean {
		return this.shared.hasUnsavedChanges || (this.internal?.hasUnsavedChanges ?? false);
	}

	destroy(): void {
		window.removeEventListener('online', this.onOnline);
		window.removeEventListener('offline', this.onOffline);
		this.each((s) => s.destroy());
		this.socket.destroy();
	}
}
