import { sql } from 'drizzle-orm';
import type { ServerResponse } from 'node:http';
import type { Db } from '../../src/lib/server/db/index.ts';

// A database that does not answer within this time counts as unreachable.
const TIMEOUT_MS = 2000;

async function databaseAnswers(db: Db): Promise<boolean> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<false>((resolve) => {
		timer = setTimeout(() => resolve(false), TIMEOUT_MS);
	});
	const query = db.execute(sql`select 1`).then(
		() => true,
		() => false
	);
	try {
		return await Promise.race([query, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/**
 * Liveness and readiness in one: 200 when `select 1` works, 503 when the database is unreachable
 * or the process is shutting down (a load balancer then stops sending it new work).
 */
export async function sendHealth(
	res: ServerResponse,
	db: Db,
	state: { draining: boolean }
): Promise<void> {
	const ok = await databaseAnswers(db);
	const body = state.draining
		? { status: 'stopping', database: ok ? 'ok' : 'unreachable' }
		: { status: ok ? 'ok' : 'error', database: ok ? 'ok' : 'unreachable' };
	const status = ok && !state.draining ? 200 : 503;
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'cache-control': 'no-store'
	});
	res.end(JSON.stringify(body));
}
