// `npm run collab`: the collaboration server alone, for scale-out. Put it behind the same origin
// as the app (a proxy routing /collab here) so the session cookie and the Origin check work, run it
// on PostgreSQL (DATABASE_URL), and set REDIS_URL when there are several. HOST/PORT as for the app.
import { createCollabServer } from './collab/index.ts';
import { createRelaisServer } from './http.ts';
import { handleShutdownSignals, startRuntime } from './process.ts';

// No migrations, no seed, no jobs: the app processes own those.
const { config, runtime } = await startRuntime({}, { jobs: false });

const collab = createCollabServer({ runtime });
// Only /healthz and /collab: every other request is a 404.
const relais = createRelaisServer({
	runtime,
	collab,
	handler: (_req, res) => {
		res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
		res.end('Not Found');
	}
});
const url = await relais.listen(config.port, config.host);
console.log(`Relais collaboration server is listening on ${url}`);
runtime.log.info({ url, database: runtime.database.kind }, 'collaboration server listening');

handleShutdownSignals(runtime, () => relais.close());
