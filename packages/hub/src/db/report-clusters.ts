import { DEFAULT_IDENTIFIER_SYSTEMS } from '@lienthong/core';
import type { Kysely } from 'kysely';
import { shapedQuery } from './query-shapes.js';
import { rowLimit } from './row-limit.js';
import type { HubDatabase } from './schema.js';

/**
 * Where SQLite stores a new report version when the database's `reportOrder` is `'patient'` (and
 * where filing moves it with `'patient-deferred'`, the default): its `seq`, the table's row id
 * (migration 013), chosen so that one patient's reports sit side by side in `lab_reports`. With
 * `'arrival'` SQLite appends it after the last.
 *
 * Why: SQLite stores a rowid table in its row id's order. Numbered in arrival order, a patient's
 * ~10 reports lay on ~10 pages scattered over the whole table (1.3 GB at a million reports), and a
 * patient query read each from the OS (a `pread`, a B-tree descent): its report statement measured
 * 153–184 µs of CPU; on a copy of the same file in patient order, 75–92 µs, and through the hub
 * 96–137 µs less per query (docs/en/guide/hub-performance.md#patient-order).
 *
 * So a version's `seq` is `CLUSTERED_BASE + cluster × SLOTS + n`: the cluster, a hash of the
 * patient's preferred key ({@link clusterKey}), and `n` the next free slot of that cluster. A
 * patient's reports follow one another; the patients of one cluster (rare: 2³¹ clusters) interleave.
 * A publish then reads and writes a page somewhere in the table instead of the last one, which
 * every publish of a group commit shares: it costs more than the query saves (same section). The
 * default, `'patient-deferred'`, pays that page when the hub is idle instead (db/report-filing.ts).
 *
 * Rows stored before this layout keep their arrival numbers, all below `CLUSTERED_BASE`; nothing
 * reads `seq` as an order. Every value stays below 2⁵³, exact as a JavaScript number.
 */
export const CLUSTERED_BASE = 2 ** 52;
/** Slots per cluster: 2²¹ versions (~2 million) for the patients sharing one cluster. */
const SLOTS = 2 ** 21;
/** Clusters: 2³¹, so that the last slot of the last one is 2⁵³ − 1. */
const CLUSTERS = 2 ** 31;
/** Clusters tried, each the next, when a cluster's slots are used up (never seen; bounded anyway). */
const PROBES = 8;

/**
 * Where a SQLite hub stores new report versions:
 * - `'arrival'`: after the last;
 * - `'patient'`: beside the patient's others, at each publish;
 * - `'patient-deferred'`: after the last at each publish, then filed beside the patient's others
 *   when the hub is idle (db/report-filing.ts); bulk loads are placed by patient at once.
 */
export type ReportOrder = 'arrival' | 'patient' | 'patient-deferred';
export const REPORT_ORDERS: readonly ReportOrder[] = ['arrival', 'patient', 'patient-deferred'];
/**
 * A SQLite hub's `reportOrder` unless its configuration names one: patient queries, the hub's main
 * read, find a patient's reports side by side, and publishes still append
 * (docs/en/guide/hub-performance.md#default-order).
 */
export const DEFAULT_REPORT_ORDER: ReportOrder = 'patient-deferred';

// Keyed by the database's adapter, which its transactions share.
const orders = new WeakMap<object, ReportOrder>();
// Databases whose arrival-numbered versions must be numbered explicitly below CLUSTERED_BASE.
const arrivalBelowClusters = new WeakSet<object>();

/**
 * Sets where `db` (SQLite) stores new report versions, once as the database opens. `clustered`
 * says the file already holds versions in patient order. Versions in arrival order (and those
 * naming no patient) are then numbered below the clustered range: SQLite's own numbering (the
 * largest row id plus one) would number them inside it, and soon past 2⁵³.
 */
export function setReportOrder(db: Kysely<HubDatabase>, order: ReportOrder, clustered: boolean): void {
  const adapter = db.getExecutor().adapter;
  orders.set(adapter, order);
  if (order !== 'arrival' || clustered) arrivalBelowClusters.add(adapter);
}

const orderOf = (db: Kysely<HubDatabase>): ReportOrder => orders.get(db.getExecutor().adapter) ?? 'arrival';

/** Whether `db`, or the database of the transaction `db`, places each publish by patient. */
export const storesReportsByPatient = (db: Kysely<HubDatabase>): boolean => orderOf(db) === 'patient';

