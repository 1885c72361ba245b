import { type Kysely, type QueryExecutorProvider, type RawBuilder, sql } from 'kysely';
import type { Transact } from './group-commit.js';
import type { AuditPatientRunListTable, HubDatabase } from './schema.js';

/**
 * The audit trail's index by patient on SQLite, kept as sorted runs (a log-structured merge):
 * "who read this patient's data" stays answerable without each audited read writing a random page.
 *
 * Every audited read writes one entry, and the patient it names is a keyed hash — uniformly
 * spread. An ordinary index by patient (`audit_events_patient_at`, until migration 015) filed each
 * entry on a random leaf: a page read, written to the WAL and copied back by the checkpoint, some
 * 40–60 µs of a query's CPU at a million reports (docs/en/guide/hub-performance.md#audit-runs).
 *
 * Here entries are written without it (`audit_events` is appended to, in `seq` order), and filed
 * afterwards in batches:
 * - every ~{@link AuditPatientRunsOptions.runEntries} entries, one step sorts the unfiled ones by
 *   patient into a new **run** of `audit_patient_runs`, appended after the others: a page per ~35
 *   entries instead of a page each;
 * - when {@link AuditPatientRunsOptions.fanIn} runs of one level exist, they are merged into one
 *   run of the next level, a slice of the patients at a time (a step moves ~`sliceEntries`), so no
 *   step holds the writer for long. Lookups read at most ~`fanIn` runs per level.
 *
 * A lookup ({@link patientAuditEvents}) reads the patient's rows of every run, and scans the
 * unfiled entries (those after the runs' highest `last_seq`). Each step is one transaction, so
 * a lookup sees each entry exactly once whenever it runs, and a crash or a failed step loses
 * nothing: the next step starts from what the database holds. The steps run in the hub's group
 * commits, as writes do, started by the audit log's writes.
 */
export interface AuditPatientRuns {
  /** Says `entries` audit entries were written; starts a step of upkeep when one is due. */
  wrote(entries: number): void;
  /** Resolves when no step runs and none is due (tests; the hub never waits for upkeep). */
  settled(): Promise<void>;
}

/** Sizes of the runs and steps; the defaults suit a hub, tests use small ones to see merges. */
export interface AuditPatientRunsOptions {
  /** Entries left unfiled before a step files them in a run (default 1,024): the most a lookup scans. */
  runEntries?: number;
  /** Runs of one level merged into one of the next (default 8). */
  fanIn?: number;
  /** Entries a merge step moves, about (default 1,024): bounds the time a step holds the writer. */
  sliceEntries?: number;
}

const DEFAULTS: Required<AuditPatientRunsOptions> = { runEntries: 1024, fanIn: 8, sliceEntries: 1024 };

/** A merge's slices divide the patient references by their first 8 hex digits (a keyed hash: uniform). */
const PREFIX_SPACE = 2 ** 32;

/** A row of the run list, as the schema declares it. */
type RunRow = AuditPatientRunListTable;

/** What a step found: how many entries remain unfiled, and whether a merge may still be due. */
export interface StepOutcome {
  unfiled: number;
  merging: boolean;
}

/**
 * Starts the upkeep of the runs for a SQLite hub database (migrated to 015 or later): steps run
 * through `transact` while one is due, each started by {@link AuditPatientRuns.wrote} or the step
 * before.
 *
 * @example
 * const runs = await startAuditPatientRuns(store.db, store.transact);
 * // after each audit write:
 * runs.wrote(entries.length);
 */
export async function startAuditPatientRuns(
  db: Kysely<HubDatabase>,
  transact: Transact,
  options: AuditPatientRunsOptions = {},
): Promise<AuditPatientRuns> {
  const sizes = { ...DEFAULTS, ...options };
  let unfiled = await unfiledEntries(db);
  // Unknown at start (a merge may have been left midway): the first step finds out.
  let mergeDue = true;
  let running: Promise<void> | undefined;
  const due = () => unfiled >= sizes.runEntries || mergeDue;
  const next = () => {
    if (running || !due()) return;
    let failed = false;
    running = transact((trx) => upkeepStep(trx, sizes))
      .then(
        (outcome) => {
          // A count, not a bound: entries noted while the step ran may be forgotten until the next
          // write. Lookups scan whatever is unfiled, so only the timing of the next run depends on it.
          unfiled = outcome.unfiled;
          mergeDue = outcome.merging;
        },
        // A failed step (the database closing, a full disk) costs lookups speed, never an entry:
        // the next write starts another from what the database holds.
        () => {
          failed = true;
        },
      )
      .finally(() => {
        running = undefined;
        if (!failed) next();
      });
  };
  return {
    wrote(entries) {
      unfiled += entries;
      next();
    },
    async settled() {
      while (running) await running;
    },
  };
}

