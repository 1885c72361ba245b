/**
 * Before and after, same file, same run (`npm run bench:hub-ab -- --sqlite-file F --b-src DIR`):
 * the hub's CPU per request served from two source trees, A and B, on one SQLite file, in
 * alternating runs (A B, then B A, …), reported as medians. Runs one after the other on a shared
 * machine differ by 25–50 % (other processes, the host); alternating short runs meet the same
 * noise, and the median of each side drops the odd disturbed run.
 *
 * Both hubs run at once, each in its own child process as `bench:hub` runs one, idle while the other
 * is measured. Requests are `bench:hub`'s (SYNTHETIC data); every run's publishes stay in the file,
 * which both sides share.
 *
 * A change of storage layout cannot share a file: `--b-sqlite-file F2` gives B its own, seeded by B's
 * code (`bench:hub` run on B's tree, same `--reports` and `--patients`: the same SYNTHETIC reports,
 * stored as each side stores them). Both files should be in the page cache before the runs.
 *
 * Options: --sqlite-file F (required: seeded by `npm run bench:hub -- --sqlite-file F`)
 *          --b-sqlite-file F2 (B's own file; default F)
 *          --a-report-order O  --b-report-order O (each side's `reportOrder`: arrival, patient or patient-deferred;
 *            default the hub's, patient-deferred: a file seeded with `bench:hub -- --report-order patient`
 *            is B's file; with publishes, a side in patient-deferred order needs its own file, as the
 *            idle side files its reports while the other is measured)
 *          --b-src DIR  --a-src DIR (the hub sources each side serves, a copy of `packages/hub/src`
 *            inside this repository so its imports resolve, e.g. a `git worktree` under it;
 *            default: this tree's — at least one of them should differ)
 *          --cases query,publish,visit,backfill,nobody,catalogue,health (default query,publish; visit:
 *            publishes four in a row per patient; backfill: publishes of a time in the seeded history,
 *            as a facility sends its past; nobody: a query
 *            naming a patient without reports; catalogue: an authenticated read of no patient;
 *            health: no key — bench/hub-load/requests.ts)  --rounds N (default 5)  --duration S (default 5)  --warm-up S (default 2)
 *          --connections N (default 10)  --reports N --patients N (the seed's, as given to bench:hub)
 *          --seed-copy (start from F.seed, the copy `bench:hub --seed-copy` keeps)
 *          --a-node 22|24  --b-node 22|24 (the Node.js LTS line each side's hub runs on, default
 *            HUB_LOAD_NODE's or this process's: bench/hub-load/node-line.ts)
 */
import './hub-load/typed-exit.ts';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_REPORT_ORDER } from '../packages/hub/src/db/report-clusters.ts';
import type { DatabaseConfig, ReportOrder } from '../packages/hub/src/index.ts';
import { type Served, serveChild, serverNodeVersion, stopChild } from './hub-load/child.ts';
import {
  flag,
  fmt,
  loadAverage,
  log,
  option,
  optionInvalid,
  reportOrderOption,
  seededShape,
} from './hub-load/cli.ts';
import { hubRequests } from './hub-load/requests.ts';
import { load, measured, type Req } from './hub-load/runner.ts';
import { restoreSeedCopy } from './hub-load/targets.ts';

const FILE = option('sqlite-file', '');
const B_FILE = option('b-sqlite-file', FILE);
const CASES = option('cases', 'query,publish').split(',');
const ROUNDS = Number(option('rounds', '5'));
const DURATION = Number(option('duration', '5'));
const WARM_UP = Number(option('warm-up', '2'));
const CONNECTIONS = Number(option('connections', '10'));
const { patients } = seededShape();
for (const file of [FILE, B_FILE])
  if (!file || !existsSync(file))
    throw optionInvalid(
      '--sqlite-file',
      '--sqlite-file (and --b-sqlite-file) take a file seeded by `npm run bench:hub -- --sqlite-file <file>`',
      '--sqlite-file (và --b-sqlite-file) nhận một tệp đã nạp bằng `npm run bench:hub -- --sqlite-file <tệp>`',
    );
if (![ROUNDS, DURATION, WARM_UP, CONNECTIONS].every((n) => Number.isInteger(n) && n > 0) || DURATION > 60)
  throw optionInvalid(
    '--rounds',
    '--rounds, --duration (≤ 60 s), --warm-up and --connections take positive integers',
    '--rounds, --duration (≤ 60 s), --warm-up và --connections nhận số nguyên dương',
  );
const requests = hubRequests(() => patients);
type Case = keyof typeof requests;
const isCase = (name: string): name is Case => name in requests;
if (!CASES.every(isCase))
  throw optionInvalid(
    '--cases',
    `--cases takes ${Object.keys(requests).join(', ')}`,
    `--cases nhận ${Object.keys(requests).join(', ')}`,
  );

