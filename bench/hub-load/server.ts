/**
 * Child process of the hub load benchmark: serves either the ceiling (an empty Hono handler on
 * @hono/node-server) or the real hub, on 127.0.0.1 with a free port, and reports its URL to the
 * parent over IPC. It stops when the parent sends 'close' (or disconnects).
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { DatabaseConfig } from '../../packages/hub/src/index.ts';
import { syntheticFacilityKey } from './synthetic.ts';

const send = (m: unknown) => process.send?.(m);
// The parent asks for this process's CPU time around each run (CPU per request is far less
// sensitive than throughput to other processes sharing the cores).
process.on('message', (m) => {
  if (m === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ cpuMicros: user + system });
  }
});
const timing = process.env.HUB_LOAD_SQL_TIMING ? await import('./sql-timing.ts') : undefined;
const [mode, rawConfig] = process.argv.slice(2);
// HUB_LOAD_HUB_SRC=<dir>: serve another copy of the hub's sources (a candidate change) on the same data.
const hubSrc = process.env.HUB_LOAD_HUB_SRC
  ? new URL(`file://${process.env.HUB_LOAD_HUB_SRC.replace(/\/$/, '')}/index.ts`).href
  : '../../packages/hub/src/index.ts';
const { addCredential, addFacility, createLogger, startHub } = (await import(
  hubSrc
)) as typeof import('../../packages/hub/src/index.ts');

if (mode === 'ceiling') {
  const app = new Hono();
  app.all('/ceiling', (c) => c.json({ ok: true }));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
    send({ url: `http://127.0.0.1:${info.port}` }),
  );
  const stop = () => server.close(() => process.exit(0));
  process.on('message', (m) => m === 'close' && stop());
  process.on('disconnect', stop);
} else {
  const database = JSON.parse(rawConfig!) as DatabaseConfig;
  const hub = await startHub({
    database,
    port: 0,
    host: '127.0.0.1',
    adminKey: 'bench-admin-key-not-a-secret-0123456789abcdef',
    rateLimit: false,
    logger: createLogger({ level: 'silent' }),
    // HUB_LOAD_SUMMARY_WORKERS=<n>: the hub's summary worker threads (0: summaries on the event loop).
    ...(process.env.HUB_LOAD_SUMMARY_WORKERS
      ? { summaryWorkers: Number(process.env.HUB_LOAD_SUMMARY_WORKERS) }
      : {}),
  });
  send({ url: hub.url, apiKey: await syntheticFacilityKey({ addCredential, addFacility }, hub.store.db) });
  const stop = () =>
    hub.close().then(() => {
      timing?.printSqlTiming();
      process.exit(0);
    });
  process.on('message', (m) => m === 'close' && stop());
  process.on('disconnect', stop);
}
