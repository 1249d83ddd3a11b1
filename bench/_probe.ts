import postgres from 'postgres';
import { createDb } from '../src/lib/server/db/index.ts';
import { publishLiveEvent } from '../src/lib/server/live/index.ts';
const url = 'postgres://postgres@127.0.0.1:5432/relais_bench_probe';
const database = await createDb({ databaseUrl: url });
const sql = postgres(url, { max: 10 });
const listener = postgres(url, { max: 1 });
let lat: number[] = [];
const on = (p: string) => { lat.push(performance.now() - JSON.parse(p).data.t); };
await listener.listen('relais_live', on);
await listener.listen('bare', on);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
for (let r = 0; r < 3; r++) {
  for (const mode of ['relais', 'bare', 'begin']) {
    lat = [];
    const ps = [];
    for (let i = 0; i < 200; i++) {
      const e = { type: 'x', audience: { everyone: true as const }, data: { t: performance.now() } };
      ps.push(mode === 'relais' ? database.db.transaction((tx) => publishLiveEvent(tx, e)) : mode === 'bare' ? sql.notify('bare', JSON.stringify(e)) : sql.begin((tx) => tx`select pg_notify('relais_live', ${JSON.stringify(e)})`));
      await sleep(10);
    }
    await Promise.all(ps); await sleep(100);
    lat.sort((a, b) => a - b);
    console.log(mode, 'n', lat.length, 'p50', lat[100].toFixed(2), 'p99', lat[197].toFixed(2));
  }
}
await sql.end(); await listener.end(); await database.close();
