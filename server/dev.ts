// `npm run dev`: the production composition (one port, /healthz, /collab) with Vite in
// middleware mode serving the app with hot reloading.
import type { IncomingMessage } from 'node:http';
import { createServer as createViteServer, type ViteDevServer } from 'vite';
import { BODY_LIMITS } from '../src/lib/server/http/limits.ts';
import { createCollabServer } from './collab/index.ts';
import { createRelaisServer } from './http.ts';
import { handleShutdownSignals, startRuntime } from './process.ts';

// SvelteKit's dev server reads the same limit as adapter-node.
process.env.BODY_SIZE_LIMIT = String(BODY_LIMITS.import);

const { config, runtime } = await startRuntime({ migrate: true, seed: true });

let vite: ViteDevServer | null = null;
const collab = createCollabServer({ runtime });
const relais = createRelaisServer({
	runtime,
	collab,
	handler: (req, res, next) => {
		if (!vite) return next();
		vite.middlewares(req, res, next);
	},
	// Vite's HMR socket shares this server (server.ws.server below) and answers its own upgrades.
	passUpgrade: (req: IncomingMessage) =>
		/\bvite-(hmr|ping)\b/.test(String(req.headers['sec-websocket-protocol'] ?? ''))
});

vite = await createViteServer({
	server: { middlewareMode: true, ws: { server: relais.server } },
	appType: 'custom'
});

const url = await relais.listen(config.port, config.host);
console.log(`Relais is listening on ${url}`);
runtime.log.info({ url, database: runtime.database.kind }, 'dev server listening');

handleShutdownSignals(runtime, async () => {
	await relais.close({ graceMs: 1000 });
	await vite?.close();
});
