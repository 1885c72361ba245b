/**
 * Bulk export benchmark of the exchange hub (`npm run bench:hub-export -- [options]`).
 *
 * Seeds SYNTHETIC lab reports carrying N observations in all (default 1,000,000: 100,000 reports
 * × 10 observations), then runs a full FHIR Bulk Data export of `DiagnosticReport,Observation`
 * with the real client (`bulkExport` of @lienthong/hub-api: kick-off, polling, download) against
 * the hub in a child process, and reports the seed time, the kick-off → manifest and download
 * times, NDJSON lines and bytes, MB/s, and the hub's memory: its resident set size sampled every
 * 100 ms from /proc (start, peak, end) and its heap after a full GC before and after.
 *
 * Bounded: one export per size; traffic goes to 127.0.0.1 only; the export and download
 * directories are temp dirs removed at the end (the job is cancelled on the hub, which deletes its
 * files); the seeded database lives in a temp dir (SQLite) or a throw-away database (PostgreSQL)
 * and is deleted at the end.
 *
 * Options: --observations N[,N…] (one export per size, each on its own database; default 1000000)
 *          --per-report K (observations per report, default 10)  --patients N (default reports/10)
 *          --pg (also PostgreSQL: LIENTHONG_PG_URL, else a private cluster started and stopped here)
 *          --no-sqlite
 *          --sqlite-file F (one size only: keep the seeded SQLite file at F, reuse it when it holds reports)
 *          --report-order arrival|patient|patient-deferred (SQLite: the hub's `reportOrder`, as seeded
 *            and served; default the hub's, patient-deferred)
 *          --tsx (run the hub's TypeScript sources under tsx instead of compiled: 40–70 MiB more RSS)
 * Diagnosis: EXPORT_LOAD_TRACE=1 (the hub's memory every second), EXPORT_LOAD_PAGE_SIZE=<n> (rows per
 *            query), EXPORT_LOAD_NODE_FLAGS="--trace-gc" (more node flags for the hub), HUB_LOAD_NODE=22|24
 *            (the hub on that Node.js LTS line, as in bench:hub).
 */
import './hub-load/typed-exit.ts';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../packages/hub/src/index.ts';
import { bulkLoadReports } from '../packages/hub/src/records/bulk-load.ts';
import { bulkExport } from '../packages/hub-api/src/bulk-export/index.ts';
import { serverRuntimeLines, stopChild } from './hub-load/child.ts';
import {
  flag,
  fmt,
  loadAverage,
  log,
  option,
  optionInvalid,
  reportOrderOption,
  secs,
} from './hub-load/cli.ts';
import { compileServer, heapOf, sampleRss, serveExportHub } from './hub-load/export-child.ts';
import { reportsWithObservations } from './hub-load/export-synthetic.ts';
import { SYNTHETIC_FACILITY } from './hub-load/synthetic.ts';
import { postgresTarget, sqliteTarget, stopPrivatePostgres, type Target } from './hub-load/targets.ts';

// ---- options ------------------------------------------------------------------------------
const SIZES = option('observations', '1000000').split(',').map(Number);
const PER_REPORT = Number(option('per-report', '10'));
const SQLITE_FILE = option('sqlite-file', '');
if (![...SIZES, PER_REPORT].every((n) => Number.isInteger(n) && n > 0))
  throw optionInvalid(
    '--observations',
    '--observations and --per-report take positive integers',
    '--observations và --per-report nhận số nguyên dương',
  );
if (SQLITE_FILE && SIZES.length > 1)
  throw optionInvalid(
    '--sqlite-file',
    '--sqlite-file takes one --observations size',
    '--sqlite-file chỉ đi với một cỡ --observations',
  );
const reportsFor = (observations: number) => Math.ceil(observations / PER_REPORT);
const patientsFor = (reports: number) =>
  Number(option('patients', String(Math.max(1, Math.floor(reports / 10)))));

const MiB = 1048576;
const started = performance.now();

/** One export's figures. */
interface Row {
  db: string;
  observations: number;
  reports: number;
  seedMs?: number;
  generateMs: number;
  downloadMs: number;
  files: number;
  lines: number;
  bytes: number;
  /** Hub RSS (bytes): at kick-off, highest sample during generation and download, at the end. */
  rss: { start: number; peakGenerate: number; peakDownload: number; end: number; hwm: number };
  /** Hub heap used after a full GC, before the export and after it. */
  heap: { before: number; after: number };
}
const rows: Row[] = [];