/** Whether bulk loads into `db` are placed by patient (`'patient'` and `'patient-deferred'`). */
export const loadsReportsByPatient = (db: Kysely<HubDatabase>): boolean => orderOf(db) !== 'arrival';

/** Whether the file holds versions in patient order (the largest `seq` is in the clustered range). */
export async function holdsClusteredReports(db: Kysely<HubDatabase>): Promise<boolean> {
  const [last] = await lastInRange.execute(db, { from: CLUSTERED_BASE, to: 2 ** 53 });
  return last !== undefined;
}

/**
 * The `seq` of a new version stored in arrival order: SQLite's own (`undefined`), or, on a file
 * that also holds clustered versions, the next below {@link CLUSTERED_BASE}. One B-tree descent, to
 * the page the insert then writes.
 */
export async function arrivalSeq(trx: Kysely<HubDatabase>): Promise<number | undefined> {
  if (!arrivalBelowClusters.has(trx.getExecutor().adapter)) return undefined;
  const [last] = await lastInRange.execute(trx, { from: 0, to: CLUSTERED_BASE });
  return last?.seq === undefined ? 1 : Number(last.seq) + 1;
}

/** A patient key as the key rows store it: a canonical system URI and a value (a type, not an interface: a shaped query's parameter). */
export type PatientKey = { system: string; value: string };

/**
 * The key a report is clustered by: the one a patient's reports most likely all carry — the
 * personal ID (CCCD) first, then the insurance card, the old ID card, the passport, the social
 * insurance number, then the smallest other key. Queries by any other key of the patient find the
 * reports clustered just as well, as long as the reports also carry the preferred one.
 */
export function clusterKey(keys: readonly PatientKey[]): PatientKey | undefined {
  let best: PatientKey | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const key of keys) {
    const rank = PREFERRED_SYSTEMS.indexOf(key.system);
    const r = rank < 0 ? PREFERRED_SYSTEMS.length : rank;
    if (r < bestRank || (r === bestRank && best && keyText(key) < keyText(best))) {
      best = key;
      bestRank = r;
    }
  }
  return best;
}

const PREFERRED_SYSTEMS: readonly string[] = (
  ['cccd', 'bhyt', 'cmnd', 'passport', 'socialInsurance'] as const
).map((name) => DEFAULT_IDENTIFIER_SYSTEMS[name]);

const keyText = (key: PatientKey) => `${key.system}|${key.value}`;

/** The cluster of a key: FNV-1a (32 bits) of `system|value`, its top 31 bits. Stable across versions. */
export function clusterOf(key: PatientKey): number {
  const text = keyText(key);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 1) % CLUSTERS;
}

/** The first `seq` of a cluster. */
export const clusterStart = (cluster: number): number => CLUSTERED_BASE + cluster * SLOTS;

const lastInRange = shapedQuery((db, p: { from: number; to: number }) =>
  db
    .selectFrom('lab_reports')
    .select('seq')
    .where('seq', '>=', p.from)
    .where('seq', '<', p.to)
    .orderBy('seq', 'desc')
    .limit(rowLimit(1)),
);

/**
 * Hands out clustered `seq`s inside one transaction: the first version of a cluster asks the table
 * for the cluster's last slot (one B-tree descent, to the page the insert then writes), later ones
 * count on from it. Use one allocator per transaction, and only on SQLite.
 */
export class ClusteredSeqs {
  readonly #next = new Map<number, number>();
  constructor(private readonly trx: Kysely<HubDatabase>) {}

  /** The `seq` for a new version filed under `keys`; `undefined` without keys (SQLite then picks one). */
  async next(keys: readonly PatientKey[]): Promise<number | undefined> {
    const key = clusterKey(keys);
    if (!key) return undefined;
    const home = clusterOf(key);
    for (let probe = 0; probe < PROBES; probe++) {
      const cluster = (home + probe) % CLUSTERS;
      const seq = this.#next.get(cluster) ?? (await this.#firstFree(cluster));
      if (seq < clusterStart(cluster) + SLOTS) {
        this.#next.set(cluster, seq + 1);
        return seq;
      }
    }
    // 8 × 2 million versions in 8 neighbouring clusters: not a real data set. SQLite picks.
    return undefined;
  }

  async #firstFree(cluster: number): Promise<number> {
    const from = clusterStart(cluster);
    const [last] = await lastInRange.execute(this.trx, { from, to: from + SLOTS });
    return last?.seq === undefined ? from : Number(last.seq) + 1;
  }
}
