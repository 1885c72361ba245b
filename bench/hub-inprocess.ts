/**
 * The hub's CPU per request without HTTP and without a load generator
 * (`npm run bench:hub-inprocess -- --sqlite-file F [options]`): `createHubApp` on a SQLite file
 * seeded by `npm run bench:hub -- --sqlite-file F`, called through `app.request()` by
 * `--concurrency` callers in this one process. What it measures is what the hub itself costs — the
 * HTTP benchmark's CPU column adds the sockets' system calls and shares the cores with autocannon
 * — so the two together say where a request's time goes (docs/en/guide/hub-performance.md).
 *
 * Requests are the HTTP benchmark's (SYNTHETIC data): a query of a random seeded patient's 50
 * newest reports, and a publish of a new report with its own Idempotency-Key (a sample of the last
 * two days; `backfill`: of a time in the seeded history), each read audited.
 *
 * Options: --sqlite-file F (required; the publishes are written into it)
 *          --requests N (per operation, default 6,000)  --concurrency N (default 10)
 *          --ops query,publish,backfill (default query,publish)  --no-audit (the audit entries left out, to weigh them)
 *          --reports N --patients N (the seed's, as given to the HTTP benchmark; default 1 M and reports / 10)
 *          --seed-copy (start from F.seed, the copy of the fresh seed `bench:hub --seed-copy` keeps)
 * HUB_LOAD_HUB_SRC=<dir> serves another copy of `packages/hub/src` (a candidate change) on the same file.
 */
import './hub-load/typed-exit.ts';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { flag, fmt, grownBeyondSeed, log, option, optionInvalid, seededShape } from './hub-load/cli.ts';
import {
  historicClinicalTime,
  PATIENT_SYSTEM,
  patientValue,
  prng,
  recentClinicalTime,
  syntheticFacilityKey,
  syntheticReport,
} from './hub-load/synthetic.ts';
import { restoreSeedCopy } from './hub-load/targets.ts';

const FILE = option('sqlite-file', '');
const REQUESTS = Number(option('requests', '6000'));
const CONCURRENCY = Number(option('concurrency', '10'));
const OPS = option('ops', 'query,publish').split(',');
if (!FILE || !existsSync(FILE))
  throw optionInvalid(
    '--sqlite-file',
    '--sqlite-file takes a file seeded by `npm run bench:hub -- --sqlite-file <file>`',
    '--sqlite-file nhận một tệp đã nạp bằng `npm run bench:hub -- --sqlite-file <tệp>`',
  );
if (flag('seed-copy')) restoreSeedCopy(FILE);
if (![REQUESTS, CONCURRENCY].every((n) => Number.isInteger(n) && n > 0))
  throw optionInvalid(
    '--requests',
    '--requests and --concurrency take positive integers',
    '--requests và --concurrency nhận số nguyên dương',
  );
if (!OPS.every((op) => ['query', 'publish', 'backfill'].includes(op)))
  throw optionInvalid(
    '--ops',
    '--ops takes some of query, publish, backfill',
    '--ops nhận một số trong query, publish, backfill',
  );

const hubSrc = process.env.HUB_LOAD_HUB_SRC
  ? new URL(`file://${process.env.HUB_LOAD_HUB_SRC.replace(/\/$/, '')}/index.ts`).href
  : '../packages/hub/src/index.ts';
const { addCredential, addFacility, createAuditLog, createHubApp, createLogger, openDatabase } =
  (await import(hubSrc)) as typeof import('../packages/hub/src/index.ts');

const store = await openDatabase({ sqlite: FILE });
// The seeded patients, as the HTTP benchmark names them (its options and defaults): every query
// names a patient who has reports.
const { reports, patients } = seededShape();
const realAudit = await createAuditLog(store);
const audit = flag('no-audit') ? { ...realAudit, record: async () => {} } : realAudit;
const app = createHubApp({ store, audit, logger: createLogger({ level: 'silent' }), rateLimit: false });
const apiKey = await syntheticFacilityKey({ addCredential, addFacility }, store.db);
const auth = { authorization: `Bearer ${apiKey}` };

const rnd = prng(17);
const runTag = randomBytes(3).toString('hex');
let published = 0;
/** A new report of a random seeded patient with its own Idempotency-Key, taken at `clinicalTime()`. */
const publishRequest = (clinicalTime: (rnd: () => number) => Date): Request => {
  const n = published++;
  return new Request('http://hub/v1/lab-reports', {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `inproc-${runTag}-${n}` },
    body: JSON.stringify(
      syntheticReport(n, Math.floor(rnd() * patients), rnd, `INPROC-${runTag}-`, clinicalTime(rnd)),
    ),
  });
};
const requests: Record<string, () => Request> = {
  query: () =>
    new Request(
      `http://hub/v1/lab-reports?patient=${encodeURIComponent(`${PATIENT_SYSTEM}|${patientValue(Math.floor(rnd() * patients))}`)}&limit=50`,
      { headers: auth },
    ),
  publish: () => publishRequest(recentClinicalTime),
  backfill: () => publishRequest(historicClinicalTime),
};

/**
 * The process's read and write system calls so far (Linux: `/proc/self/io`, every thread; pread,
 * pwrite, fsync's writes… — the checkpointer's and the WAL flush's too), else undefined. Counted,
 * they say what a change does to the I/O a request costs without the noise of a timing.
 */
function systemCalls(): { reads: number; writes: number } | undefined {
  if (!existsSync('/proc/self/io')) return undefined;
  const io = Object.fromEntries(
    readFileSync('/proc/self/io', 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(': ') as [string, string]),
  );
  return { reads: Number(io.syscr), writes: Number(io.syscw) };
}

/** `count` requests of `op` by CONCURRENCY callers; the process's CPU µs and system calls per request. */
async function run(
  op: string,
  count: number,
): Promise<{ cpu: number; perSecond: number; calls: { reads: number; writes: number } | undefined }> {
  let left = count;
  const caller = async () => {
    while (left-- > 0) {
      const answer = await app.request(requests[op]!());
      await answer.arrayBuffer();
      if (answer.status >= 300) throw new Error(`${op} answered ${answer.status}`);
    }
  };
  const calls0 = systemCalls();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, caller));
  const cpu = process.cpuUsage(cpu0);
  const calls1 = systemCalls();
  return {
    cpu: (cpu.user + cpu.system) / count,
    perSecond: count / ((performance.now() - t0) / 1000),
    calls: calls0 &&
      calls1 && {
        reads: (calls1.reads - calls0.reads) / count,
        writes: (calls1.writes - calls0.writes) / count,
      },
  };
}

try {
  log(
    `Hub in-process CPU per request — Node ${process.version}, ${fmt(patients)} seeded patients, ${CONCURRENCY} callers${flag('no-audit') ? ', audit left out' : ''}. All data SYNTHETIC.`,
  );
  const { n: stored } = await store.db
    .selectFrom('lab_reports')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const grown = grownBeyondSeed(Number(stored), reports);
  if (grown) log(`  ${grown}`);
  for (const op of OPS) {
    await run(op, Math.min(1000, REQUESTS)); // warm-up, not recorded
    const m = await run(op, REQUESTS);
    const calls = m.calls
      ? `, ${fmt(m.calls.reads, 1)} read and ${fmt(m.calls.writes, 1)} write system calls/req`
      : '';
    log(
      `  ${op.padEnd(7)} ${fmt(m.cpu)} µs CPU/req${calls}, ${fmt(m.perSecond)} req/s (${fmt(REQUESTS)} requests)`,
    );
  }
} finally {
  await store.close();
}
