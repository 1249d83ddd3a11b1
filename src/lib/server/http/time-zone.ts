import { AsyncLocalStorage } from 'node:async_hooks';
import { installTimeZoneSource } from '../../format/index.ts';
import type { SessionUser } from '../auth/sessions.ts';
import type { Db } from '../db/client.ts';
import { getWorkspaceSettings, personTimeZone } from '../workspace/settings.ts';

// The reader's time zone on the server: hooks.server.ts runs each request inside
// `withReaderTimeZone`, and the formatter module (src/lib/format) reads it from here, so every date
// a page renders on the server is in the reader's zone, as the browser will render it.

const storage = new AsyncLocalStorage<string>();
installTimeZoneSource(() => storage.getStore());

/** The zone this request's reader reads in: their own, else the workspace's. */
export async function requestTimeZone(db: Db, user: SessionUser | null): Promise<string> {
	return personTimeZone(user?.timeZone, await getWorkspaceSettings(db));
}

/** Runs the rest of the request with this reader zone. */
export function withReaderTimeZone<T>(timeZone: string, run: () => T): T {
	return storage.run(timeZone, run);
}
