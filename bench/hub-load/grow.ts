/**
 * Growing a seeded PostgreSQL benchmark database by copies made in SQL (`bench:hub -- --grow K`):
 * seeding 10 M reports through the bulk loader takes about 50 minutes here, while copying the
 * seeded rows inside the database takes a fraction of that. Copy k of SYNTHETIC report n
 * (`SYN-<n>`, patient p) is report `SYN-<n + k·N>` of patient `p + k·P`, with the same clinical time,
 * codes and values: the same months hold k times the reports, and every patient of the grown set
 * has as many reports as before — exactly what the bench's queries then ask for (`patientValue`).
 * Its row id is the original's with `.k` appended (a text key; ids stay unique and sort beside
 * their original). Works on both layouts: on partitioned tables the rows are routed to their
 * month, and `lab_report_versions` follows by its triggers.
 */

import { type Kysely, sql } from 'kysely';
import type { HubDatabase } from '../../packages/hub/src/db/schema.ts';
import { optionInvalid } from './cli.ts';

/** Ids are `SYN-` and 8 digits, patients `SP` and 7 (bench/hub-load/synthetic.ts): the grown set must fit. */
export function checkGrowth(reports: number, patients: number, factor: number): void {
  if (!Number.isInteger(factor) || factor < 1)
    throw optionInvalid('--grow', '--grow takes a positive whole number', '--grow nhận một số nguyên dương');
  if (reports * factor > 99_999_999 || patients * factor > 9_999_999)
    throw optionInvalid(
      '--grow',
      '--grow: the grown set must stay within 99,999,999 reports and 9,999,999 patients (the synthetic id widths)',
      '--grow: tập đã nhân phải trong 99.999.999 phiếu và 9.999.999 người bệnh (độ rộng mã tổng hợp)',
    );
}

/**
 * Adds `factor − 1` copies of the `reports` SYNTHETIC seeded reports (of `patients` patients), one
 * transaction per copy; `onCopy` is told after each. The reports published by a benchmark run
 * (`LOAD-…`) are not copied.
 */
export async function growReports(
  db: Kysely<HubDatabase>,
  base: { reports: number; patients: number },
  factor: number,
  onCopy: (copies: number) => void,
): Promise<void> {
  // The seeded reports once, with their (one) patient key and codes: each copy reads these, not the
  // growing tables.
  await sql`drop table if exists grow_reports, grow_codes`.execute(db);
  await sql`create unlogged table grow_reports as
      select r.row_id, r.id, r.fhir_id, r.version, r.current, r.facility_code, r.status, r.clinical_at,
             r.document, r.created_at, p.system, p.value
        from lab_reports r
        join lab_report_patients p on p.record_id = r.row_id and p.clinical_at = r.clinical_at
       where r.id like 'SYN-%' and r.version = 1`.execute(db);
  await sql`create unlogged table grow_codes as
      select c.record_id, c.system, c.code, c.clinical_at
        from lab_report_codes c
       where c.record_id in (select row_id from grow_reports)`.execute(db);
  try {
    for (let k = 1; k < factor; k++) {
      const reportShift = k * base.reports;
      const patientShift = k * base.patients;
      const suffix = `.${k}`;
      await db.transaction().execute(async (trx) => {
        await sql`insert into lab_reports
            (row_id, id, fhir_id, version, current, facility_code, status, clinical_at, document, created_at)
          select g.row_id || ${suffix}, n.id, replace(g.fhir_id, g.id, n.id), g.version, g.current,
                 g.facility_code, g.status, g.clinical_at,
                 replace(replace(g.document, '"' || g.id || '"', '"' || n.id || '"'),
                         '"' || g.value || '"', '"' || n.value || '"'),
                 g.created_at
            from grow_reports g
            cross join lateral (select
              'SYN-' || lpad((substr(g.id, 5)::bigint + ${reportShift})::text, 8, '0') as id,
              'SP' || lpad((substr(g.value, 3)::bigint + ${patientShift})::text, 7, '0') as value) n`.execute(
          trx,
        );
        await sql`insert into lab_report_patients (record_id, system, value, clinical_at)
          select g.row_id || ${suffix}, g.system,
                 'SP' || lpad((substr(g.value, 3)::bigint + ${patientShift})::text, 7, '0'), g.clinical_at
            from grow_reports g`.execute(trx);
        await sql`insert into lab_report_codes (record_id, system, code, clinical_at)
          select c.record_id || ${suffix}, c.system, c.code, c.clinical_at from grow_codes c`.execute(trx);
      });
      onCopy(k);
    }
  } finally {
    await sql`drop table if exists grow_reports, grow_codes`.execute(db);
  }
  // An operator refreshes planner statistics after an import; so do we.
  await sql`analyze`.execute(db);
  await checkLastCopy(db, base, factor);
}

/** The last copy of the last seeded report is whole: its id, its patient in the document and in the key rows. */
async function checkLastCopy(
  db: Kysely<HubDatabase>,
  base: { reports: number; patients: number },
  factor: number,
): Promise<void> {
  const n = base.reports - 1;
  const id = `SYN-${String(n + (factor - 1) * base.reports).padStart(8, '0')}`;
  const value = `SP${String((n % base.patients) + (factor - 1) * base.patients).padStart(7, '0')}`;
  const row = await db
    .selectFrom('lab_reports')
    .select(['row_id', 'document'])
    .where('id', '=', id)
    .executeTakeFirst();
  const report =
    row && (JSON.parse(row.document) as { id: string; patient: { identifiers: { value: string }[] } });
  const keys = row
    ? await db.selectFrom('lab_report_patients').select('value').where('record_id', '=', row.row_id).execute()
    : [];
  if (report?.id !== id || report.patient.identifiers[0]?.value !== value || keys[0]?.value !== value)
    throw new Error(`--grow: the copy ${id} of patient ${value} is not as expected`);
}
