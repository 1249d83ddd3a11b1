// The production entry (`npm run preview`, and `npm start` after building): one process serving
// the SvelteKit app and the collaboration server on HOST:PORT.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { applyBodySizeLimit, warnIgnoredBodySizeLimit } from '../src/lib/server/http/body-limit.ts';
import { createCollabServer } from './collab/index.ts';
import { createRelaisServer, type NodeHandler } from './http.ts';
import { handleShutdownSignals, startRuntime } from './process.ts';

// Before the app is loaded: adapter-node reads BODY_SIZE_LIMIT once, when build/handler.js is.
// Larger requests get server/http.ts's readable 413; routes enforce their own limits.
const ignoredBodySizeLimit = applyBodySizeLimit(process.env);

// Without ORIGIN, adapter-node takes the host from the request but assumes https, which breaks
// form posts (CSRF origin check) and cookies on plain http://127.0.0.1:3000. We tell it the real
// protocol through a header only this server sets. Behind a TLS proxy, set ORIGIN instead.
const PROTOCOL_HEADER = 'x-relais-protocol';
const deriveProtocol = !process.env.ORIGIN && !process.env.PROTOCOL_HEADER;
if (deriveProtocol) process.env.PROTOCOL_HEADER = PROTOCOL_HEADER;

const { config, runtime } = await startRuntime({ migrate: true, seed: true });
warnIgnoredBodySizeLimit(runtime.log, ignoredBodySizeLimit);

// RELAIS_HANDLER is for tests only: a module exporting `handler`, used instead of the build so
// that the process tests (data directory lock, shutdown) do not need `npm run build`.
const handlerPath =
	process.env.RELAIS_HANDLER ?? resolve(import.meta.dirname, '../build/handler.js');
let handler: NodeHandler;
try {
	({ handler } = (await import(pathToFileURL(resolve(handlerPath)).href)) as {
		handler: NodeHandler;
	});
} catch (error) {
	runtime.log.fatal({ err: error }, `could not load the app from ${handlerPath}`);
	console.error(
		`Could not load the app from ${handlerPath}. Run \`npm run build\` (or \`npm start\`, which builds).`
	);
	await runtime.stop();
	process.exit(1);
}

const collab = createCollabServer({ runtime });
const relais = createRelaisServer({
	runtime,
	handler,
	collab,
	protocolHeader: deriveProtocol ? PROTOCOL_HEADER : undefined,
	forwardedProtocolHeader: process.env.PROTOCOL_HEADER
});
const url = await relais.listen(config.port, config.host);
// Tests and people read this exact line.
console.log(`Relais is listening on ${url}`);
runtime.log.info({ url, database: runtime.database.kind }, 'listening');

handleShutdownSignals(runtime, () => relais.close());
