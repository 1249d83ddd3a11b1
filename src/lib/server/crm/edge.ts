import { requireUser } from '../access/guard.ts';
import type { SessionUser } from '../auth/sessions.ts';
import { clientAddress } from '../http/client.ts';
import type { CommandContext } from '../command.ts';

// Routes only: who is asking on the CRM pages and what the audit log records about the request.
// How a refusal reaches the person is the one edge's (http/edge.ts).

type Event = { locals: App.Locals; url: URL; getClientAddress(): string };

export function crmContext(event: Event): CommandContext {
	return { ip: clientAddress(event) };
}

/** Every CRM page: signed-in people (each record then decides with the policy). */
export function crmUser(locals: App.Locals, url?: URL): SessionUser {
	return requireUser(locals, url);
}
