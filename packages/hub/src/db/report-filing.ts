import { type Kysely, sql } from 'kysely';
import type { Transact } from './group-commit.js';
import { CLUSTERED_BASE, ClusteredSeqs, type PatientKey } from './report-clusters.js';
import type { HubDatabase } from './schema.js';

/**
 * Files report versions stored in arrival order beside their patient's others (SQLite): the
 * upkeep of `reportOrder: 'patient-deferred'`, and a one-off for a file that was filled in arrival
 * order ({@link HubDb.fileReports}).
 *
 * Why deferred: a patient query reads one random page per report stored in arrival order, 80–140 µs
 * of its CPU at a million reports, which patient order saves; placing each publish by patient costs
 * the publish a random page instead (docs/en/guide/hub-performance.md#deferred-filing). Filing
 * later costs as much or more in all, but not while requests wait: the hub publishes by appending,
 * and files when it has had no write for a moment (every audited read writes, so any traffic
 * counts).
 *
 * A version is filed by giving it a clustered `seq` (db/report-clusters.ts) and its key rows the
 * same `report_seq`, in one transaction. Key rows are walked in the order they were written (their
 * row id), from a mark kept in `settings`, so each step starts where the last ended; a version's key
 * rows are written together, by one statement. Versions without key rows name no patient and stay
 * where they are. A step that fails changes nothing, and the next starts from the same mark.
 */
export interface ReportFiling {
  /** Says the hub wrote: filing waits until it has been quiet for `quietMs`. */
  active(): void;
  /** Files every version waiting now, step after step, whatever the traffic; resolves with their number. */
  fileAll(): Promise<number>;
  /** Stops filing; resolves once no step runs. */
  stop(): Promise<void>;
}

/** Options of {@link startReportFiling}. */
export interface ReportFilingOptions {
  /** How long the hub must have written nothing before a step runs (default 1,000 ms). */
  quietMs?: number;
  /**
   * The longest wait between two steps while the hub is never quiet (default 10,000 ms): a hub
   * busy around the clock still files ~10 reports a second, at ~3 ms of work every 10 s.
   */
  busyStepMs?: number;
  /** Key rows a step reads, about the versions it files (default 128): bounds how long it holds the writer. */
  keyRowsPerStep?: number;
}

/** The `settings` key of the last key row a step went past. */
const MARK = 'report_filing_mark';

/**
 * Starts filing for a SQLite hub database (migrated to 013 or later) through its `transact`, each
 * step one transaction. With `idle` set: step after step while the hub is quiet, and one step every
 * `busyStepMs` while it is not; else only when {@link ReportFiling.fileAll} asks.
 *
 * @example
 * const filing = startReportFiling(store.transact, { idle: true });
 * // on every write of the hub:
 * filing.active();
 */
