import { type Kysely, sql } from 'kysely';

/**
 * Monthly partitions of the hub's large tables on PostgreSQL (`partitionLabReports`): lab
 * reports, their patient keys and codes by month of the clinical time (`clinical_at`, '' when
 * undated: its own partition), audit entries by month of `at`. Bounds compare text under COLLATE "C" (the key
 * columns are declared so): an ISO instant `2026-01-15T…` falls in `['2026-01', '2026-02')`.
 *
 * There is no DEFAULT partition, on purpose: a row routed there would stay out of reach of
 * partition pruning, and creating its month's partition later must scan the default partition
 * under lock (and the rows must be moved by hand). A row whose month has no partition fails
 * instead, and the hub creates the partition and runs the transaction again ({@link retryOnMissingPartition}).
 */

/** The partitioned tables and their partition key column. */
export const PARTITIONED_TABLES = {
  lab_reports: 'clinical_at',
  lab_report_patients: 'clinical_at',
  lab_report_codes: 'clinical_at',
  audit_events: 'at',
} as const;

export type PartitionedTable = keyof typeof PARTITIONED_TABLES;

/** The tables partitioned by a report's clinical time (always given a month together). */
export const REPORT_TABLES: readonly PartitionedTable[] = [
  'lab_reports',
  'lab_report_patients',
  'lab_report_codes',
];

/** How many months ahead of the current one the hub keeps partitions ready. */
export const MONTHS_AHEAD = 3;

const MONTH = /^(\d{4})-(\d{2})$/;

/** `YYYY-MM` of the month `offset` months after `month` (also `YYYY-MM`). */
export function addMonths(month: string, offset: number): string {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1 + offset, 1));
  return d.toISOString().slice(0, 7);
}

/** The partition holding `month` of `table` (`lab_reports_m2026_01`). */
export function partitionName(table: PartitionedTable, month: string): string {
  if (!MONTH.test(month)) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  return `${table}_m${month.replace('-', '_')}`;
}

/** The partition of undated reports (`clinical_at = ''`). */
export const undatedPartitionName = (table: PartitionedTable) => `${table}_undated`;

/** Whether this database holds the partitioned layout (PostgreSQL after `partitionLabReports`). */
export async function isPartitioned(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ partitioned: boolean }>`SELECT EXISTS (
      SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
      WHERE c.relname = 'lab_reports' AND c.relnamespace = to_regnamespace(current_schema())::oid
    ) AS partitioned`.execute(db);
  return rows[0]?.partitioned === true;
}

/**
 * Creates the partition of `month` for `tables` where it is missing. Concurrent hubs take turns
 * (a transaction-scoped advisory lock). The partition is created standalone and then attached,
 * which locks the parent in SHARE UPDATE EXCLUSIVE mode (reads and writes go on) where `CREATE
 * TABLE … PARTITION OF` would take ACCESS EXCLUSIVE; attaching copies the parent's indexes and
 * triggers. Returns the partitions created.
 */
