import type { beforeSyncPayload, Extension } from '@hocuspocus/server';
import * as Y from 'yjs';
import type { Logger } from '../../../src/lib/server/log/index.ts';
import type { CollabContext, Transport } from '../context.ts';

// y-protocols' sync message types.
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

/** WebSocket close code for a message whose content is not what it claims to be. */
export const MALFORMED_CLOSE_CODE = 1007;

/**
 * Checks every Yjs update before it reaches a document. y-protocols catches (and only logs) an
 * update that fails to apply, so a broken or hostile client would stay connected and could leave
 * half-applied structures behind: a malformed update, or state vector, closes that socket instead
 * (1007), and nothing of it is applied. The other sockets and the document carry on.
 */
export class UpdateValidation implements Extension {
	extensionName = 'relais-update-validation';
	private readonly log: Logger;
	private readonly close: (transport: Transport, code: number, reason: string) => void;

	constructor(options: {
		log: Logger;
		close: (transport: Transport, code: number, reason: string) => void;
	}) {
		this.log = options.log;
		this.close = options.close;
	}

	async beforeSync({ type, payload, context, documentName }: beforeSyncPayload<CollabContext>) {
		try {
			if (type === SYNC_STEP_1) Y.decodeStateVector(payload);
			else if (type === SYNC_STEP_2 || type === SYNC_UPDATE) Y.decodeUpdate(payload);
			else throw new Error(`unknown sync message type ${type}`);
		} catch (error) {
			this.log.warn(
				{ err: error, documentName, user: context.user?.id, ip: context.transport.ip },
				'closed a collaboration socket that sent a malformed update'
			);
			this.close(context.transport, MALFORMED_CLOSE_CODE, 'malformed-update');
			// Stops this message (no text: Hocuspocus prints hook errors that have one; we logged it).
			throw Object.assign(new Error(), {
				code: MALFORMED_CLOSE_CODE,
				reason: 'malformed-update'
			});
		}
	}
}
