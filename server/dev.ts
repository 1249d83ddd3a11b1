// `npm run dev`: the production composition (one port, /healthz, /collab) with Vite in
// middleware mode serving the app with hot reloading.
import type { IncomingMessage } from 'node:http';
import { createServer as createViteServer, type ViteDevServer } from 'vite';
import { applyBodySizeLimit } from '../src/lib/server/http/body-limit.ts';
import { LARGEST_BODY_LIMIT } from '../src/lib/server/http/limits.ts';
import { createCollabServer } from './collab/index.ts';
import { createRelaisServer } from './http.ts';
import { handleShutdownSignals, startRuntime } from './process.ts';

// As in production (SvelteKit's dev server itself does not limit bodies): larger requests get our
// readable 413 (bodyLimit below); routes enforce their own limits in the hook.
const ignoredBodySizeLimit = applyBodySizeLimit(process.env);

const { config, runtime } = await startRuntime({ migrate: true, seed: true });
if (ignoredBodySizeLimit) {
	runtime.log.warn(
		{ BODY_SIZE_LIMIT: ignoredBodySizeLimit, used: LARGEST_BODY_LIMIT },
		'BODY_SIZE_LIMIT is not a setting: Relais sets it to the largest body it accepts; remove it from the environment'
	);
}

let vite: ViteDevServer | null = null;
const collab = createCollabServer({ runtime });
const relais = createRelaisServer({
	runtime,
	collab,
	bodyLimit: LARGEST_BODY_LIMIT,
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
