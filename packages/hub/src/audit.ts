import { createHmac, randomBytes } from 'node:crypto';
import { canonicalIdentifierSystem, identifierSystemAliases } from '@lienthong/core';
import type { Insertable, Kysely } from 'kysely';
import { type AuditPatientRuns, patientAuditEvents, startAuditPatientRuns } from './db/audit-patient-runs.js';
import type { HubDb } from './db/open-database.js';
import { shapedQuery } from './db/query-shapes.js';
import { newRowId } from './db/row-id.js';
import { rowLimit } from './db/row-limit.js';
import type { AuditEventTable, HubDatabase } from './db/schema.js';
import { onPostgres } from './records/report-routing.js';

/** Who read (or wrote) what, for the audit trail. */
export interface AuditEntry {
  facilityCode: string;
  credentialId: string;
  userRef?: string | undefined;
  purpose: string;
  action: string;
  resourceType: string;
  resourceId?: string | undefined;
  /** The patient identifier concerned (`system|value`); stored only as a keyed hash. */
  patient?: { system: string; value: string } | undefined;
  /** Diagnoses a disclosure policy withheld from the answer (visit reads). */
  withheld?: number | undefined;
}

/** An audit entry as the API shows it (the patient appears only as its keyed hash). */
export interface AuditEvent {
  id: string;
  at: string;
  facilityCode: string;
  userRef: string | null;
  purpose: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  patientRef: string | null;
  /** Diagnoses a disclosure policy withheld from the answer (visit reads), else null. */
  withheld: number | null;
}

/**
 * The audit trail. Patient identifiers are stored as HMAC-SHA256 under a key generated once per
 * deployment (a plain hash of a 12-digit number could be reversed by trying them all).
 */
export interface AuditLog {
  /**
   * Records an entry, durably before the promise resolves. The entries of one turn of the event
   * loop share one INSERT and one commit.
   */
  record(entry: AuditEntry): Promise<void>;
  patientRef(patient: { system: string; value: string }): string;
  list(filter: {
    facilityCode?: string;
    patient?: { system: string; value: string };
    limit?: number;
  }): Promise<AuditEvent[]>;
}

/** Most entries one INSERT carries (11 columns each: well under every dialect's parameter limit). */
const MAX_ROWS_PER_INSERT = 500;

/** An entry waiting for its batch's write, and who waits for it. */
type Pending = { row: Insertable<AuditEventTable>; resolve: () => void; reject: (error: unknown) => void };

/** One INSERT of entries, built once per number of rows (db/query-shapes.ts). */
const insertRows = shapedQuery((db, rows: Insertable<AuditEventTable>[]) =>
  db.insertInto('audit_events').values(rows),
);
/** One INSERT of pending entries (at most {@link MAX_ROWS_PER_INSERT}). */
const insertEntries = (db: Kysely<HubDatabase>, pending: readonly Pending[]) =>
  insertRows.execute(
    db,
    pending.map((p) => p.row),
  );

export async function createAuditLog(store: Pick<HubDb, 'db' | 'transact' | 'writeOne'>): Promise<AuditLog> {
  const { db } = store;
  const key = await auditKey(db);
  const hash = (system: string, value: string) =>
    createHmac('sha256', key).update(`${system}|${value}`).digest('hex');
  // Entries name the patient under the current URI; those written before under an older alias
  // (`http://fhir.hl7.org.vn/core/sid/cccd`) hashed that one, so a listing asks for every alias.
  const patientRef = (p: { system: string; value: string }) =>
    hash(canonicalIdentifierSystem(p.system), p.value);
  const patientRefs = (p: { system: string; value: string }) =>
    identifierSystemAliases(p.system).map((system) => hash(system, p.value));
  // SQLite files entries by patient in sorted runs after writing them; PostgreSQL indexes them.
  const runs: AuditPatientRuns | undefined = onPostgres(db)
    ? undefined
    : await startAuditPatientRuns(db, store.transact);
  let pending: Pending[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    try {
      if (batch.length <= MAX_ROWS_PER_INSERT) await store.writeOne((db) => insertEntries(db, batch));
      else
        await store.transact(async (trx) => {
          for (let i = 0; i < batch.length; i += MAX_ROWS_PER_INSERT)
            await insertEntries(trx, batch.slice(i, i + MAX_ROWS_PER_INSERT));
        });
      for (const p of batch) p.resolve();
      runs?.wrote(batch.length);
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  };
  return {
    patientRef,
    record(entry) {
      const row = {
        id: newRowId(),
        at: new Date().toISOString(),
        facility_code: entry.facilityCode,
        credential_id: entry.credentialId,
        user_ref: entry.userRef ?? null,
        purpose: entry.purpose,
        action: entry.action,
        resource_type: entry.resourceType,
        resource_id: entry.resourceId ?? null,
        patient_ref: entry.patient ? patientRef(entry.patient) : null,
        withheld: entry.withheld ?? null,
      };
      return new Promise<void>((resolve, reject) => {
        if (pending.length === 0) setImmediate(() => void flush());
        pending.push({ row, resolve, reject });
      });
    },
    async list(filter) {
      const limit = Math.min(filter.limit ?? 100, 1000);
      const rows =
        runs && filter.patient
          ? (
              await patientAuditEvents(
                db,
                patientRefs(filter.patient),
                limit,
                filter.facilityCode || undefined,
              )
            ).rows
          : await db
              .selectFrom('audit_events')
              .selectAll()
              .$if(!!filter.facilityCode, (q) => q.where('facility_code', '=', filter.facilityCode as string))
              .$if(!!filter.patient, (q) => q.where('patient_ref', 'in', patientRefs(filter.patient!)))
              .orderBy('at', 'desc')
              .orderBy('id')
              .limit(rowLimit(limit))
              .execute();
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        facilityCode: r.facility_code,
        userRef: r.user_ref,
        purpose: r.purpose,
        action: r.action,
        resourceType: r.resource_type,
        resourceId: r.resource_id,
        patientRef: r.patient_ref,
        withheld: r.withheld,
      }));
    },
  };
}

async function auditKey(db: Kysely<HubDatabase>): Promise<Buffer> {
  const existing = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'audit_key')
    .executeTakeFirst();
  if (existing) return Buffer.from(existing.value, 'base64');
  const value = randomBytes(32).toString('base64');
  // Two instances starting together: the first insert wins, both then read the same key.
  await db
    .insertInto('settings')
    .values({ key: 'audit_key', value })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const stored = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'audit_key')
    .executeTakeFirstOrThrow();
  return Buffer.from(stored.value, 'base64');
}
