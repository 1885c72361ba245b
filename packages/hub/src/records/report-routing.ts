import { type ExpressionBuilder, type Kysely, PostgresAdapter } from 'kysely';
import { isPartitioned } from '../db/partitions.js';
import type { HubDatabase, LabReportTable } from '../db/schema.js';

/**
 * How reads of lab reports reach their rows when PostgreSQL holds them in monthly partitions of
 * the clinical time (`partitionLabReports`): a read names the clinical time of the rows it wants, so the
 * planner (by id: constants) or the executor (a patient's keys: join parameters) opens one
 * partition instead of all. On SQLite the queries stay as they were: there the extra predicates
 * would only cost CPU (a second lookup; a code index no longer covering).
 */

/** Whether `db` is PostgreSQL, where the lab-report reads add the predicates that prune partitions. */
export const onPostgres = (db: Kysely<HubDatabase>) => db.getExecutor().adapter instanceof PostgresAdapter;

const partitionedByAdapter = new WeakMap<object, boolean>();

/**
 * Whether `db` holds the partitioned layout (PostgreSQL after `partitionLabReports`), asked once per
 * database (a transaction shares its database's adapter) and remembered.
 */
async function partitioned(db: Kysely<HubDatabase>): Promise<boolean> {
  const { adapter } = db.getExecutor();
  if (!(adapter instanceof PostgresAdapter)) return false;
  let known = partitionedByAdapter.get(adapter);
  if (known === undefined) {
    known = await isPartitioned(db as Kysely<unknown>);
    partitionedByAdapter.set(adapter, known);
  }
  return known;
}

/** A clinical time in no partition ('~' sorts after every month): `IN` it matches nothing, planned as nothing. */
const NO_TIME = '~';

/**
 * On partitioned PostgreSQL, the clinical times of the stored versions whose `lookup` (id, FHIR id
 * or row id) is `value` — only the current one with `current` — read from `lab_report_versions`,
 * for a read to name as constants (`clinical_at IN (…)`): the planner then plans the one partition
 * holding them. Given in a subquery the executor would prune just as well, but every partition
 * would be planned first (about 1 ms at 29 partitions against 0.1 ms). Undefined elsewhere (SQLite,
 * unpartitioned PostgreSQL: the read needs no such predicate).
 *
 * @example
 * const times = await versionTimes(db, 'id', id, { current: true });
 * db.selectFrom('lab_reports').selectAll().where('id', '=', id).$if(times !== undefined, (q) => q.where('clinical_at', 'in', times!));
 */
export async function versionTimes(
  db: Kysely<HubDatabase>,
  lookup: 'id' | 'fhir_id' | 'row_id',
  value: string,
  options: { current?: boolean } = {},
): Promise<string[] | undefined> {
  if (!(await partitioned(db))) return undefined;
  let q = db.selectFrom('lab_report_versions').select('clinical_at').distinct().where(lookup, '=', value);
  if (options.current) q = q.where('current', '=', 1);
  const times = (await q.execute()).map((r) => r.clinical_at);
  return times.length > 0 ? times : [NO_TIME];
}

/**
 * The rows of `r` (`lab_reports as r`) filed under any of `keys` (identifiers under their current
 * URIs: `canonicalIdentifierSystem`), through the (system, value, clinical_at, record…) index. On
 * SQLite they are matched on the integer key the key rows carry (`report_seq`). On
 * PostgreSQL they are matched on (row id, clinical time), and the keys narrowed to the query's
 * window (`since`, `until`: the UTC bounds the report rows get), so each key opens one report
 * partition and key partitions outside the window are skipped. Values reach Kysely unchanged
 * (a shaped query's leaves: `db/query-shapes.ts`).
 */
export function patientKeyRows(
  db: Kysely<HubDatabase>,
  keys: readonly { system: string; value: string }[],
  window: { since?: string | undefined; until?: string | undefined },
) {
  return (eb: ExpressionBuilder<HubDatabase & { r: LabReportTable }, 'r'>) => {
    const rows = db
      .selectFrom('lab_report_patients')
      .where((k) => k.or(keys.map((p) => k.and([k('system', '=', p.system), k('value', '=', p.value)]))));
    // SQLite: by the version's integer key, a search of the table itself (migration 013).
    if (!onPostgres(db)) return eb('r.seq', 'in', rows.select('report_seq'));
    let pairs = rows.select(['record_id', 'clinical_at']);
    if (window.since !== undefined) pairs = pairs.where('clinical_at', '>=', window.since);
    if (window.until !== undefined)
      pairs = pairs.where('clinical_at', '<=', window.until).where('clinical_at', '!=', '');
    return eb(eb.refTuple('r.row_id', 'r.clinical_at'), 'in', pairs.$asTuple('record_id', 'clinical_at'));
  };
}
