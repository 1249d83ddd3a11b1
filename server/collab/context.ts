import type { Hocuspocus } from '@hocuspocus/server';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { Actor } from '../../src/lib/server/access/actor.ts';
import type { SessionUser } from '../../src/lib/server/auth/sessions.ts';
import { COLLAB_CLOSE_CODES } from '../../src/lib/shared/collab.ts';

/** One open WebSocket; the authentication extension fills in who is on it. */
export type Transport = {
	ws: WebSocket;
	client: ReturnType<Hocuspocus['handleConnection']> | null;
	ip: string;
	userId: string | null;
	sessionId: string | null;
	/** Set when access was revoked, so a document still authenticating is refused too. */
	revoked: boolean;
	/** Set once the server closes it: later messages are dropped. */
	ended: boolean;
};

/**
 * The Hocuspocus context of each document connection. Hocuspocus copies the default context per
 * document, shallowly: `transport` stays the same object, so what one document learns about the
 * socket (its user) is visible to closeUserConnections.
 */
export type CollabContext = {
	transport: Transport;
	user?: SessionUser;
	actor?: Actor;
};

/** The upgrade request as the onUpgrade hooks see it. */
export type UpgradeRequest = IncomingMessage;

/**
 * A refusal sent to the client as Hocuspocus's "permission denied" with this reason. The message
 * stays empty on purpose: Hocuspocus prints errors that have one, and we log refusals ourselves.
 */
export class CollabRefusal extends Error {
	readonly reason: string;
	/** For refusals before the WebSocket exists (onUpgrade): the HTTP status to answer. */
	readonly status: number;
	constructor(reason: string, status = 403) {
		super();
		this.name = 'CollabRefusal';
		this.reason = reason;
		this.status = status;
	}
}

/** Close codes the browser client reacts to (shared with it). */
export const CLOSE_CODES = COLLAB_CLOSE_CODES;

/** The client address, honouring adapter-node's ADDRESS_HEADER / XFF_DEPTH behind a proxy. */
export function clientAddress(req: IncomingMessage): string {
	const header = process.env.ADDRESS_HEADER?.toLowerCase();
	if (header) {
		const raw = req.headers[header];
		const value = Array.isArray(raw) ? raw.join(',') : raw;
		if (value) {
			if (header !== 'x-forwarded-for') return value.trim();
			const addresses = value.split(',');
			const depth = Number.parseInt(process.env.XFF_DEPTH ?? '1', 10) || 1;
			return (addresses[addresses.length - depth] ?? addresses[0]).trim();
		}
	}
	return req.socket.remoteAddress ?? 'unknown';
}