async function seed(target: Target, reports: number): Promise<{ ms: number; reused: number }> {
  const store = await openDatabase(target.config);
  const t0 = performance.now();
  let lastLog = t0;
  const { n } = await store.db
    .selectFrom('lab_reports')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const stored = Number(n);
  if (store.dialect === 'sqlite') await sql`pragma cache_size = -524288`.execute(store.db);
  if (stored === 0)
    await bulkLoadReports(store.db, reportsWithObservations(reports, patientsFor(reports), PER_REPORT), {
      publisher: { facilityCode: SYNTHETIC_FACILITY.code, admin: false },
      batchSize: 10_000,
      onBatch: (loaded) => {
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          log(`    … ${fmt(loaded)} reports (${secs(lastLog - t0)})`);
        }
      },
    });
  await sql`analyze`.execute(store.db);
  await store.close();
  return { ms: performance.now() - t0, reused: stored };
}

/** Lines (newlines) in a file, read as a stream. */
async function linesOf(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let at = chunk.indexOf(10);
    while (at >= 0) {
      lines++;
      at = chunk.indexOf(10, at + 1);
    }
  }
  return lines;
}

async function measureExport(target: Target, observations: number): Promise<void> {
  const reports = reportsFor(observations);
  log(
    `\n■ ${target.name}: ${fmt(reports)} synthetic reports × ${PER_REPORT} observations (${fmt(reports * PER_REPORT)}) over ${fmt(patientsFor(reports))} patients`,
  );
  const seeded = await seed(target, reports);
  if (seeded.reused)
    log(`  reused ${fmt(seeded.reused)} stored reports (--sqlite-file); ${await target.describe()}`);
  else
    log(
      `  seeded in ${secs(seeded.ms)} (${fmt(reports / (seeded.ms / 1000))} reports/s, incl. ANALYZE); ${await target.describe()}`,
    );
  const exportDir = await mkdtemp(join(tmpdir(), 'lienthong-export-load-hub-'));
  const downloadDir = await mkdtemp(join(tmpdir(), 'lienthong-export-load-client-'));
  const hub = await serveExportHub(target.config, exportDir, compiled?.file);
  try {
    const heapBefore = await heapOf(hub);
    log(`  load average before the export: ${loadAverage()} (${cpus().length} cores)`);
    const pid = hub.child.pid!;
    const t0 = performance.now();
    const generating = sampleRss(pid);
    const job = await bulkExport({
      baseUrl: hub.url,
      apiKey: hub.apiKey,
      types: ['DiagnosticReport', 'Observation'],
    });
    let lastProgress = t0;
    const manifest = await job.wait({
      onProgress: (p) => {
        if (performance.now() - lastProgress > 10_000) {
          lastProgress = performance.now();
          log(`    … ${p ?? ''} (${secs(lastProgress - t0)})`);
        }
      },
    });
    const generated = generating.stop();
    const t1 = performance.now();
    const downloading = sampleRss(pid);
    const files = await job.download(manifest, downloadDir);
    const downloaded = downloading.stop();
    const t2 = performance.now();
    const heapAfter = await heapOf(hub);
    let lines = 0;
    let bytes = 0;
    for (const f of files) {
      lines += await linesOf(f.path);
      bytes += (await stat(f.path)).size;
    }
    const listed = manifest.output.reduce((s, f) => s + (f.count ?? 0), 0);
    const expected = reports + reports * PER_REPORT;
    if (lines !== expected || listed !== expected || manifest.error.length > 0)
      log(
        `  ✗ expected ${fmt(expected)} lines; manifest lists ${fmt(listed)}, files hold ${fmt(lines)}, ${manifest.error.length} error files`,
      );
    await job.cancel();
    const row: Row = {
      db: target.name,
      observations: reports * PER_REPORT,
      reports,
      ...(seeded.reused ? {} : { seedMs: seeded.ms }),
      generateMs: t1 - t0,
      downloadMs: t2 - t1,
      files: files.length,
      lines,
      bytes,
      rss: {
        start: generated.first,
        peakGenerate: generated.peak,
        peakDownload: downloaded.peak,
        end: downloaded.last,
        hwm: downloaded.hwm,
      },
      heap: { before: heapBefore.heapUsed, after: heapAfter.heapUsed },
    };
    rows.push(row);
    log(
      `  kick-off → manifest ${secs(row.generateMs)} (${fmt(bytes / MiB / (row.generateMs / 1000), 1)} MiB/s, ${fmt(lines / (row.generateMs / 1000))} lines/s), download ${secs(row.downloadMs)} (${fmt(bytes / MiB / (row.downloadMs / 1000), 1)} MiB/s); ${fmt(lines)} lines, ${fmt(bytes / MiB, 1)} MiB in ${files.length} files`,
    );
    log(
      `  hub RSS: ${fmt(row.rss.start / MiB)} MiB at kick-off, peak ${fmt(row.rss.peakGenerate / MiB)} MiB writing, ${fmt(row.rss.peakDownload / MiB)} MiB serving, ${fmt(row.rss.end / MiB)} MiB at the end (VmHWM ${fmt(row.rss.hwm / MiB)} MiB, ${generated.samples + downloaded.samples} samples); heap after GC ${fmt(row.heap.before / MiB, 1)} → ${fmt(row.heap.after / MiB, 1)} MiB`,
    );
    const b = heapAfter.beforeGc;
    log(
      `  hub after the export, before GC: RSS ${fmt(b.rss / MiB)} MiB, V8 heap ${fmt(b.heapUsed / MiB)} used / ${fmt(b.heapTotal / MiB)} MiB committed; after GC: RSS ${fmt(heapAfter.rss / MiB)} MiB, heap ${fmt(heapAfter.heapUsed / MiB)} / ${fmt(heapAfter.heapTotal / MiB)} MiB, external ${fmt(heapAfter.external / MiB)} MiB`,
    );
    log(`  load average after the export: ${loadAverage()}`);
  } finally {
    await stopChild(hub);
    await rm(exportDir, { recursive: true, force: true });
    await rm(downloadDir, { recursive: true, force: true });
  }
}