export async function createMonthPartitions(
  db: Kysely<unknown>,
  month: string,
  tables: readonly PartitionedTable[] = Object.keys(PARTITIONED_TABLES) as PartitionedTable[],
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('lienthong.hub.partitions'))`.execute(trx);
    return addMonthPartitions(trx, month, tables);
  });
}

/** {@link createMonthPartitions} inside the caller's transaction (which serialises concurrent callers). */
export async function addMonthPartitions(
  trx: Kysely<unknown>,
  month: string,
  tables: readonly PartitionedTable[],
): Promise<string[]> {
  const created: string[] = [];
  for (const table of tables) {
    const name = partitionName(table, month);
    const { rows } = await sql<{ found: string | null }>`SELECT to_regclass(${name}) AS found`.execute(trx);
    if (rows[0]?.found) continue;
    await sql`CREATE TABLE ${sql.table(name)} (LIKE ${sql.table(table)} INCLUDING DEFAULTS)`.execute(trx);
    await sql`ALTER TABLE ${sql.table(table)} ATTACH PARTITION ${sql.table(name)}
      FOR VALUES FROM (${sql.lit(month)}) TO (${sql.lit(addMonths(month, 1))})`.execute(trx);
    created.push(name);
  }
  return created;
}

/**
 * Creates the partitions of the current month and the {@link MONTHS_AHEAD} next ones on every
 * partitioned table (nothing on an unpartitioned database). The hub runs it at start and daily.
 *
 * @example
 * const created = await ensurePartitionsAhead(store.db, new Date());
 */
export async function ensurePartitionsAhead(db: Kysely<unknown>, now = new Date()): Promise<string[]> {
  if (!(await isPartitioned(db))) return [];
  const first = now.toISOString().slice(0, 7);
  const created: string[] = [];
  for (let i = 0; i <= MONTHS_AHEAD; i++)
    created.push(...(await createMonthPartitions(db, addMonths(first, i))));
  return created;
}

/** The table and key value of a PostgreSQL "no partition of relation … found for row" error. */
export function missingPartition(error: unknown): { table: string; value: string } | undefined {
  const e = error as { code?: unknown; message?: unknown; detail?: unknown } | null;
  if (e?.code !== '23514' || typeof e.message !== 'string') return undefined;
  const table = /no partition of relation "([^"]+)" found for row/.exec(e.message)?.[1];
  const value = typeof e.detail === 'string' ? /\) = \((.*)\)\.?$/s.exec(e.detail)?.[1] : undefined;
  return table !== undefined && value !== undefined ? { table, value } : undefined;
}

/** Most partitions one unit of work may have to create before it gives up (a bulk-load batch spans a few months). */
const MAX_PARTITION_RETRIES = 120;

/**
 * Runs `work` (one transaction) and, when a row it wrote had no partition for its month (a report
 * published for a month before the hub's partitions, a historical back-fill), creates that month's
 * partitions and runs `work` again: the failed transaction rolled back whole. Any other error,
 * or a key that is not a month, is rethrown as it came.
 */
export async function retryOnMissingPartition<T>(db: Kysely<unknown>, work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const missing = missingPartition(error);
      const month = missing?.value.slice(0, 7) ?? '';
      if (!missing || !MONTH.test(month) || attempt >= MAX_PARTITION_RETRIES) throw error;
      const tables = missing.table === 'audit_events' ? (['audit_events'] as const) : REPORT_TABLES;
      await createMonthPartitions(db, month, tables);
    }
  }
}

/**
 * Detaches, for archiving, every monthly partition of the partitioned tables holding months
 * before `month` (`YYYY-MM`): they become standalone tables named `<partition>_archived_<stamp>`
 * (`lab_reports_m2020_12_archived_t1a2b3c`; dump them with `pg_dump -t`, then drop them). The undated partition stays. The detached reports' entries in
 * `lab_report_versions` are removed in the same transaction, so their ids read as unknown and
 * may be published again. Returns the names the detached tables now have. Nothing happens on an
 * unpartitioned database.
 *
 * @example
 * // Keep five years online.
 * const archived = await detachPartitionsBefore(store.db, '2021-01');
 */
export async function detachPartitionsBefore(db: Kysely<unknown>, month: string): Promise<string[]> {
  if (!MONTH.test(month)) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  if (!(await isPartitioned(db))) return [];
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('lienthong.hub.partitions'))`.execute(trx);
    const { rows } = await sql<{
      parent: string;
      child: string;
    }>`SELECT p.relname AS parent, c.relname AS child
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname IN (${sql.join(Object.keys(PARTITIONED_TABLES))})
        AND p.relnamespace = to_regnamespace(current_schema())::oid
      ORDER BY c.relname`.execute(trx);
    const old = rows.filter((r) => {
      const m = /_m(\d{4})_(\d{2})$/.exec(r.child);
      return m && r.child === `${r.parent}_m${m[1]}_${m[2]}` && `${m[1]}-${m[2]}` < month;
    });
    if (old.some((r) => r.parent === 'lab_reports'))
      await sql`DELETE FROM lab_report_versions WHERE clinical_at <> '' AND clinical_at < ${month}`.execute(
        trx,
      );
    // Renamed as they leave, so a report published later for one of these months gets a fresh
    // partition under the usual name (created on demand) next to the archive.
    const suffix = `_archived_t${Math.floor(Date.now() / 1000).toString(36)}`;
    const archived: string[] = [];
    for (const r of old) {
      await sql`ALTER TABLE ${sql.table(r.parent)} DETACH PARTITION ${sql.table(r.child)}`.execute(trx);
      await sql`ALTER TABLE ${sql.table(r.child)} RENAME TO ${sql.table(r.child + suffix)}`.execute(trx);
      archived.push(r.child + suffix);
    }
    return archived;
  });
}
