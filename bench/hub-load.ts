/**
 * Load benchmark of the exchange hub (`npm run bench:hub -- [options]`).
 *
 * Publish (POST /v1/lab-reports with an Idempotency-Key) and patient query
 * (GET /v1/lab-reports?patient=…&limit=50) measured with autocannon at 1, 10 and 50 connections,
 * on SQLite and PostgreSQL, with N stored SYNTHETIC reports (default 1,000,000, ~10 per patient),
 * beside the ceiling: an empty Hono handler on @hono/node-server, measured the same way on the same
 * machine. The servers run in a child process (one core), autocannon in this one.
 *
 * Bounded: every autocannon run lasts `--duration` seconds (default 5) and at most 250,000
 * requests; traffic goes to 127.0.0.1 only. The seeded database lives in a temp dir (SQLite) or a
 * throw-away database (PostgreSQL) and is deleted at the end.
 *
 * Options: --reports N  --patients N (default reports/10)  --duration S (default 10)  --connections 1,10,50
 *          --pg (also PostgreSQL: LIENTHONG_PG_URL, else a private cluster started and stopped here)
 *          --pg-layout plain|partitioned|plain,partitioned (PostgreSQL tables: one table each, the
 *            hub's default, or monthly partitions — layout: 'partitioned'; both: one run each)
 *          --warm-up S (default 5: seconds of unrecorded load at 10 connections before the query
 *            runs and before the publish runs; a hub that has run for a while has compiled its hot code
 *            and filled its page cache — with 1 s, the first seconds of a fresh process were measured)
 *          --no-sqlite  --no-ceiling
 *          --sqlite-file F (keep the seeded SQLite file at F and reuse it when it already holds reports)
 *          --seed-copy (with --sqlite-file: keep a copy of the freshly seeded file at F.seed and start
 *            every run from it, so the runs' publishes do not grow the file past --reports)
 *          --report-order arrival|patient|patient-deferred (SQLite: the hub's `reportOrder`, as
 *            seeded and served, default the hub's, patient-deferred, which also prints what filing
 *            the runs' publishes costs afterwards)
 *          --audit-entries N (default 0: also seed N SYNTHETIC audit entries, the trail a hub that
 *            has served reads for a while holds; bench/hub-load/audit-trail.ts)
 *          --grow K (PostgreSQL: after the runs at --reports, copy the seeded reports in SQL until
 *            there are K times as many, over K times the patients, and run again: 1 M and 10 M with
 *            --reports 1000000 --grow 10; bench/hub-load/grow.ts)
 * Diagnosis: HUB_LOAD_SQL_TIMING=1 (SQL time per statement in the hub process),
 *            HUB_LOAD_CPU_PROF=<dir> (V8 CPU profile of each server), HUB_LOAD_HUB_SRC=<dir> (another hub source tree),
 *            HUB_LOAD_NODE_FLAGS="--flag …" (Node/V8 flags of the server children, e.g. --single-threaded-gc),
 *            HUB_LOAD_NODE=22|24 (the server children on that Node.js LTS line: bench/hub-load/node-line.ts).
 */
import './hub-load/typed-exit.ts';
import { cpus } from 'node:os';
import { sql } from 'kysely';
import { openDatabase } from '../packages/hub/src/index.ts';
import { bulkLoadReports } from '../packages/hub/src/records/bulk-load.ts';
import { addSyntheticAuditTrail } from './hub-load/audit-trail.ts';
import { serveChild, serverRuntimeLines, stopChild } from './hub-load/child.ts';
import {
  flag,
  fmt,
  loadAverage,
  log,
  option,
  optionInvalid,
  reportOrderOption,
  secs,
  seededShape,
} from './hub-load/cli.ts';
import { checkGrowth, growReports } from './hub-load/grow.ts';
import { patientQueryPlan } from './hub-load/query-plan.ts';
import { hubRequests } from './hub-load/requests.ts';
import {
  load as loadFor,
  MAX_REQUESTS,
  type Measured,
  measured as measuredFor,
  type Req,
} from './hub-load/runner.ts';
import {
  PATIENT_SYSTEM,
  patientValue,
  prng,
  SYNTHETIC_FACILITY,
  syntheticReport,
  syntheticReports,
} from './hub-load/synthetic.ts';
import {
  postgresTarget,
  seedOrReuse,
  sqliteTarget,
  stopPrivatePostgres,
  type Target,
} from './hub-load/targets.ts';