/** A side's hub sources: an absolute directory holding index.ts, or undefined for this tree's. */
const sources = (name: string): string | undefined => {
  const dir = option(name, '');
  if (!dir) return undefined;
  const absolute = resolve(dir);
  if (!existsSync(`${absolute}/index.ts`))
    throw optionInvalid(
      `--${name}`,
      `--${name}: no index.ts in ${absolute}`,
      `--${name}: không có index.ts trong ${absolute}`,
    );
  return absolute;
};
const sides = { A: sources('a-src'), B: sources('b-src') };
/** A side's Node.js line (`--a-node 24`), or undefined for HUB_LOAD_NODE's or this process's. */
const nodes = { A: option('a-node', '') || undefined, B: option('b-node', '') || undefined };
/** A side's `reportOrder`: its option's, else the hub's default. */
const orderOf = (side: 'a' | 'b'): ReportOrder => reportOrderOption(`${side}-`) ?? DEFAULT_REPORT_ORDER;
if (sides.A === sides.B && B_FILE === FILE && orderOf('a') === orderOf('b') && nodes.A === nodes.B)
  throw optionInvalid(
    '--b-src',
    'A and B are the same sources on the same file: give --b-src, --b-sqlite-file, --b-report-order or --b-node',
    'A và B là cùng mã nguồn trên cùng tệp: hãy cho --b-src, --b-sqlite-file, --b-report-order hoặc --b-node',
  );
// A side filing by patient writes while the other is measured: on one shared file, the measured
// side's publishes then wait for the lock, and some fail.
if (
  B_FILE === FILE &&
  CASES.some((c) => c === 'publish' || c === 'backfill') &&
  (orderOf('a') === 'patient-deferred' || orderOf('b') === 'patient-deferred')
)
  throw optionInvalid(
    '--b-sqlite-file',
    'With publishes and reports filed by patient (patient-deferred, the default), the idle side files while the other is measured: give B its own copy of the file (--b-sqlite-file), or both sides --a-report-order arrival --b-report-order arrival',
    'Khi có gửi phiếu và phiếu được xếp theo người bệnh (patient-deferred, mặc định), bên nghỉ xếp phiếu trong lúc bên kia được đo: hãy cho B một bản sao tệp riêng (--b-sqlite-file), hoặc cả hai bên --a-report-order arrival --b-report-order arrival',
  );
if (flag('seed-copy')) for (const file of new Set([FILE, B_FILE])) restoreSeedCopy(file);

log(
  `Hub A/B: CPU per request, same file, alternating runs — load from Node ${process.version}. All data SYNTHETIC.`,
);
for (const side of ['A', 'B'] as const) {
  log(
    `  ${side}: ${sides[side] ?? 'packages/hub/src (this tree)'}, reportOrder ${orderOf(side === 'A' ? 'a' : 'b')}, Node ${serverNodeVersion(nodes[side])}`,
  );
}
log(
  `  ${B_FILE === FILE ? FILE : `A: ${FILE}, B: ${B_FILE}`}; ${ROUNDS} rounds of ${DURATION} s per side and case at ${CONNECTIONS} connections; load average ${loadAverage()}`,
);

/** A side's database: its file and its report order. */
const database = (file: string, side: 'a' | 'b'): DatabaseConfig => ({
  sqlite: file,
  reportOrder: orderOf(side),
});
/** What a side's child adds to the environment: its sources, its Node.js line. */
const sideEnv = (side: 'A' | 'B'): Record<string, string> => ({
  ...(sides[side] && { HUB_LOAD_HUB_SRC: sides[side] }),
  ...(nodes[side] && { HUB_LOAD_NODE: nodes[side] }),
});
const hubs: Record<'A' | 'B', Served> = {
  A: await serveChild('hub', database(FILE, 'a'), sideEnv('A')),
  B: await serveChild('hub', database(B_FILE, 'b'), sideEnv('B')),
};
const next = (side: 'A' | 'B', c: Case): (() => Req) => requests[c](hubs[side].apiKey!);
const runs = new Map<string, number[]>();
try {
  for (const side of ['A', 'B'] as const)
    for (const c of CASES as Case[]) await load(hubs[side].url, CONNECTIONS, next(side, c), WARM_UP);
  for (let round = 0; round < ROUNDS; round++)
    for (const side of round % 2 === 0 ? (['A', 'B'] as const) : (['B', 'A'] as const))
      for (const c of CASES as Case[]) {
        const m = await measured(hubs[side], CONNECTIONS, next(side, c), DURATION);
        if (m.bad > 0) throw new Error(`${side} ${c}: ${m.bad} answers were not 2xx`);
        const key = `${side} ${c}`;
        runs.set(key, [...(runs.get(key) ?? []), m.cpuPerRequest!]);
      }
} finally {
  await Promise.all([stopChild(hubs.A), stopChild(hubs.B)]);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const signed = (d: number) => `${d >= 0 ? '+' : '−'}${fmt(Math.abs(d))}`;
log('\n  case      A median  B median   B − A (of medians)   B − A (median of rounds)   runs, µs (A | B)');
for (const c of CASES) {
  const a = runs.get(`A ${c}`)!;
  const b = runs.get(`B ${c}`)!;
  const [ma, mb] = [median(a), median(b)];
  // Each round's A and B ran next to each other: their difference cancels a slow drift of the
  // machine, which the medians of each side only dilute.
  const paired = median(a.map((x, i) => b[i]! - x));
  log(
    `  ${c.padEnd(8)} ${fmt(ma).padStart(7)} µs ${fmt(mb).padStart(6)} µs ${`${signed(mb - ma)} µs (${fmt((100 * Math.abs(mb - ma)) / ma, 1)} %)`.padStart(19)} ${`${signed(paired)} µs`.padStart(26)}   ${a.map((x) => fmt(x)).join(' ')} | ${b.map((x) => fmt(x)).join(' ')}`,
  );
}
log(`  load average at the end: ${loadAverage()}`);
