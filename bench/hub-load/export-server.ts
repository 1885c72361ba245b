/**
 * Child process of the export benchmark: the real hub on 127.0.0.1 (free port) with bulk exports
 * written under the directory the parent names, and a credential of the synthetic facility with
 * the `read` and `export` scopes. Answers its memory over IPC ('memory': after a full GC when the
 * process runs with --expose-gc) and stops on 'close' or when the parent disconnects.
 */
import type { DatabaseConfig } from '../../packages/hub/src/index.ts';
import { addCredential, addFacility, createLogger, startHub } from '../../packages/hub/src/index.ts';
import { SYNTHETIC_FACILITY } from './synthetic.ts';

const send = (m: unknown) => process.send?.(m);
const [rawConfig, exportDir] = process.argv.slice(2);
const database = JSON.parse(rawConfig!) as DatabaseConfig;

process.on('message', (m) => {
  if (m !== 'memory') return;
  const gc = (globalThis as { gc?: () => void }).gc;
  // The V8 heap as the export left it (committed and used), then after a full GC.
  const before = process.memoryUsage();
  gc?.();
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  send({
    memory: {
      rss,
      heapUsed,
      heapTotal,
      external,
      arrayBuffers,
      beforeGc: { rss: before.rss, heapUsed: before.heapUsed, heapTotal: before.heapTotal },
      afterGc: gc !== undefined,
    },
  });
});

// EXPORT_LOAD_TRACE=1: the hub's memory every second on stderr (diagnosis of where RSS goes).
if (process.env.EXPORT_LOAD_TRACE) {
  const mib = (n: number) => (n / 1048576).toFixed(0);
  setInterval(() => {
    const m = process.memoryUsage();
    process.stderr.write(
      `  [hub memory] rss ${mib(m.rss)} heap ${mib(m.heapUsed)}/${mib(m.heapTotal)} external ${mib(m.external)} arrayBuffers ${mib(m.arrayBuffers)} MiB\n`,
    );
  }, 1000).unref();
}

const hub = await startHub({
  database,
  port: 0,
  host: '127.0.0.1',
  adminKey: 'bench-admin-key-not-a-secret-0123456789abcdef',
  rateLimit: false,
  logger: createLogger({ level: 'silent' }),
  // Polled every second: the kick-off → manifest time is known to about a second.
  // EXPORT_LOAD_PAGE_SIZE=<n>: rows read per query (diagnosis; the hub's default otherwise).
  exports: {
    directory: exportDir!,
    retryAfterSeconds: 1,
    ...(process.env.EXPORT_LOAD_PAGE_SIZE ? { pageSize: Number(process.env.EXPORT_LOAD_PAGE_SIZE) } : {}),
  },
});
// A reused database (--sqlite-file) already has the facility: issue it one more key.
const known = await hub.store.db
  .selectFrom('facilities')
  .select('code')
  .where('code', '=', SYNTHETIC_FACILITY.code)
  .executeTakeFirst();
if (!known) await addFacility(hub.store.db, SYNTHETIC_FACILITY);
const credential = await addCredential(hub.store.db, SYNTHETIC_FACILITY.code, {
  scopes: ['read', 'export'],
  label: 'export benchmark',
});
send({ url: hub.url, apiKey: credential.apiKey });
const stop = () => hub.close().then(() => process.exit(0));
process.on('message', (m) => m === 'close' && stop());
process.on('disconnect', stop);
