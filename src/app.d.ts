import type { Session, SessionUser } from '$lib/server/auth/sessions';
import type { Runtime } from '$lib/server/runtime';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			session: Session | null;
			runtime: Runtime;
			/** The zone the reader reads dates in (theirs, else the workspace's). */
			timeZone: string;
		}
		interface Error {
			message: string;
			code?: string;
		}
		interface PageState {
			dialog?: string;
		}
	}
}

export {};
