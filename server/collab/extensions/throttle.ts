import type { Extension, onDestroyPayload, onUpgradePayload } from '@hocuspocus/server';
import { clientAddress, CollabRefusal } from '../context.ts';

const WINDOW_MS = 60_000;

/**
 * At most `perMinute` WebSocket connections per client address per minute, counted on the
 * upgrade (one per browser tab, plus its reconnections), before any database work is done.
 */
export class Throttle implements Extension {
	extensionName = 'relais-throttle';
	private readonly perMinute: number;
	private readonly windows = new Map<string, { start: number; count: number }>();
	private readonly sweeper: NodeJS.Timeout;

	constructor(options: { perMinute: number }) {
		this.perMinute = options.perMinute;
		this.sweeper = setInterval(() => this.sweep(), WINDOW_MS);
		this.sweeper.unref();
	}

	async onUpgrade({ request }: onUpgradePayload): Promise<void> {
		const ip = clientAddress(request);
		const now = Date.now();
		const window = this.windows.get(ip);
		if (!window || now - window.start >= WINDOW_MS) {
			this.windows.set(ip, { start: now, count: 1 });
			return;
		}
		window.count += 1;
		if (window.count > this.perMinute) throw new CollabRefusal('too-many-connections', 429);
	}

	async onDestroy(_payload: onDestroyPayload): Promise<void> {
		clearInterval(this.sweeper);
		this.windows.clear();
	}

	private sweep(): void {
		const now = Date.now();
		for (const [ip, window] of this.windows) {
			if (now - window.start >= WINDOW_MS) this.windows.delete(ip);
		}
	}
}