// ---- options ------------------------------------------------------------------------------
const { reports: REPORTS, patients: PATIENTS } = seededShape();
const DURATION = Number(option('duration', '10'));
/** Seconds of unrecorded load before each operation's runs (JIT compilation, caches). */
const WARM_UP = Number(option('warm-up', '5'));
const CONNECTIONS = option('connections', '1,10,50').split(',').map(Number);
if (
  ![REPORTS, PATIENTS, DURATION, WARM_UP].every((n) => Number.isInteger(n) && n > 0) ||
  DURATION > 60 ||
  WARM_UP > 60
)
  throw optionInvalid(
    '--reports',
    '--reports, --patients, --duration and --warm-up (≤ 60 s) take positive integers',
    '--reports, --patients, --duration và --warm-up (≤ 60 s) nhận số nguyên dương',
  );
const GROW = Number(option('grow', '1'));
const AUDIT_ENTRIES = Number(option('audit-entries', '0'));
if (!Number.isInteger(AUDIT_ENTRIES) || AUDIT_ENTRIES < 0)
  throw optionInvalid(
    '--audit-entries',
    '--audit-entries takes a whole number, 0 or more',
    '--audit-entries nhận một số nguyên không âm',
  );
checkGrowth(REPORTS, PATIENTS, GROW);
/** The reports and patients stored now (REPORTS and PATIENTS, times GROW once grown). */
const stored = { reports: REPORTS, patients: PATIENTS };

const started = performance.now();
// Every run lasts --duration seconds.
const load = (url: string, c: number, next: () => Req, seconds = DURATION) => loadFor(url, c, next, seconds);
const measured = (s: Parameters<typeof measuredFor>[0], c: number, next: () => Req) =>
  measuredFor(s, c, next, DURATION);

interface Row {
  db: string;
  op: 'publish' | 'query';
  connections: number;
  m: Measured;
  ceiling?: Measured;
}
const rows: Row[] = [];
const ceilings = new Map<string, Measured>();

// Requests: a publish is a new synthetic report with its own Idempotency-Key; a query asks for a
// random seeded patient.
const requests = hubRequests(() => stored.patients);

// ---- the ceiling ------------------------------------------------------------------------------
async function measureCeiling(): Promise<void> {
  const server = await serveChild('ceiling');
  const sampleBody = JSON.stringify(syntheticReport(0, 0, prng(1), 'CEIL-'));
  const get = (): Req => ({ method: 'GET', path: '/ceiling' });
  const post = (): Req => ({
    method: 'POST',
    path: '/ceiling',
    headers: { 'content-type': 'application/json' },
    body: sampleBody,
  });
  await load(server.url, 10, get, 1); // warm-up, not recorded
  for (const c of CONNECTIONS) {
    ceilings.set(`GET ${c}`, await measured(server, c, get));
    ceilings.set(`POST ${c}`, await measured(server, c, post));
  }
  await stopChild(server);
}

async function seed(target: Target): Promise<{ ms: number; plan: string; reused: number }> {
  const store = await openDatabase(target.config);
  const t0 = performance.now();
  let lastLog = t0;
  const { n: stored } = await store.db
    .selectFrom('lab_reports')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  // A bigger page cache for the import connection only (memory, not durability: still FULL).
  if (store.dialect === 'sqlite') await sql`pragma cache_size = -524288`.execute(store.db);
  if (Number(stored) === 0)
    await bulkLoadReports(store.db, syntheticReports(REPORTS, PATIENTS), {
      publisher: { facilityCode: SYNTHETIC_FACILITY.code, admin: false },
      batchSize: 10_000,
      onBatch: (n) => {
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          log(`    … ${fmt(n)} reports (${secs(lastLog - t0)})`);
        }
      },
    });
  if (Number(stored) === 0 && AUDIT_ENTRIES > 0) {
    await addSyntheticAuditTrail(store.db, AUDIT_ENTRIES, store.dialect);
    log(`    … ${fmt(AUDIT_ENTRIES)} SYNTHETIC audit entries (${secs(performance.now() - t0)})`);
  }
  // patient-deferred: filing walks the key rows once (the bulk load placed every report by patient
  // already), so the runs' filing starts after the seed's, as on a hub that filed everything before.
  if (Number(stored) === 0 && 'sqlite' in target.config && target.config.reportOrder === 'patient-deferred')
    await store.fileReports();
  // An operator refreshes planner statistics after an import; so do we. The hub keeps the row counts
  // (sqlite_stat1) and empties the value samples when it opens the file (db/value-statistics.ts).
  await sql`analyze`.execute(store.db);
  const ms = performance.now() - t0;
  await store.close();
  const plan = (
    await patientQueryPlan(target.config, {
      system: PATIENT_SYSTEM,
      value: patientValue(Math.floor(PATIENTS / 2)),
    })
  ).join('\n      ');
  return { ms, plan, reused: Number(stored) };
}

