/**
 * Load benchmark of the hub's visit history (`npm run bench:hub-visits -- [options]`).
 *
 * With N stored SYNTHETIC visits (default 1,000,000; `--per-patient` each, default 50), each with
 * diagnoses (real ICD-10 codes), medications (SYN- codes: no list is shipped) and procedures (real
 * TT 23 techniques), measured with autocannon at `--connections` clients (default 10), on SQLite
 * and PostgreSQL, with the hub's CPU time per request:
 * - publish: POST /v1/visits (JSON model, one new visit per request, with an Idempotency-Key);
 * - summary: GET /v1/patients/{identifier}/summary of a random seeded patient;
 * - visits:  GET /v1/patients/{identifier}/visits (the first page, 50 newest) of a random seeded patient.
 * Reads run first, so the summaries are of patients with exactly `--per-patient` visits.
 *
 * Bounded: every autocannon run lasts `--duration` seconds (default 5) and at most 250,000
 * requests; traffic goes to 127.0.0.1 only. The seeded database lives in a temp dir (SQLite) or a
 * throw-away database (PostgreSQL) and is deleted at the end.
 *
 * Options: --visits N  --per-patient N  --duration S  --connections 10[,50…]
 *          --ops summary,visits,publish (the runs, in this order)
 *          --pg (also PostgreSQL: LIENTHONG_PG_URL, else a private cluster started and stopped here)
 *          --pg-database URL (also PostgreSQL: this database, kept — seeded when it holds no visits, never dropped)
 *          --no-sqlite
 *          --sqlite-file F (keep the seeded SQLite file at F and reuse it when it already holds visits;
 *          the publishes of each run stay in it)  --seed-copy (with --sqlite-file: keep a copy of the
 *          freshly seeded file at F.seed and start every run from it)
 * Diagnosis: HUB_LOAD_SQL_TIMING=1, HUB_LOAD_CPU_PROF=<dir>, HUB_LOAD_HUB_SRC=<dir>, HUB_LOAD_NODE_FLAGS, HUB_LOAD_NODE (as bench:hub);
 *            HUB_LOAD_SUMMARY_WORKERS=<n> (the hub's summary worker threads; 0: on the event loop).
 */
import './hub-load/typed-exit.ts';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { sql } from 'kysely';
import { openDatabase } from '../packages/hub/src/index.ts';
import { bulkLoadVisits } from '../packages/hub/src/records/bulk-load-visits.ts';
import { type Served, serveChild, serverRuntimeLines, stopChild } from './hub-load/child.ts';
import { flag, fmt, loadAverage, log, option, optionInvalid, secs } from './hub-load/cli.ts';
import { load, MAX_REQUESTS, type Measured, measured, type Req } from './hub-load/runner.ts';
import { PATIENT_SYSTEM, patientValue, prng, SYNTHETIC_FACILITY } from './hub-load/synthetic.ts';
import {
  loadVisitCodes,
  syntheticVisit,
  syntheticVisits,
  type VisitCodes,
} from './hub-load/synthetic-visits.ts';
import {
  keptPostgresTarget,
  postgresTarget,
  seedOrReuse,
  sqliteTarget,
  stopPrivatePostgres,
  type Target,
} from './hub-load/targets.ts';

// ---- options ------------------------------------------------------------------------------
const VISITS = Number(option('visits', '1000000'));
const PER_PATIENT = Number(option('per-patient', '50'));
const PATIENTS = Math.max(1, Math.floor(VISITS / PER_PATIENT));
const DURATION = Number(option('duration', '5'));
const CONNECTIONS = option('connections', '10').split(',').map(Number);
const OPS = ['publish', 'summary', 'visits'] as const;
type Op = (typeof OPS)[number];
// Reads first: the summaries are then of patients with exactly --per-patient visits.
const RUN = option('ops', 'summary,visits,publish').split(',') as Op[];
if (!RUN.every((op) => OPS.includes(op)))
  throw optionInvalid(
    '--ops',
    `--ops takes some of ${OPS.join(',')}`,
    `--ops nhận một số trong ${OPS.join(',')}`,
  );
if (
  ![VISITS, PER_PATIENT, DURATION, ...CONNECTIONS].every((n) => Number.isInteger(n) && n > 0) ||
  DURATION > 60 ||
  PER_PATIENT > VISITS
)
  throw optionInvalid(
    '--visits',
    '--visits, --per-patient (≤ visits), --connections and --duration (≤ 60 s) take positive integers',
    '--visits, --per-patient (≤ visits), --connections và --duration (≤ 60 s) nhận số nguyên dương',
  );