/** Entries written after the last run's: what a lookup scans and the next run files. */
async function unfiledEntries(db: QueryExecutorProvider): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT
      (SELECT coalesce(max(seq), 0) FROM audit_events)
      - (SELECT coalesce(max(last_seq), 0) FROM audit_patient_run_list) AS n`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/**
 * One step of upkeep, in the caller's transaction: files the unfiled entries when a run's worth
 * waits, else moves one slice of a merge (starting one when a level is full). What it found.
 * {@link startAuditPatientRuns} runs these; exported for tests that stop between two steps.
 */
export async function upkeepStep(
  trx: QueryExecutorProvider,
  options: AuditPatientRunsOptions = {},
): Promise<StepOutcome> {
  const sizes = { ...DEFAULTS, ...options };
  const { rows: runs } = await sql<RunRow>`SELECT run, level, last_seq, entries, merging_into, merge_next,
      merge_width FROM audit_patient_run_list ORDER BY run`.execute(trx);
  const filedUpTo = runs.reduce((max, r) => Math.max(max, r.last_seq), 0);
  const { rows } = await sql<{ m: number }>`SELECT coalesce(max(seq), 0) AS m FROM audit_events`.execute(trx);
  const lastSeq = Number(rows[0]?.m ?? 0);
  const nextRun = runs.reduce((max, r) => Math.max(max, r.run), 0) + 1;
  if (lastSeq - filedUpTo >= sizes.runEntries) {
    await fileRun(trx, nextRun, filedUpTo, lastSeq, sizes);
    return { unfiled: 0, merging: true };
  }
  const unfiled = lastSeq - filedUpTo;
  const merging = runs.find((r) => r.merge_next !== null);
  if (merging) {
    await mergeSlice(trx, merging);
    return { unfiled, merging: true };
  }
  const full = fullLevel(runs, sizes.fanIn);
  if (!full) return { unfiled, merging: false };
  const entries = full.reduce((sum, r) => sum + r.entries, 0);
  const width = Math.ceil(PREFIX_SPACE / Math.max(1, Math.ceil(entries / sizes.sliceEntries)));
  const target: RunRow = {
    run: nextRun,
    level: Math.max((full[0] as RunRow).level + 1, levelOfSize(entries, sizes)),
    last_seq: full.reduce((max, r) => Math.max(max, r.last_seq), 0),
    entries,
    merging_into: null,
    merge_next: '',
    merge_width: width,
  };
  await sql`INSERT INTO audit_patient_run_list (run, level, last_seq, entries, merge_next, merge_width)
    VALUES (${target.run}, ${target.level}, ${target.last_seq}, ${entries}, '', ${width})`.execute(trx);
  await sql`UPDATE audit_patient_run_list SET merging_into = ${target.run}
    WHERE run IN (${sql.join(full.map((r) => r.run))})`.execute(trx);
  await mergeSlice(trx, target);
  return { unfiled, merging: true };
}

/** The runs of the lowest level holding `fanIn` or more runs not already being merged. */
function fullLevel(runs: readonly RunRow[], fanIn: number): RunRow[] | undefined {
  const byLevel = new Map<number, RunRow[]>();
  for (const r of runs) {
    if (r.merging_into !== null) continue;
    const level = byLevel.get(r.level) ?? [];
    level.push(r);
    byLevel.set(r.level, level);
  }
  const levels = [...byLevel.keys()].sort((a, b) => a - b);
  for (const level of levels) {
    const found = byLevel.get(level) as RunRow[];
    if (found.length >= fanIn) return found;
  }
  return undefined;
}

/** Files the entries after `after` up to `upTo` that name a patient, as run `run`. */
async function fileRun(
  trx: QueryExecutorProvider,
  run: number,
  after: number,
  upTo: number,
  sizes: Required<AuditPatientRunsOptions>,
): Promise<void> {
  const filed = await sql`INSERT INTO audit_patient_runs (run, patient_ref, at, event_seq)
    SELECT ${run}, patient_ref, at, seq FROM audit_events
    WHERE seq > ${after} AND seq <= ${upTo} AND patient_ref IS NOT NULL
    ORDER BY patient_ref, at, seq`.execute(trx);
  const entries = Number(filed.numAffectedRows ?? 0);
  await sql`INSERT INTO audit_patient_run_list (run, level, last_seq, entries)
    VALUES (${run}, ${levelOfSize(entries, sizes)}, ${upTo}, ${entries})`.execute(trx);
}

/**
 * Moves one slice of the patient references from the runs merging into `target` to `target`;
 * after the last slice the emptied runs leave the list (and the merged run may complete its level).
 */
async function mergeSlice(trx: QueryExecutorProvider, target: RunRow): Promise<void> {
  const from = target.merge_next as string;
  const end = (from === '' ? 0 : Number.parseInt(from, 16)) + (target.merge_width as number);
  // The last slice has no upper bound, the first no lower one ('' sorts before every reference).
  const to = end < PREFIX_SPACE ? end.toString(16).padStart(8, '0') : undefined;
  const inSlice = sql`run IN (SELECT run FROM audit_patient_run_list WHERE merging_into = ${target.run})
    AND patient_ref >= ${from}${to === undefined ? sql`` : sql` AND patient_ref < ${to}`}`;
  await sql`INSERT INTO audit_patient_runs (run, patient_ref, at, event_seq)
    SELECT ${target.run}, patient_ref, at, event_seq FROM audit_patient_runs WHERE ${inSlice}
    ORDER BY patient_ref, at, event_seq`.execute(trx);
  await sql`DELETE FROM audit_patient_runs WHERE ${inSlice}`.execute(trx);
  if (to !== undefined) {
    await sql`UPDATE audit_patient_run_list SET merge_next = ${to} WHERE run = ${target.run}`.execute(trx);
    return;
  }
  await sql`DELETE FROM audit_patient_run_list WHERE merging_into = ${target.run}`.execute(trx);
  await sql`UPDATE audit_patient_run_list SET merge_next = NULL, merge_width = NULL
    WHERE run = ${target.run}`.execute(trx);
}

/**
 * Files every entry not filed yet in one run (migration 015, in its transaction; a bulk load of
 * entries): of the level its size gives it, so that the runs filed later merge among themselves
 * long before into it.
 */
export async function fileUnfiled(trx: QueryExecutorProvider): Promise<void> {
  const { rows } = await sql<{ after: number; upTo: number; run: number }>`SELECT
      (SELECT coalesce(max(last_seq), 0) FROM audit_patient_run_list) AS after,
      (SELECT coalesce(max(seq), 0) FROM audit_events) AS upTo,
      (SELECT coalesce(max(run), 0) + 1 FROM audit_patient_run_list) AS run`.execute(trx);
  const { after = 0, upTo = 0, run = 1 } = rows[0] ?? {};
  if (upTo > after) await fileRun(trx, run, after, upTo, DEFAULTS);
}

/**
 * The level a run of `entries` entries belongs to: a run of level n holds about fanInⁿ runs' worth.
 * A merge of more runs than `fanIn` (they pile up while a long merge runs) then lands higher.
 */
function levelOfSize(entries: number, sizes: Required<AuditPatientRunsOptions>): number {
  return Math.max(0, Math.floor(Math.log(Math.max(1, entries) / sizes.runEntries) / Math.log(sizes.fanIn)));
}

/**
 * The entries naming any of `patientRefs` (keyed hashes), newest first then by id, at most
 * `limit`, of `facilityCode` if given: the patient's rows of every run plus the unfiled entries.
 * Without a facility, only the `limit` newest rows' entries are read.
 */
export function patientAuditEvents(
  db: Kysely<HubDatabase>,
  patientRefs: readonly string[],
  limit: number,
  facilityCode?: string,
) {
  const refs = sql.join(patientRefs);
  // The newest `limit` times: entries at or after the last of them are all the page can hold
  // (ties included). With a facility filter the newest may be another facility's: no cut.
  const cut: RawBuilder<unknown> =
    facilityCode === undefined
      ? sql` WHERE at >= coalesce((SELECT at FROM filed ORDER BY at DESC LIMIT 1 OFFSET ${limit - 1}), '')`
      : sql``;
  return sql<HubDatabase['audit_events'] & { seq: number }>`WITH filed(seq, at) AS (
      SELECT event_seq, at FROM audit_patient_runs
      WHERE run IN (SELECT run FROM audit_patient_run_list) AND patient_ref IN (${refs})
      UNION ALL
      SELECT seq, at FROM audit_events
      WHERE seq > (SELECT coalesce(max(last_seq), 0) FROM audit_patient_run_list) AND patient_ref IN (${refs}))
    SELECT e.* FROM audit_events e WHERE e.seq IN (SELECT seq FROM filed${cut})
    ${facilityCode === undefined ? sql`` : sql`AND e.facility_code = ${facilityCode}`}
    ORDER BY e.at DESC, e.id LIMIT ${limit}`.execute(db);
}
