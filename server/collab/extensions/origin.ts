import type { Extension, onUpgradePayload } from '@hocuspocus/server';
import { CollabRefusal } from '../context.ts';

/**
 * Cross-site WebSocket hijacking: a page on another site could open a socket to /collab and the
 * browser would attach our session cookie (WebSockets are not bound by CORS). Browsers always
 * send Origin on a WebSocket upgrade, so we accept only our own: ORIGIN when configured, else the
 * host the request was sent to. Clients that are not browsers must send Origin too.
 */
export class OriginCheck implements Extension {
	extensionName = 'relais-origin';
	private readonly origin: string | null;

	constructor(options: { origin?: string }) {
		this.origin = options.origin ? new URL(options.origin).origin : null;
	}

	async onUpgrade({ request }: onUpgradePayload): Promise<void> {
		const header = request.headers.origin;
		if (!header) throw new CollabRefusal('origin-required', 403);
		let origin: URL;
		try {
			origin = new URL(header);
		} catch {
			throw new CollabRefusal('origin-invalid', 403);
		}
		if (this.origin) {
			if (origin.origin !== this.origin) throw new CollabRefusal('origin-refused', 403);
			return;
		}
		// Without ORIGIN the scheme is unknown behind a TLS proxy; the host is what tells sites apart.
		const hostHeader = process.env.HOST_HEADER?.toLowerCase() ?? 'host';
		const raw = request.headers[hostHeader];
		const host = Array.isArray(raw) ? raw[0] : raw;
		if (!host || origin.host !== host.toLowerCase()) throw new CollabRefusal('origin-refused', 403);
	}
}
