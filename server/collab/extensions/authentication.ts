import type { Extension, onAuthenticatePayload, onConnectPayload } from '@hocuspocus/server';
import type { Actor } from '../../../src/lib/server/access/actor.ts';
import { SESSION_COOKIE, validateSessionToken } from '../../../src/lib/server/auth/sessions.ts';
import type { Db } from '../../../src/lib/server/db/index.ts';
import type { Logger } from '../../../src/lib/server/log/index.ts';
import { planDocumentAccess } from '../../../src/lib/server/plans/access.ts';
import { COLLAB_REFUSALS } from '../../../src/lib/shared/collab.ts';
import { readCookie } from '../../http/locale.ts';
import { CollabRefusal, type CollabContext } from '../context.ts';

/**
 * Who is on the socket, and may they open this document. The session cookie comes with the
 * same-origin upgrade (the Origin extension made sure of that); the access policy decides per
 * document, and sets read-only for people who may only read.
 */
export class Authentication implements Extension {
	extensionName = 'relais-authentication';
	private readonly db: Db;
	private readonly log: Logger;

	constructor(options: { db: Db; log: Logger }) {
		this.db = options.db;
		this.log = options.log;
	}

	/**
	 * Hocuspocus runs onConnect then onAuthenticate for every document a socket opens, so the
	 * session is validated here once per document: a session ended since the socket opened (logout,
	 * deactivation, suspended partner) no longer opens anything.
	 */
	async onConnect({
		context,
		requestHeaders,
		documentName
	}: onConnectPayload<CollabContext>): Promise<Partial<CollabContext>> {
		const token = readCookie(requestHeaders.get('cookie') ?? undefined, SESSION_COOKIE);
		if (!token) throw this.refuse(context, documentName, COLLAB_REFUSALS.sessionRequired);
		const { session, user } = await validateSessionToken(this.db, token);
		if (!session) throw this.refuse(context, documentName, COLLAB_REFUSALS.sessionInvalid);
		context.transport.userId = user.id;
		context.transport.sessionId = session.id;
		const actor: Actor = {
			id: user.id,
			role: user.role,
			organisationId: user.organisationId,
			organisationKind: user.organisationKind
		};
		return { user, actor };
	}

	/**
	 * The document itself: the plan access policy's answer, nothing else (plans/access.ts). People
	 * who may only read get a read-only connection: Hocuspocus then drops every update they send
	 * (sync step 2 and updates alike, MessageReceiver.readSyncMessage) and answers "not synced".
	 */
	async onAuthenticate({
		context,
		documentName,
		connectionConfig
	}: onAuthenticatePayload<CollabContext>): Promise<void> {
		// Access revoked while this document was being opened: the socket is closing anyway.
		if (!context.actor || context.transport.revoked) {
			throw this.refuse(context, documentName, COLLAB_REFUSALS.sessionInvalid);
		}
		const access = await planDocumentAccess(this.db, context.actor, documentName);
		// Revoked while the policy was being asked.
		if (context.transport.revoked) {
			throw this.refuse(context, documentName, COLLAB_REFUSALS.sessionInvalid);
		}
		if (access === 'none')
			throw this.refuse(context, documentName, COLLAB_REFUSALS.documentForbidden);
		connectionConfig.readOnly = access === 'read';
	}

	private refuse(context: CollabContext, documentName: string, reason: string): CollabRefusal {
		this.log.info(
			{ reason, documentName, ip: context.transport.ip, user: context.user?.id },
			'collaboration refused'
		);
		return new CollabRefusal(reason);
	}
}