async function measureTarget(target: Target): Promise<void> {
  log(`\n■ ${target.name}: seeding ${fmt(REPORTS)} synthetic reports over ${fmt(PATIENTS)} patients`);
  const {
    result: seeded,
    via,
    grown,
    label,
  } = await seedOrReuse(target, () => seed(target), REPORTS, 'reports');
  if (seeded.reused)
    log(`  reused ${fmt(seeded.reused)} stored reports (${via}); ${await target.describe()}`);
  else
    log(
      `  seeded in ${secs(seeded.ms)} (${fmt(REPORTS / (seeded.ms / 1000))} reports/s, incl. ANALYZE); ${await target.describe()}`,
    );
  log(`  patient query plan:\n      ${seeded.plan}`);
  if (grown) log(`  ${grown}`);
  await measureRuns(target, label);
  if (GROW === 1) return;
  if (!('postgres' in target.config)) {
    log(`  --grow: PostgreSQL only (${target.name} is measured at ${fmt(REPORTS)} reports)`);
    return;
  }
  stored.reports = REPORTS * GROW;
  stored.patients = PATIENTS * GROW;
  log(
    `\n■ ${target.name}: growing to ${fmt(stored.reports)} reports over ${fmt(stored.patients)} patients (SQL copies)`,
  );
  const t0 = performance.now();
  const store = await openDatabase(target.config);
  try {
    await growReports(store.db, { reports: REPORTS, patients: PATIENTS }, GROW, (k) =>
      log(`    … ${fmt(REPORTS * (k + 1))} reports (${secs(performance.now() - t0)})`),
    );
  } finally {
    await store.close();
  }
  log(`  grown in ${secs(performance.now() - t0)} (incl. ANALYZE); ${await target.describe()}`);
  await measureRuns(target, `${target.name} · ${fmt(stored.reports)}`);
  stored.reports = REPORTS;
  stored.patients = PATIENTS;
}

/** The query and publish runs against a hub on `target` as it is now, recorded under `label`. */
async function measureRuns(target: Target, label: string): Promise<void> {
  const hub = await serveChild('hub', target.config);
  const apiKey = hub.apiKey!;
  const query = requests.query(apiKey);
  const publish = requests.publish(apiKey);
  await load(hub.url, 10, query, WARM_UP); // warm-up, not recorded
  log(`  load average before the runs: ${loadAverage()} (${cpus().length} cores)`);
  for (const c of CONNECTIONS) {
    const m = await measured(hub, c, query);
    rows.push({ db: label, op: 'query', connections: c, m, ceiling: ceilings.get(`GET ${c}`) });
    log(
      `  query   ${String(c).padStart(2)} conn: ${fmt(m.rps)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, ${fmt(m.cpuPerRequest ?? Number.NaN)} µs CPU/req`,
    );
  }
  await load(hub.url, 10, publish, WARM_UP); // warm-up, not recorded
  for (const c of CONNECTIONS) {
    const m = await measured(hub, c, publish);
    rows.push({ db: label, op: 'publish', connections: c, m, ceiling: ceilings.get(`POST ${c}`) });
    log(
      `  publish ${String(c).padStart(2)} conn: ${fmt(m.rps)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, ${fmt(m.cpuPerRequest ?? Number.NaN)} µs CPU/req`,
    );
  }
  log(`  load average after the runs: ${loadAverage()}`);
  await stopChild(hub);
  if ('sqlite' in target.config && target.config.reportOrder === 'patient-deferred')
    await measureFiling(target);
}

/**
 * `patient-deferred`: what filing the runs' publishes costs, paid when the hub is idle (here after
 * the runs, in this process): versions filed, and CPU per version.
 */
async function measureFiling(target: Target): Promise<void> {
  const store = await openDatabase(target.config);
  try {
    const [t0, c0] = [performance.now(), process.cpuUsage()];
    const filed = await store.fileReports();
    const cpu = process.cpuUsage(c0);
    log(
      `  filing (patient-deferred, when idle): ${fmt(filed)} versions in ${secs(performance.now() - t0)}, ${fmt(filed ? (cpu.user + cpu.system) / filed : 0)} µs CPU each`,
    );
  } finally {
    await store.close();
  }
}

