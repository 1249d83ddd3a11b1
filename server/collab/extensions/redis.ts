import { Redis } from '@hocuspocus/extension-redis';

/**
 * Several collaboration processes share documents through Redis pub/sub. REDIS_URL
 * (redis://user:password@host:port/db, or rediss:// for TLS) becomes ioredis options here so
 * the app needs no direct ioredis dependency.
 */
export function redisExtension(url: string): Redis {
	const u = new URL(url);
	const db = Number.parseInt(u.pathname.slice(1), 10);
	return new Redis({
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