function printTable(): void {
  log(
    '\n■ Results (FHIR Bulk Data export of DiagnosticReport + Observation, @lienthong/hub-api client, loopback)',
  );
  const head = `  ${'database'.padEnd(24)} ${'observations'.padStart(12)} ${'seed'.padStart(8)} ${'export'.padStart(8)} ${'download'.padStart(9)} ${'lines'.padStart(10)} ${'MiB'.padStart(7)} ${'MiB/s'.padStart(6)}   ${'RSS start'.padStart(9)} ${'peak'.padStart(5)} ${'end'.padStart(5)}  ${'heap after GC'.padStart(13)}`;
  log(head);
  for (const r of rows) {
    const mb = (n: number) => fmt(n / MiB).padStart(5);
    log(
      `  ${r.db.padEnd(24)} ${fmt(r.observations).padStart(12)} ${(r.seedMs === undefined ? 'reused' : secs(r.seedMs)).padStart(8)} ${secs(r.generateMs).padStart(8)} ${secs(r.downloadMs).padStart(9)} ${fmt(r.lines).padStart(10)} ${fmt(r.bytes / MiB, 1).padStart(7)} ${fmt(r.bytes / MiB / (r.generateMs / 1000), 1).padStart(6)}   ${mb(r.rss.start).padStart(9)} ${mb(Math.max(r.rss.peakGenerate, r.rss.peakDownload))} ${mb(r.rss.end)}  ${`${fmt(r.heap.before / MiB, 1)} → ${fmt(r.heap.after / MiB, 1)}`.padStart(13)}`,
    );
  }
  log(
    '  (export: kick-off → manifest, polled every second; MiB/s: NDJSON bytes over that time; RSS in MiB, sampled every 100 ms)',
  );
  const peak = Math.max(...rows.map((r) => Math.max(r.rss.peakGenerate, r.rss.peakDownload)));
  if (rows.length)
    log(
      `\n■ Goal: hub RSS < 300 MB during the export: peak ${fmt(peak / 1e6)} MB → ${peak < 300e6 ? 'MET' : 'MISSED'}`,
    );
}

// ---- main -----------------------------------------------------------------------------------------
log(
  `Liên Thông hub export benchmark — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}`,
);
log(
  `  load average at start: ${loadAverage()} (other processes share these cores). All data SYNTHETIC; 127.0.0.1 only.`,
);
for (const line of serverRuntimeLines()) log(line);
// The hub runs compiled (bundled with esbuild), as deployed; --tsx runs its sources under tsx.
const compiled = flag('tsx') ? undefined : await compileServer();
log(
  `  hub: ${compiled ? 'compiled with esbuild (as deployed)' : 'TypeScript sources under tsx'}, in a child process`,
);
try {
  for (const observations of SIZES) {
    const targets: (() => Promise<Target>)[] = [];
    if (!flag('no-sqlite'))
      targets.push(async () =>
        sqliteTarget(SQLITE_FILE, {
          reportOrder: reportOrderOption(),
        }),
      );
    if (flag('pg')) targets.push(() => postgresTarget(`hub_export_${observations}`));
    for (const make of targets) {
      const target = await make();
      try {
        await measureExport(target, observations);
      } finally {
        await target.drop();
        // A private cluster is started per PostgreSQL target: stop it before the next size.
        stopPrivatePostgres();
      }
    }
  }
  printTable();
} finally {
  compiled?.remove();
  stopPrivatePostgres();
  log(`\nTotal run time ${secs(performance.now() - started)}.`);
}
