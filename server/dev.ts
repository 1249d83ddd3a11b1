// `npm run dev`: the production composition (one port, /healthz, /collab) with Vite in
// middleware mode serving the app with hot reloading.
import type { IncomingMessage } from 'node:http';
import { createServer as createViteServer, type ViteDevServer } from 'vite';
import { applyBodySizeLimit, warnIgnoredBodySizeLimit } from '../src/lib/server/http/body-limit.ts';
import { createCollabServer } from './collab/index.ts';
import { createRelaisServer } from './http.ts';
import { handleShutdownSignals, startRuntime } from './process.ts';

// As in production (SvelteKit's dev server itself does not limit bodies): larger requests get our
// readable 413 (server/http.ts); routes enforce their own limits in the hook.
const ignoredBodySizeLimit = applyBodySizeLimit(process.env);

const { config, runtime } = await startRuntime({ migrate: true, seed: true });
warnIgnoredBodySizeLimit(runtime.log, ignoredBodySizeLimit);

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