const started = performance.now();
interface Row {
  db: string;
  op: Op;
  connections: number;
  m: Measured;
}
const rows: Row[] = [];
const seeding: { db: string; ms: number; size: string }[] = [];

// ---- requests -----------------------------------------------------------------------------------
const runTag = randomBytes(3).toString('hex');
let published = 0;
const readRnd = prng(11);
const publishRnd = prng(13);
const patientPath = (n: number) =>
  `/v1/patients/${encodeURIComponent(`${PATIENT_SYSTEM}|${patientValue(n)}`)}`;

function requests(apiKey: string, codes: VisitCodes): Record<Op, () => Req> {
  const auth = { authorization: `Bearer ${apiKey}` };
  return {
    // A new visit (its own MA_LK) of a random seeded patient, with its own Idempotency-Key.
    publish: () => {
      const n = published++;
      const visit = syntheticVisit(
        codes,
        n,
        Math.floor(publishRnd() * PATIENTS),
        publishRnd,
        `LOAD-${runTag}-`,
      );
      return {
        method: 'POST',
        path: '/v1/visits',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `load-${runTag}-${n}` },
        body: JSON.stringify(visit),
      };
    },
    summary: () => ({
      method: 'GET',
      path: `${patientPath(Math.floor(readRnd() * PATIENTS))}/summary`,
      headers: auth,
    }),
    visits: () => ({
      method: 'GET',
      path: `${patientPath(Math.floor(readRnd() * PATIENTS))}/visits?limit=50`,
      headers: auth,
    }),
  };
}

// ---- seeding ------------------------------------------------------------------------------------
async function seed(
  target: Target,
  codes: VisitCodes,
): Promise<{ ms: number; plan: string; reused: number }> {
  const store = await openDatabase(target.config);
  const t0 = performance.now();
  let lastLog = t0;
  // A bigger page cache for the import connection only (memory, not durability: still FULL).
  if (store.dialect === 'sqlite') await sql`pragma cache_size = -524288`.execute(store.db);
  const { n: stored } = await store.db
    .selectFrom('visits')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  // Not re-validated here: the same generator's visits are published through the hub's checked
  // HTTP path in the publish runs, where any refusal would show as non-2xx.
  if (Number(stored) === 0)
    await bulkLoadVisits(store.db, syntheticVisits(codes, VISITS, PER_PATIENT), {
      publisher: { facilityCode: SYNTHETIC_FACILITY.code, admin: false },
      batchSize: 10_000,
      validate: false,
      onBatch: (n) => {
        if (performance.now() - lastLog > 15_000) {
          lastLog = performance.now();
          log(`    … ${fmt(n)} visits (${secs(lastLog - t0)})`);
        }
      },
    });
  // An operator refreshes planner statistics after an import; so do we.
  await sql`analyze`.execute(store.db);
  const ms = performance.now() - t0;
  // The plan of the read behind both routes (records/visits.ts `currentVisitsOf`).
  const query = store.db
    .selectFrom('visits as v')
    .select(['v.document', 'v.version'])
    .where('v.current', '=', 1)
    .where(
      'v.row_id',
      'in',
      store.db
        .selectFrom('visit_patients')
        .select('record_id')
        .where('system', '=', PATIENT_SYSTEM)
        .where('value', '=', patientValue(Math.floor(PATIENTS / 2))),
    )
    .compile();
  const explain = store.dialect === 'sqlite' ? 'explain query plan ' : 'explain ';
  const planRows = await store.db.executeQuery<Record<string, unknown>>({
    ...query,
    sql: explain + query.sql,
  });
  const plan = planRows.rows
    .map((r) => String(r.detail ?? r['QUERY PLAN'] ?? JSON.stringify(r)))
    .join('\n      ');
  await store.close();
  return { ms, plan, reused: Number(stored) };
}

const line = (op: string, c: number, m: Measured) =>
  `  ${op.padEnd(7)} ${String(c).padStart(2)} conn: ${fmt(m.rps)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, ${fmt(m.cpuPerRequest ?? Number.NaN)} µs CPU/req${m.bad ? `, ${m.bad} non-2xx/errors` : ''}`;

