import { Redis } from '@hocuspocus/extension-redis';

/**
 * The Redis extension without its store lock. Hocuspocus's Redis extension takes a Redlock before
 * each store and, when another process holds it, skips this process's store without retrying it:
 * edits that reached only this process would wait for their next change to be stored, and their
 * clients for their `saved`. Our persistence merges every store into the row under a database
 * row lock (extensions/persistence.ts), so concurrent stores of one document are safe as they are.
 */
class RelaisRedis extends Redis {
	override async onStoreDocument(): Promise<void> {}
}

/**
 * Several collaboration processes share documents through Redis pub/sub. REDIS_URL
 * (redis://user:password@host:port/db, or rediss:// for TLS) becomes ioredis options here so
 * the app needs no direct ioredis dependency.
 */
export function redisExtension(url: string): Redis {
	const u = new URL(url);
	const db = Number.parseInt(u.pathname.slice(1), 10);
	return new RelaisRedis({
		host: u.hostname,
		port: u.port ? Number(u.port) : 6379,
		prefix: 'relais:collab',
		options: {
			username: u.username ? decodeURIComponent(u.username) : undefined,
			password: u.password ? decodeURIComponent(u.password) : undefined,
			db: Number.isInteger(db) ? db : undefined,
			tls: u.protocol === 'rediss:' ? {} : undefined
		}
	});
}
