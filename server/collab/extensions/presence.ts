import type {
	connectedPayload,
	Document,
	Extension,
	onDisconnectPayload
} from '@hocuspocus/server';
import type { PlanEditor, PresencePublisher } from '../../../src/lib/server/plans/presence.ts';
import { parsePlanDocumentName } from '../../../src/lib/shared/collab.ts';
import type { CollabContext } from '../context.ts';

/** The people connected to a document on this process, once each. */
function editorsOn(document: Document): PlanEditor[] {
	const editors = new Map<string, PlanEditor>();
	for (const connection of document.getConnections()) {
		const user = (connection.context as CollabContext | undefined)?.user;
		if (user) editors.set(user.id, { id: user.id, name: user.name });
	}
	return [...editors.values()];
}

/**
 * Who is on each plan's shared document, for the plans list: tells the presence publisher when a
 * connection arrives or leaves (plans/presence.ts debounces and publishes `plan.presence`).
 */
export class PlanPresence implements Extension {
	extensionName = 'relais-plan-presence';
	private readonly publisher: PresencePublisher;

	constructor(options: { publisher: PresencePublisher }) {
		this.publisher = options.publisher;
	}

	private changed(documentName: string, document: Document): void {
		const parsed = parsePlanDocumentName(documentName);
		if (!parsed || parsed.document !== 'shared') return;
		this.publisher.changed(parsed.planId, () => editorsOn(document));
	}

	async connected({ documentName, connection }: connectedPayload<CollabContext>) {
		this.changed(documentName, connection.document);
	}

	async onDisconnect({ documentName, document }: onDisconnectPayload<CollabContext>) {
		this.changed(documentName, document);
	}

	async onDestroy() {
		await this.publisher.stop();
	}
}