async function measureTarget(target: Target, codes: VisitCodes): Promise<void> {
  log(
    `\n■ ${target.name}: seeding ${fmt(VISITS)} synthetic visits, ${fmt(PER_PATIENT)} for each of ${fmt(PATIENTS)} patients`,
  );
  const {
    result: seeded,
    via,
    grown,
    label,
  } = await seedOrReuse(target, () => seed(target, codes), VISITS, 'visits');
  const size = await target.describe();
  if (seeded.reused) log(`  reused ${fmt(seeded.reused)} stored visits (${via}); ${size}`);
  else {
    seeding.push({ db: target.name, ms: seeded.ms, size });
    log(
      `  seeded in ${secs(seeded.ms)} (${fmt(VISITS / (seeded.ms / 1000))} visits/s, incl. ANALYZE); ${size}`,
    );
  }
  log(`  patient visits plan:\n      ${seeded.plan}`);
  if (grown) log(`  ${grown}`);
  const hub: Served = await serveChild('hub', target.config);
  const next = requests(hub.apiKey!, codes);
  // Warm-up, not recorded: the first summary loads ICD-10 (names in summaries), a second or two of
  // CPU that would otherwise fall into the first run; then both reads at full load.
  await load(hub.url, 1, next.summary, 3);
  await load(hub.url, 10, next.summary, 1);
  await load(hub.url, 10, next.visits, 1);
  log(`  load average before the runs: ${loadAverage()} (${cpus().length} cores)`);
  for (const op of RUN)
    for (const c of CONNECTIONS) {
      const m = await measured(hub, c, next[op], DURATION);
      rows.push({ db: label, op, connections: c, m });
      log(line(op, c, m));
    }
  log(`  load average after the runs: ${loadAverage()}`);
  await stopChild(hub);
}

function printTable(): void {
  log(
    `\n■ Results (${fmt(VISITS)} seeded visits, ${PER_PATIENT} per patient; autocannon, pipelining 1, loopback; ms)`,
  );
  log(
    `  ${'db'.padEnd(11)} ${'case'.padEnd(22)} ${'req/s'.padStart(8)} ${'p50'.padStart(7)} ${'p99'.padStart(7)} ${'non-2xx'.padStart(8)} ${'CPU µs/req'.padStart(10)}`,
  );
  for (const r of rows)
    log(
      `  ${r.db.padEnd(11)} ${`${r.op} · ${r.connections} clients`.padEnd(22)} ${fmt(r.m.rps).padStart(8)} ${String(r.m.p50).padStart(7)} ${String(r.m.p99).padStart(7)} ${String(r.m.bad).padStart(8)} ${fmt(r.m.cpuPerRequest ?? Number.NaN).padStart(10)}`,
    );
  for (const s of seeding) log(`  seeding ${s.db}: ${secs(s.ms)}; ${s.size}`);
  log('\n■ Goals at 10 clients');
  for (const db of [...new Set(rows.map((r) => r.db))]) {
    const at10 = (op: Op) => rows.find((r) => r.db === db && r.op === op && r.connections === 10);
    const pub = at10('publish');
    const sum = at10('summary');
    if (pub)
      log(
        `  ${db}: publish ≥ 500 visits/s: ${fmt(pub.m.rps)} → ${pub.m.rps >= 500 && !pub.m.bad ? 'MET' : 'MISSED'}`,
      );
    if (sum)
      log(
        `  ${db}: summary p99 ≤ 50 ms:     ${sum.m.p99} ms → ${sum.m.p99 <= 50 && !sum.m.bad ? 'MET' : 'MISSED'}`,
      );
  }
}

// ---- main -----------------------------------------------------------------------------------------
log(
  `Liên Thông hub visit-history load benchmark — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}`,
);
log(`  load average at start: ${loadAverage()} (other processes share these cores)`);
for (const line of serverRuntimeLines()) log(line);
log(
  `  ${DURATION} s per run at ${CONNECTIONS.join('/')} connections, pipelining 1, ≤ ${fmt(MAX_REQUESTS)} requests per run, 127.0.0.1 only. All data SYNTHETIC (codes from the bundled ICD-10 and TT 23 lists).`,
);
const targets: (() => Promise<Target>)[] = [];
if (!flag('no-sqlite'))
  targets.push(async () => sqliteTarget(option('sqlite-file', ''), { seedCopy: flag('seed-copy') }));
if (flag('pg')) targets.push(() => postgresTarget('hub_visits_load'));
const keptPg = option('pg-database', '');
if (keptPg) targets.push(async () => keptPostgresTarget(keptPg));
try {
  const codes = await loadVisitCodes();
  log(
    `  codes: ${fmt(codes.diagnoses.length)} ICD-10 subcategories, ${fmt(codes.techniques.length)} TT 23 PL01 techniques`,
  );
  for (const make of targets) {
    const target = await make();
    try {
      await measureTarget(target, codes);
    } finally {
      await target.drop();
    }
  }
  printTable();
} finally {
  stopPrivatePostgres();
  log(`\nTotal run time ${secs(performance.now() - started)}.`);
}