function printTables(): void {
  log('\n■ Results (autocannon, pipelining 1, loopback; latency in ms)');
  const head = `  ${'case'.padEnd(34)} ${'req/s'.padStart(9)} ${'p50'.padStart(6)} ${'p99'.padStart(6)} ${'non-2xx'.padStart(8)} ${'CPU µs/req'.padStart(10)}   ${'ceiling req/s'.padStart(13)} ${'p50'.padStart(5)} ${'p99'.padStart(5)}  ratio`;
  for (const db of [...new Set(rows.map((r) => r.db))]) {
    for (const op of ['publish', 'query'] as const) {
      log(
        `\n  ${db} — ${op}${op === 'query' ? ' (a seeded patient, 50 newest)' : ' (new report, Idempotency-Key)'}`,
      );
      log(head);
      for (const r of rows.filter((x) => x.db === db && x.op === op)) {
        const c = r.ceiling;
        const ratio = c ? `${fmt((r.m.rps / c.rps) * 100, 1)} % of ceiling` : '';
        log(
          `  ${`▶ ${op} · ${r.connections} client${r.connections > 1 ? 's' : ''}`.padEnd(34)} ${fmt(r.m.rps).padStart(9)} ${String(r.m.p50).padStart(6)} ${String(r.m.p99).padStart(6)} ${String(r.m.bad).padStart(8)} ${fmt(r.m.cpuPerRequest ?? Number.NaN).padStart(10)}   ${fmt(c?.rps ?? Number.NaN).padStart(13)} ${String(c?.p50 ?? '–').padStart(5)} ${String(c?.p99 ?? '–').padStart(5)}  ${ratio}`,
        );
      }
    }
  }
  const at10 = (db: string, op: string) =>
    rows.find((r) => r.db === db && r.op === op && r.connections === 10);
  const pub = at10('SQLite', 'publish');
  const qry = at10('SQLite', 'query');
  if (pub && qry) {
    log('\n■ Goal on SQLite at 10 clients');
    log(`  publish ≥ 1,000 req/s: ${fmt(pub.m.rps)} req/s → ${pub.m.rps >= 1000 ? 'MET' : 'MISSED'}`);
    log(`  query p99 ≤ 25 ms:     ${qry.m.p99} ms → ${qry.m.p99 <= 25 ? 'MET' : 'MISSED'}`);
  }
}

// ---- main -----------------------------------------------------------------------------------------
log(
  `Liên Thông hub load benchmark — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}`,
);
log(`  load average at start: ${loadAverage()} (other processes share these cores)`);
for (const line of serverRuntimeLines()) log(line);
log(
  `  ${DURATION} s per run at ${CONNECTIONS.join('/')} connections, pipelining 1, ≤ ${fmt(MAX_REQUESTS)} requests per run, 127.0.0.1 only. All data SYNTHETIC.`,
);
const targets: (() => Promise<Target>)[] = [];
if (!flag('no-sqlite'))
  targets.push(async () =>
    sqliteTarget(option('sqlite-file', ''), {
      seedCopy: flag('seed-copy'),
      reportOrder: reportOrderOption(),
    }),
  );
const PG_LAYOUTS = option('pg-layout', 'plain').split(',');
if (!PG_LAYOUTS.every((l) => l === 'partitioned' || l === 'plain'))
  throw optionInvalid(
    '--pg-layout',
    '--pg-layout takes partitioned, plain or both (comma-separated)',
    '--pg-layout nhận partitioned, plain hoặc cả hai (cách nhau bằng dấu phẩy)',
  );
if (flag('pg'))
  for (const layout of PG_LAYOUTS as ('partitioned' | 'plain')[])
    targets.push(() => postgresTarget(`hub_load_${layout}`, layout));
try {
  if (!flag('no-ceiling')) {
    log('\n■ Ceiling: empty Hono handler on @hono/node-server (fixed small JSON)');
    await measureCeiling();
    for (const c of CONNECTIONS) {
      const g = ceilings.get(`GET ${c}`)!;
      const p = ceilings.get(`POST ${c}`)!;
      log(
        `  ${String(c).padStart(2)} conn: GET ${fmt(g.rps)} req/s (p50 ${g.p50}, p99 ${g.p99} ms, ${fmt(g.cpuPerRequest ?? Number.NaN)} µs CPU/req) · POST ${fmt(p.rps)} req/s (p50 ${p.p50}, p99 ${p.p99} ms, ${fmt(p.cpuPerRequest ?? Number.NaN)} µs CPU/req)`,
      );
    }
  }
  for (const make of targets) {
    const target = await make();
    try {
      await measureTarget(target);
    } finally {
      await target.drop();
    }
  }
  printTables();
} finally {
  stopPrivatePostgres();
  log(`\nTotal run time ${secs(performance.now() - started)}.`);
}