export function startReportFiling(
  transact: Transact,
  options: ReportFilingOptions & { idle: boolean },
): ReportFiling {
  const quietMs = options.quietMs ?? 1_000;
  const busyStepMs = options.busyStepMs ?? 10_000;
  const keyRows = options.keyRowsPerStep ?? 128;
  let lastWrite = performance.now();
  let lastStep = lastWrite;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<StepOutcome> | undefined;
  let stopped = false;
  const step = () => {
    lastStep = performance.now();
    running ??= transact((trx) => fileStep(trx, keyRows)).finally(() => {
      running = undefined;
    });
    return running;
  };
  const arm = (ms: number) => {
    if (timer || stopped || !options.idle) return;
    timer = setTimeout(tick, ms);
    // Never what keeps a process alive.
    timer.unref();
  };
  // Until the hub has been quiet for quietMs, or busyStepMs have passed since the last step.
  const untilDue = () => {
    const now = performance.now();
    return Math.max(0, Math.min(quietMs - (now - lastWrite), busyStepMs - (now - lastStep)));
  };
  const tick = () => {
    timer = undefined;
    const wait = untilDue();
    if (wait > 0) return arm(wait);
    step().then(
      // Nothing left: no timer until the next write arms one.
      (outcome) => {
        if (!outcome.done) arm(0);
      },
      // A failed step (the database closing, a busy file) files nothing: the next write arms again.
      () => {},
    );
  };
  arm(untilDue());
  return {
    active() {
      lastWrite = performance.now();
      arm(untilDue());
    },
    async fileAll() {
      let filed = 0;
      for (;;) {
        const outcome = await step();
        filed += outcome.filed;
        if (outcome.done) return filed;
      }
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
}

/** What a step did: versions filed, and whether it reached the last key row. */
export interface StepOutcome {
  filed: number;
  done: boolean;
}

type KeyRow = { key_row: number; record_id: string; system: string; value: string; report_seq: number };

/**
 * One step, in the caller's transaction: reads the key rows after the mark, at most `keyRows`
 * (about the versions filed) of those still naming a version in arrival order, within the next
 * `64 × keyRows` key rows (so a step past clustered versions only is short too), files their
 * versions, and moves the mark past them. Exported for tests that stop between two steps.
 */
export async function fileStep(trx: Kysely<HubDatabase>, keyRows: number): Promise<StepOutcome> {
  const mark = await readMark(trx);
  const last = await lastKeyRow(trx);
  if (last <= mark) return { filed: 0, done: true };
  const to = Math.min(last, mark + SCAN_PER_KEY_ROW * keyRows);
  let limit = keyRows;
  let rows: KeyRow[];
  let groups: KeyRow[][];
  for (;;) {
    ({ rows } = await sql<KeyRow>`SELECT rowid AS key_row, record_id, system, value, report_seq
      FROM lab_report_patients WHERE rowid > ${mark} AND rowid <= ${to} AND report_seq < ${CLUSTERED_BASE}
      ORDER BY rowid LIMIT ${limit}`.execute(trx));
    groups = byVersion(rows);
    // A full read may cut the last version's key rows short: read on until another version starts.
    if (rows.length < limit || groups.length > 1) break;
    limit *= 2;
  }
  const full = rows.length === limit;
  // That version is the next step's, so a step files each version under all its key rows at once.
  if (full) groups.pop();
  const placed = new ClusteredSeqs(trx);
  let filed = 0;
  for (const group of groups) if (await fileVersion(trx, placed, group)) filed++;
  await writeMark(trx, full ? groups.at(-1)!.at(-1)!.key_row : to);
  return { filed, done: !full && to === last };
}

/** Key rows a step may pass over per key row it may file. */
const SCAN_PER_KEY_ROW = 64;

async function lastKeyRow(trx: Kysely<HubDatabase>): Promise<number> {
  const { rows } = await sql<{ m: number | null }>`SELECT max(rowid) AS m FROM lab_report_patients`.execute(
    trx,
  );
  return Number(rows[0]?.m ?? 0);
}

/** Consecutive key rows of one version. */
function byVersion(rows: readonly KeyRow[]): KeyRow[][] {
  const groups: KeyRow[][] = [];
  for (const row of rows) {
    const group = groups.at(-1);
    if (group && group[0]!.record_id === row.record_id) group.push(row);
    else groups.push([row]);
  }
  return groups;
}

/**
 * Files one version under its key rows (`group`) when it is still in arrival order. The version's
 * `seq` is read by its row id, not trusted from the key rows: should a version's key rows ever lie
 * apart, the first group moves it and the others follow.
 */
async function fileVersion(
  trx: Kysely<HubDatabase>,
  placed: ClusteredSeqs,
  group: KeyRow[],
): Promise<boolean> {
  if (group.every((k) => k.report_seq >= CLUSTERED_BASE)) return false;
  const stored = await trx
    .selectFrom('lab_reports')
    .select('seq')
    .where('row_id', '=', group[0]!.record_id)
    .executeTakeFirst();
  if (stored?.seq === undefined) return false;
  let seq = Number(stored.seq);
  let moved = false;
  if (seq < CLUSTERED_BASE) {
    const keys: PatientKey[] = group.map((k) => ({ system: k.system, value: k.value }));
    const next = await placed.next(keys);
    if (next === undefined) return false;
    await trx.updateTable('lab_reports').set({ seq: next }).where('seq', '=', seq).execute();
    seq = next;
    moved = true;
  }
  const rowids = group.filter((k) => k.report_seq !== seq).map((k) => k.key_row);
  if (rowids.length > 0)
    await sql`UPDATE lab_report_patients SET report_seq = ${seq} WHERE rowid IN (${sql.join(rowids)})`.execute(
      trx,
    );
  return moved;
}

async function readMark(trx: Kysely<HubDatabase>): Promise<number> {
  const row = await trx.selectFrom('settings').select('value').where('key', '=', MARK).executeTakeFirst();
  return row ? Number(row.value) : 0;
}

async function writeMark(trx: Kysely<HubDatabase>, keyRow: number): Promise<void> {
  await trx
    .insertInto('settings')
    .values({ key: MARK, value: String(keyRow) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(keyRow) }))
    .execute();
}
