import type {
	connectedPayload,
	Extension,
	onDisconnectPayload,
	onLoadDocumentPayload
} from '@hocuspocus/server';
import type { Logger as Pino } from '../../../src/lib/server/log/index.ts';
import type { CollabContext } from '../context.ts';

/** Last in the chain: it sees only what the extensions before it let through. */
export class Logger implements Extension {
	extensionName = 'relais-logger';
	private readonly log: Pino;

	constructor(options: { log: Pino }) {
		this.log = options.log;
	}

	async onLoadDocument({ documentName }: onLoadDocumentPayload<CollabContext>): Promise<void> {
		this.log.debug({ documentName }, 'collaboration document loaded');
	}

	async connected({
		context,
		documentName,
		socketId
	}: connectedPayload<CollabContext>): Promise<void> {
		this.log.info(
			{ documentName, socketId, user: context.user?.id, ip: context.transport.ip },
			'collaboration connected'
		);
	}

	async onDisconnect({
		context,
		documentName,
		socketId,
		clientsCount
	}: onDisconnectPayload<CollabContext>): Promise<void> {
		this.log.info(
			{ documentName, socketId, user: context.user?.id, clientsCount },
			'collaboration disconnected'
		);
	}
}
